// The watch page: player, title, description, creator, views; resumes from
// the last reported position and reports the position while playing.
import * as api from "../api.js";
import { el, creatorLink, formatViews, notify, timeAgo } from "../ui.js";
import { Player } from "../player.js";
import { watchlistToggle } from "../watchlist.js";
import { followButton } from "../notifications.js";
import { commentSection } from "../comments.js";

const REPORT_EVERY_MS = 10_000;

async function lastPosition(id) {
  if (!api.signedIn()) return 0;
  try {
    const page = await api.api("GET", "/api/v1/me/continue-watching?limit=100");
    const item = page.items.find((i) => i.video && i.video.id === id);
    return item ? item.positionSeconds || 0 : 0;
  } catch {
    return 0;
  }
}

function details(video) {
  const me = api.user();
  return el("section.watch-details", { "aria-labelledby": "video-title" },
    el("h1", { id: "video-title" }, video.title),
    el("p.watch-meta", {},
      el("span.creator", {}, creatorLink(video, me)), " · ",
      el("span", { id: "view-count" }, formatViews(video.views)),
      video.publishedAt ? ` · ${timeAgo(video.publishedAt)}` : ""),
    watchlistToggle(video),
    followButton(video.owner ? video.owner.id : video.ownerId, video.owner ? video.owner.displayName : ""),
    video.tags && video.tags.length
      ? el("ul.tag-list", { "aria-label": "Tags" }, video.tags.map((t) => el("li", {}, el("a.chip", { href: `/?tag=${encodeURIComponent(t)}`, "data-link": true }, `#${t}`))))
      : null,
    video.description ? el("p.description", {}, video.description) : null);
}

export async function renderWatch(main, { params, query }) {
  const [id] = params;
  let video;
  try {
    video = await api.api("GET", `/api/v1/videos/${encodeURIComponent(id)}`);
  } catch (e) {
    main.append(el("h1", {}, "Video unavailable"), el("p", {}, e.message));
    return;
  }
  document.title = `${video.title} · Reel`;
  if (!video.hlsUrl) {
    // Not playable yet: follow the processing, and start over once the
    // first segments (or the finished stream) are published.
    const status = el("div.player-placeholder", { role: "status", "aria-live": "polite" });
    main.append(status, details(video), commentSection(video));
    let timer = null, gone = false;
    const poll = async () => {
      if (video.state === "failed") { status.textContent = `Processing failed: ${video.failureReason || "unknown reason"}.`; return; }
      status.textContent = `This video is still being processed (${video.progress || 0}%). It will play here as soon as it can.`;
      timer = setTimeout(async () => {
        try { video = await api.api("GET", `/api/v1/videos/${encodeURIComponent(id)}`); } catch { /* try again */ }
        if (gone) return;
        if (video.hlsUrl) { main.replaceChildren(); cleanup = await renderWatch(main, { params, query }); } else poll();
      }, 2000);
    };
    let cleanup = null;
    poll();
    return () => { gone = true; clearTimeout(timer); if (cleanup) cleanup(); };
  }
  const fromQuery = Number(query.get("t"));
  const startAt = Number.isFinite(fromQuery) && fromQuery > 0 ? fromQuery : await lastPosition(id);
  const player = new Player({ ...video, startAt });
  main.append(el("div.watch-layout", {}, player.root, details(video)), commentSection(video));

  let lastReport = 0, viewRecorded = false, reported = -1;
  const report = (force = false) => {
    if (!api.signedIn()) return;
    const t = player.video.currentTime;
    if (!Number.isFinite(t) || Math.abs(t - reported) < 1) return;
    if (!force && Date.now() - lastReport < REPORT_EVERY_MS) return;
    lastReport = Date.now();
    reported = t;
    api.api("PUT", `/api/v1/videos/${encodeURIComponent(id)}/position`, { positionSeconds: t }, { keepalive: true }).catch(() => {});
  };
  // A view counts after real playback (one per viewer and day, decided by
  // the server): the first call starts its clock, the second comes after
  // min(5 s, 30 % of the video) of playing.
  let viewStarted = false, watched = 0, lastTime = null;
  const recordView = () =>
    api.api("POST", `/api/v1/videos/${encodeURIComponent(id)}/views`, {})
      .then((r) => { if (r && typeof r.views === "number") document.getElementById("view-count").textContent = formatViews(r.views); })
      .catch(() => {});
  const countPlayback = () => {
    const t = player.video.currentTime;
    if (viewRecorded || !viewStarted || player.video.paused || !Number.isFinite(t)) { lastTime = t; return; }
    if (lastTime !== null && t > lastTime && t - lastTime < 2) watched += t - lastTime;
    lastTime = t;
    const duration = Number.isFinite(player.video.duration) ? player.video.duration : video.durationSeconds;
    if (watched >= Math.min(5, 0.3 * (duration || Infinity))) {
      viewRecorded = true;
      recordView();
    }
  };
  player.video.addEventListener("timeupdate", () => { countPlayback(); report(); });
  player.video.addEventListener("pause", () => report(true));
  player.video.addEventListener("playing", () => {
    lastTime = player.video.currentTime;
    if (viewStarted) return;
    viewStarted = true;
    recordView();
  });
  const onHide = () => report(true);
  window.addEventListener("pagehide", onHide);

  try {
    await player.load();
  } catch (e) {
    notify(`The video could not be loaded: ${e.message}`);
  }
  return () => {
    report(true);
    window.removeEventListener("pagehide", onHide);
    player.destroy();
    document.title = "Reel";
  };
}
