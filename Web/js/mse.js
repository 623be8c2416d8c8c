// Playing CMAF HLS through Media Source Extensions: one SourceBuffer for the
// chosen video rung (its init segment, then its segments) and one for the
// separate audio rendition. Segments are fetched ~30 s ahead of the play
// position; a playlist that has not ended (EVENT, still transcoding) is
// re-read as it grows. With `auto`, the rung follows the measured throughput
// (the rungs' keyframes are aligned, so a switch is a new init segment
// followed by the next segment of the other rung).
import { fetchText, parseMedia } from "./playlist.js";

const AHEAD_SECONDS = 30;
const BEHIND_SECONDS = 30;

class Track {
  constructor(session, kind, uri, mime) {
    this.session = session;
    this.kind = kind;
    this.uri = uri;
    this.mime = mime;
    this.playlist = null;
    this.sourceBuffer = null;
    this.next = 0;
    this.needsInit = true;
    this.busy = false;
    this.done = false;
    this.lastRefresh = 0;
  }

  async load() {
    this.playlist = parseMedia(await fetchText(this.uri, this.session.abort.signal), this.uri);
  }

  indexAt(time) {
    const segments = this.playlist.segments;
    for (let i = 0; i < segments.length; i++) if (time < segments[i].start + segments[i].duration) return i;
    return segments.length;
  }

  bufferedAhead(time) {
    const ranges = this.sourceBuffer.buffered;
    for (let i = 0; i < ranges.length; i++) {
      if (time >= ranges.start(i) - 0.3 && time <= ranges.end(i)) return ranges.end(i) - time;
    }
    return 0;
  }

  buffering(time) {
    const ranges = this.sourceBuffer.buffered;
    for (let i = 0; i < ranges.length; i++) if (time >= ranges.start(i) - 0.3 && time < ranges.end(i)) return true;
    return false;
  }

