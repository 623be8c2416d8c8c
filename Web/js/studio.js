// The studio's extras on each of "My videos" (issue #20): the comment count,
// the comment on/off switch (the comment plugin's comment-settings), and a
// share link. Kept apart from pages/mine.js, which adds studioPanel(video).
import * as api from "./api.js";
import { el, notify } from "./ui.js";
import { signedShareLink, signedUntil } from "./share.js";

const MAX_PAGES = 5; // counts up to 500 threads; beyond, "500+"

/** Comments on a video: threads plus their replies, and whether comments are on. */
async function commentStats(id) {
  let count = 0, cursor = "", enabled = true, more = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api.api("GET", `/api/v1/videos/${encodeURIComponent(id)}/comments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (page === 0 && r.enabled === false) enabled = false;
    for (const c of r.items || []) count += (c.deleted ? 0 : 1) + (c.replyCount || 0);
    cursor = r.nextCursor || "";
    if (!cursor) break;
    more = page === MAX_PAGES - 1;
  }
  return { count, enabled, more };
}

function commentsPart(video) {
  const id = video.id;
  const label = el("span.comment-count", { dataset: { videoId: id } }, "Comments…");
  const toggle = el("button.button.comments-switch", { type: "button", hidden: true, dataset: { videoId: id }, "aria-pressed": "true" });
  let enabled = true;
  const show = () => {
    toggle.textContent = enabled ? "Turn comments off" : "Turn comments on";
    toggle.setAttribute("aria-pressed", String(enabled));
    toggle.hidden = false;
  };
  toggle.addEventListener("click", async () => {
    toggle.disabled = true;
    try {
      const r = await api.api("PUT", `/api/v1/videos/${encodeURIComponent(id)}/comment-settings`, { enabled: !enabled });
      enabled = r.enabled !== false;
      show();
      notify(`Comments are ${enabled ? "on" : "off"} for “${video.title}”.`, "info");
    } catch (e) { notify(e.message); } finally { toggle.disabled = false; }
  });
  const part = el("div.studio-comments", {}, label, toggle);
  commentStats(id).then(({ count, enabled: on, more }) => {
    label.textContent = `${count}${more ? "+" : ""} ${count === 1 && !more ? "comment" : "comments"}${on ? "" : " · comments off"}`;
    enabled = on;
    show();
  }, (e) => {
    if (e.status === 404) { part.remove(); return; } // no comment plugin on this host
    label.textContent = "Comments unavailable";
  });
  return part;
}

function sharePart(video) {
  let url = new URL(`/watch/${encodeURIComponent(video.id)}`, location.origin).href, note = null;
  if (video.visibility === "private") {
    // A signed link: works for anyone who has it until the signature expires.
    url = signedShareLink(video);
    if (!url) return el("p.share-note", {}, "Private: only you can watch it. Make it unlisted to share a link with anyone who has it.");
    note = el("p.share-note", {}, `Private: this signed link works until ${new Date(signedUntil(video.hlsUrl) * 1000).toLocaleString()}.`);
  }
  const field = el("input.share-url", { type: "text", readonly: true, value: url, "aria-label": `Share link for ${video.title}`, dataset: { videoId: video.id } });
  const copy = el("button.button.share-copy", { type: "button", "aria-label": `Copy the share link for ${video.title}` }, "Copy link");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      notify("Link copied.", "info");
    } catch {
      field.select(); // no clipboard permission: selected, ready to copy by hand
      notify("Select and copy the link shown.", "info");
    }
  });
  return el("div.share-box", {}, el("div.share", {}, field, copy), note);
}

/** The studio panel under one of "My videos". */
export function studioPanel(video) {
  if (video.state !== "ready") return null;
  return el("div.studio-panel", {}, commentsPart(video), sharePart(video));
}
