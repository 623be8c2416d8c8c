// Signed share links for private videos (issue #20). The owner's API answer
// carries signed media URLs (the video plugin signs the video's folder until
// REEL_MEDIA_URL_TTL_SECONDS + the duration, 1 h by default); the studio puts
// them in the fragment of a watch link — /watch/<id>#share=<data> — which
// never reaches a server or a log. A signed-out browser that cannot read the
// video from the API plays it from those URLs until they expire.
import { el } from "./ui.js";
import { Player } from "./player.js";

function encode(object) {
  const bytes = new TextEncoder().encode(JSON.stringify(object));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** When a signed URL stops working (seconds since 1970), from ".../s/<expires>/<signature>/...". */
export function signedUntil(url) {
  const match = /\/s\/(\d+)\/[^/]+\/videos\//.exec(url || "");
  return match ? Number(match[1]) : null;
}

/** The share link of a private video (the owner's signed URLs), or null when its URLs are not signed. */
export function signedShareLink(video) {
  if (!video.hlsUrl || signedUntil(video.hlsUrl) === null) return null;
  const data = { h: video.hlsUrl, p: video.posterUrl || "", t: video.title, d: video.durationSeconds || 0 };
  return new URL(`/watch/${encodeURIComponent(video.id)}#share=${encode(data)}`, location.origin).href;
}

/** The shared video in this page's fragment, if it is one of this video's signed URLs on this site. */
export function sharedFromHash(id) {
  const match = /^#share=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) return null;
  let data;
  try { data = decode(match[1]); } catch { return null; }
  const folder = `/videos/${id}/`;
  const sameSite = (u) => { try { const url = new URL(u, location.href); return url.origin === location.origin && url.pathname.includes(folder); } catch { return false; } };
  if (!data || typeof data.h !== "string" || !sameSite(data.h) || signedUntil(data.h) === null) return null;
  return { hlsUrl: data.h, posterUrl: data.p && sameSite(data.p) ? data.p : null, title: String(data.t || "Shared video").slice(0, 200),
           durationSeconds: Number(data.d) || 0, until: signedUntil(data.h) };
}

/** The watch page for a shared private video: the player and its title, no API calls. */
export async function renderShared(main, shared) {
  document.title = `${shared.title} · Reel`;
  const player = new Player({ ...shared, startAt: 0 });
  const expired = shared.until * 1000 < Date.now();
  main.append(el("div.watch-layout", {}, player.root,
    el("section.watch-details", { "aria-labelledby": "video-title" },
      el("h1", { id: "video-title" }, shared.title),
      el("p.watch-meta", { id: "share-note" }, expired
        ? "This share link has expired. Ask the owner for a new one."
        : `Shared with you privately · the link works until ${new Date(shared.until * 1000).toLocaleString()}`))));
  if (!expired) await player.load().catch(() => {});
  return () => { player.destroy(); document.title = "Reel"; };
}
