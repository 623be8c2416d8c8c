// The video player: native HLS where the browser has it (Auto), otherwise —
// and for any chosen rung, since the rungs are video-only with the audio
// apart — CMAF through Media Source Extensions (mse.js). Native controls for
// play, seek and volume; a quality menu; keyboard shortcuts.
import { el } from "./ui.js";
import { fetchText, parseMaster } from "./playlist.js";
import { MseSession } from "./mse.js";

/** Whether Auto uses the browser's own HLS ("reel.player.mse" = "1" in
 * localStorage forces Media Source Extensions, e.g. to compare the two). */
export function nativeHls(video) {
  if (localStorage.getItem("reel.player.mse") === "1") return false;
  return video.canPlayType("application/vnd.apple.mpegurl") !== "";
}

export class Player {
  /**
   * @param options.hlsUrl master playlist URL
   * @param options.posterUrl, title, durationSeconds
   * @param options.startAt seconds to resume from
   */
  constructor(options) {
    this.options = options;
    this.video = el("video", {
      controls: true, playsinline: true, preload: "metadata",
      poster: options.posterUrl || null,
      "aria-label": `Video: ${options.title}`,
      id: "player-video",
    });
    this.quality = el("select", { id: "quality-select", "aria-describedby": "quality-note" }, el("option", { value: "auto" }, "Auto"));
    this.note = el("span.player-note", { id: "quality-note", "aria-live": "polite" });
    this.root = el("figure.player", { dataset: { mode: "", quality: "auto" } },
      el("div.video-frame", {}, this.video),
      el("figcaption.player-bar", {},
        el("label", { for: "quality-select" }, "Quality"), this.quality, this.note,
        el("span.shortcuts", {}, "Keys: space play/pause · ← → seek 5 s · ↑ ↓ volume · f full screen · m mute")));
    this.session = null;
    this.triedMse = false;
    this.quality.addEventListener("change", () => this.choose(this.quality.value));
    this.video.addEventListener("error", () => this.onMediaError());
    this.onKey = (event) => this.key(event);
    document.addEventListener("keydown", this.onKey);
  }

  async load() {
    const url = new URL(this.options.hlsUrl, location.href).href;
    this.master = parseMaster(await fetchText(url), url);
    for (const [i, v] of this.master.variants.entries()) {
      if (v.videoCodec) this.quality.append(el("option", { value: String(i) }, v.label));
    }
    await this.choose("auto", this.options.startAt || 0, false);
  }

  /** Switches to "auto" or a variant index, keeping the position and play state. */
  async choose(value, at = this.video.currentTime, play = !this.video.paused) {
    this.quality.value = value;
    this.root.dataset.quality = value === "auto" ? "auto" : this.master.variants[Number(value)].label;
    this.teardown();
    const index = value === "auto" ? -1 : Number(value);
    if (index < 0 && nativeHls(this.video) && !this.triedMse) {
      this.root.dataset.mode = "native";
      this.note.textContent = "";
      this.video.src = new URL(this.options.hlsUrl, location.href).href;
    } else if (MseSession.supported()) {
      this.root.dataset.mode = "mse";
      this.session = new MseSession(this.video, this.master, index, this.options.durationSeconds, (e) => this.onMseError(e));
      this.session.start();
      this.note.textContent = index >= 0 ? `Playing ${this.master.variants[index].label}` : "";
    } else {
      this.note.textContent = "This browser cannot play adaptive streams.";
      return;
    }
    await this.restore(at, play);
  }

  restore(at, play) {
    return new Promise((resolve) => {
      const ready = () => {
        if (at > 0 && Number.isFinite(at)) {
          const end = this.video.duration;
          this.video.currentTime = Number.isFinite(end) && at > end - 3 ? 0 : at;
        }
        if (play) this.video.play().catch(() => {});
        resolve();
      };
      if (this.video.readyState >= 1) ready();
      else this.video.addEventListener("loadedmetadata", ready, { once: true });
    });
  }

  teardown() {
    if (this.session) { this.session.close(); this.session = null; }
    this.video.removeAttribute("src");
    this.video.load();
  }

  onMediaError() {
    if (!this.video.error || this.video.getAttribute("src") === null) return;
    if (this.root.dataset.mode === "native" && !this.triedMse) {
      // Native HLS failed: play the same stream through MSE instead.
      this.triedMse = true;
      this.choose("auto", this.video.currentTime, true);
      return;
    }
    this.note.textContent = "The video could not be played. Try another quality or reload the page.";
  }

  onMseError(error) {
    this.note.textContent = `Playback problem: ${error.message}`;
  }

  key(event) {
    const t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t !== this.video && t.closest && t.closest("input, textarea, select, button, a, [contenteditable]")) return;
    const v = this.video;
    switch (event.key) {
      case " ": case "k": v.paused ? v.play().catch(() => {}) : v.pause(); break;
      case "ArrowLeft": v.currentTime = Math.max(0, v.currentTime - 5); break;
      case "ArrowRight": v.currentTime = Math.min(v.duration || Infinity, v.currentTime + 5); break;
      case "ArrowUp": v.volume = Math.min(1, v.volume + 0.1); break;
      case "ArrowDown": v.volume = Math.max(0, v.volume - 0.1); break;
      case "m": v.muted = !v.muted; break;
      case "f":
        if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
        else this.root.querySelector(".video-frame").requestFullscreen().catch(() => {});
        break;
      default: return;
    }
    event.preventDefault();
  }

  destroy() {
    document.removeEventListener("keydown", this.onKey);
    this.teardown();
  }
}
