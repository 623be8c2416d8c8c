// Reading HLS playlists (RFC 8216) — just what the player needs: the master
// playlist's audio rendition and variants, and a media playlist's init
// segment, segments and whether it has ended.

/** Attributes of a tag line: KEY=value,KEY="quoted, value". */
export function attributes(text) {
  const out = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  let m;
  while ((m = re.exec(text)) !== null) out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  return out;
}

function lines(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** { audio: {uri, codecs}|null, variants: [{uri, width, height, bandwidth, codecs, videoCodec, audioCodec, label}] } */
export function parseMaster(text, baseUrl) {
  const all = lines(text);
  if (all[0] !== "#EXTM3U") throw new Error("not an HLS playlist");
  let audio = null;
  const variants = [];
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (line.startsWith("#EXT-X-MEDIA:")) {
      const a = attributes(line.slice(13));
      if (a.TYPE === "AUDIO" && a.URI && (!audio || a.DEFAULT === "YES")) audio = { uri: new URL(a.URI, baseUrl).href, name: a.NAME };
    } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
      const a = attributes(line.slice(18));
      const uri = all[i + 1];
      if (!uri || uri.startsWith("#")) continue;
      const [width, height] = (a.RESOLUTION || "").split("x").map(Number);
      const codecs = (a.CODECS || "").split(",").map((c) => c.trim()).filter(Boolean);
      variants.push({
        uri: new URL(uri, baseUrl).href,
        width: width || 0,
        height: height || 0,
        bandwidth: Number(a.BANDWIDTH) || 0,
        videoCodec: codecs.find((c) => /^(avc|hvc|hev|vp0|av01)/.test(c)) || null,
        audioCodec: codecs.find((c) => /^(mp4a|opus|ac-3|ec-3|flac)/.test(c)) || null,
        label: height ? `${height}p` : "Audio",
      });
    }
  }
  variants.sort((a, b) => b.height - a.height || b.bandwidth - a.bandwidth);
  return { audio, variants };
}

/** { init: url|null, segments: [{uri, start, duration}], ended, totalDuration } */
export function parseMedia(text, baseUrl) {
  const all = lines(text);
  if (all[0] !== "#EXTM3U") throw new Error("not an HLS playlist");
  let init = null, ended = false, duration = null, start = 0;
  const segments = [];
  for (const line of all) {
    if (line.startsWith("#EXT-X-MAP:")) init = new URL(attributes(line.slice(11)).URI, baseUrl).href;
    else if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8));
    else if (line === "#EXT-X-ENDLIST") ended = true;
    else if (!line.startsWith("#") && duration !== null) {
      segments.push({ uri: new URL(line, baseUrl).href, start, duration });
      start += duration;
      duration = null;
    }
  }
  return { init, segments, ended, totalDuration: start };
}

export async function fetchText(url, signal) {
  const response = await fetch(url, { signal, cache: "no-store" });
  if (!response.ok) throw new Error(`playlist ${url} answered HTTP ${response.status}`);
  return response.text();
}
