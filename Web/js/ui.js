// Small DOM helpers shared by the pages. Text always goes in as text nodes
// (never innerHTML), so titles and descriptions cannot inject markup.

/** el("a.card", {href: "/"}, child, "text") */
export function el(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const node = document.createElement(name);
  if (classes.length) node.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? h + ":" : ""}${mm}:${String(r).padStart(2, "0")}`;
}

export function formatBytes(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0, v = bytes;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v.toFixed(v < 10 && i ? 1 : 0)} ${units[i]}`;
}

export function formatViews(n) {
  n = n || 0;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M views`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K views`;
  return `${n} ${n === 1 ? "view" : "views"}`;
}

export function timeAgo(iso) {
  if (!iso) return "";
  const seconds = (Date.now() - Date.parse(iso)) / 1000;
  const steps = [[60, "second"], [60, "minute"], [24, "hour"], [30, "day"], [12, "month"], [Infinity, "year"]];
  let v = Math.max(0, seconds);
  for (const [size, unit] of steps) {
    if (v < size) { const n = Math.floor(v); return `${n} ${unit}${n === 1 ? "" : "s"} ago`; }
    v /= size;
  }
  return "";
}

/** Who made a video: the owner's current display name (from the API). */
export function creatorName(video, me) {
  const name = video.owner && video.owner.displayName;
  if (name) return name;
  if (me && video.ownerId === me.id) return me.displayName || "You";
  return "Unknown creator";
}

/** The creator's name as a link to their channel page (/c/<id>). */
export function creatorLink(video, me) {
  const id = (video.owner && video.owner.id) || video.ownerId;
  const name = creatorName(video, me);
  return id ? el("a.creator-link", { href: `/c/${encodeURIComponent(id)}`, "data-link": true }, name) : name;
}

let noticeTimer = null;
/** Shows a message in the alert area (errors in plain words). */
export function notify(message, kind = "error") {
  const box = document.getElementById("notice");
  box.textContent = message;
  box.className = `notice notice-${kind}`;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 10000 : 4000);
}

export function clearNotice() {
  const box = document.getElementById("notice");
  if (box) box.hidden = true;
}

/** A video card: poster, duration, title, creator, views. */
export function videoCard(video, me, { progressSeconds } = {}) {
  const href = `/watch/${encodeURIComponent(video.id)}${progressSeconds ? `?t=${Math.floor(progressSeconds)}` : ""}`;
  const poster = video.posterUrl
    ? el("img", { src: video.posterUrl, alt: `Poster of ${video.title}`, loading: "lazy" })
    : el("div.poster-missing", { role: "img", "aria-label": `No poster for ${video.title}` }, "▶");
  const thumb = el("div.thumb", {}, poster,
    video.durationSeconds ? el("span.duration", { "aria-label": `Duration ${formatDuration(video.durationSeconds)}` }, formatDuration(video.durationSeconds)) : null);
  if (progressSeconds && video.durationSeconds) {
    const bar = el("span.watched");
    bar.style.width = `${Math.min(100, (100 * progressSeconds) / video.durationSeconds)}%`;
    thumb.append(el("span.watched-track", { "aria-hidden": "true" }, bar));
  }
  return el("li.card", {},
    el("a.card-link", { href, "data-link": true, dataset: { videoId: video.id } },
      thumb,
      el("span.card-title", {}, video.title),
    ),
    el("span.card-meta", {}, creatorLink(video, me), " · ", formatViews(video.views), video.publishedAt ? ` · ${timeAgo(video.publishedAt)}` : ""),
  );
}