  async fetchBytes(url) {
    const started = performance.now();
    const response = await fetch(url, { signal: this.session.abort.signal });
    if (!response.ok) throw new Error(`segment ${url} answered HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    this.session.measure(bytes.byteLength, performance.now() - started);
    return bytes;
  }

  append(bytes) {
    return new Promise((resolve, reject) => {
      const sb = this.sourceBuffer;
      const done = () => { sb.removeEventListener("updateend", done); sb.removeEventListener("error", fail); resolve(); };
      const fail = () => { sb.removeEventListener("updateend", done); sb.removeEventListener("error", fail); reject(new Error(`${this.kind} append failed`)); };
      sb.addEventListener("updateend", done);
      sb.addEventListener("error", fail);
      sb.appendBuffer(bytes);
    });
  }

  remove(start, end) {
    return new Promise((resolve) => {
      const sb = this.sourceBuffer;
      const done = () => { sb.removeEventListener("updateend", done); resolve(); };
      sb.addEventListener("updateend", done);
      sb.remove(start, end);
    });
  }

  /** One step of work, if any is due: init, a segment, a refresh, a trim. */
  async pump(time) {
    if (this.busy || this.sourceBuffer.updating) return;
    this.busy = true;
    try {
      if (this.needsInit) {
        if (this.playlist.init) await this.append(await this.fetchBytes(this.playlist.init));
        this.needsInit = false;
        return;
      }
      const ranges = this.sourceBuffer.buffered;
      if (ranges.length && time - ranges.start(0) > BEHIND_SECONDS + 10) {
        await this.remove(0, time - BEHIND_SECONDS);
        return;
      }
      if (this.bufferedAhead(time) >= AHEAD_SECONDS) return;
      if (this.next >= this.playlist.segments.length) {
        if (this.playlist.ended) { this.done = true; return; }
        if (performance.now() - this.lastRefresh < 2000) return;
        this.lastRefresh = performance.now();
        await this.load();
        return;
      }
      this.done = false;
      const index = this.next;
      const bytes = await this.fetchBytes(this.playlist.segments[index].uri);
      await this.append(bytes);
      if (this.next === index) this.next = index + 1; // unless a seek moved it meanwhile
    } finally {
      this.busy = false;
    }
  }

  seek(time) {
    if (!this.playlist || this.buffering(time)) return;
    this.next = this.indexAt(time);
    this.done = false;
  }
}

export class MseSession {
  /**
   * @param video the <video> element
   * @param master the parsed master playlist
   * @param variantIndex a rung to hold, or -1 for automatic choice
   * @param expectedDuration seconds, used until the playlists have ended
   */
  constructor(video, master, variantIndex, expectedDuration, onError) {
    this.video = video;
    this.master = master;
    this.auto = variantIndex < 0;
    this.variantIndex = this.auto ? this.initialVariant() : variantIndex;
    this.expectedDuration = expectedDuration;
    this.onError = onError;
    this.abort = new AbortController();
    this.throughput = 0; // bits per second, smoothed
    this.tracks = [];
    this.closed = false;
  }

  static supported() {
    return typeof MediaSource !== "undefined" && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"');
  }

  get variant() { return this.master.variants[this.variantIndex]; }

  initialVariant() {
    const wanted = Math.max(360, (this.video.clientHeight || 360) * (window.devicePixelRatio || 1));
    const variants = this.master.variants;
    const fit = variants.findIndex((v) => v.height <= wanted * 1.2);
    return fit >= 0 ? fit : variants.length - 1;
  }

  measure(bytes, ms) {
    if (ms <= 0 || bytes < 50_000) return;
    const bps = (bytes * 8 * 1000) / ms;
    this.throughput = this.throughput ? this.throughput * 0.7 + bps * 0.3 : bps;
  }

  start() {
    this.mediaSource = new MediaSource();
    this.objectUrl = URL.createObjectURL(this.mediaSource);
    this.mediaSource.addEventListener("sourceopen", () => this.open().catch((e) => this.fail(e)), { once: true });
    this.video.src = this.objectUrl;
    this.onSeeking = () => { for (const t of this.tracks) t.seek(this.video.currentTime); this.tick(); };
    this.video.addEventListener("seeking", this.onSeeking);
  }

  async open() {
    const variant = this.variant;
    const videoCodec = variant.videoCodec;
    const audioCodec = variant.audioCodec || "mp4a.40.2";
    if (videoCodec) {
      this.videoTrack = new Track(this, "video", variant.uri, `video/mp4; codecs="${videoCodec}"`);
      this.tracks.push(this.videoTrack);
    }
    const audioUri = this.master.audio ? this.master.audio.uri : (videoCodec ? null : variant.uri);
    if (audioUri) this.tracks.push(new Track(this, "audio", audioUri, `audio/mp4; codecs="${audioCodec}"`));
    await Promise.all(this.tracks.map((t) => t.load()));
    if (this.closed) return;
    for (const t of this.tracks) {
      if (!MediaSource.isTypeSupported(t.mime)) throw new Error(`this browser cannot play ${t.mime}`);
      t.sourceBuffer = this.mediaSource.addSourceBuffer(t.mime);
    }
    const total = Math.max(...this.tracks.map((t) => (t.playlist.ended ? t.playlist.totalDuration : 0)));
    this.mediaSource.duration = total || this.expectedDuration || Math.max(...this.tracks.map((t) => t.playlist.totalDuration));
    for (const t of this.tracks) t.seek(this.video.currentTime);
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
  }

  tick() {
    if (this.closed || !this.mediaSource || this.mediaSource.readyState !== "open" || !this.tracks.length) return;
    if (!this.tracks.every((t) => t.sourceBuffer)) return;
    if (this.auto && this.videoTrack) this.adapt();
    const time = this.video.currentTime;
    for (const t of this.tracks) t.pump(time).catch((e) => this.fail(e));
    if (this.tracks.every((t) => t.done && !t.sourceBuffer.updating && !t.busy)) {
      try { this.mediaSource.endOfStream(); } catch { /* already ended */ }
    }
  }

  /** Automatic rung: the largest whose bandwidth fits 80% of the throughput. */
  adapt() {
    const track = this.videoTrack;
    if (!this.throughput || track.busy || track.needsInit) return;
    const variants = this.master.variants;
    let best = variants.length - 1;
    for (let i = 0; i < variants.length; i++) {
      if (variants[i].bandwidth <= this.throughput * 0.8 && variants[i].height <= (this.video.clientHeight || 720) * (window.devicePixelRatio || 1) * 1.5) { best = i; break; }
    }
    if (best === this.variantIndex) return;
    this.switchTo(best);
  }

  async switchTo(index) {
    const track = this.videoTrack;
    this.variantIndex = index;
    track.busy = true;
    try {
      track.uri = this.variant.uri;
      await track.load();
      track.needsInit = true;
    } catch (e) {
      this.fail(e);
    } finally {
      track.busy = false;
    }
  }

  fail(error) {
    if (this.closed || (error && error.name === "AbortError")) return;
    this.onError(error);
  }

  close() {
    this.closed = true;
    clearInterval(this.timer);
    this.abort.abort();
    this.video.removeEventListener("seeking", this.onSeeking);
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
  }
}
