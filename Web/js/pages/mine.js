// The studio (/studio, formerly /my-videos): state and progress, edit title/description/tags/visibility, delete.
import * as api from "../api.js";
import { el, formatDuration, notify } from "../ui.js";
import { tagsFrom, visibilitySelect } from "./upload.js";
import { studioPanel } from "../studio.js";

const stateNames = { uploading: "Uploading", processing: "Processing", ready: "Ready", failed: "Failed" };

function editor(video, onSaved) {
  const p = `edit-${video.id}`;
  const title = el("input", { id: `${p}-title`, value: video.title, required: true, maxlength: 200 });
  const description = el("textarea", { id: `${p}-description`, rows: 3, maxlength: 5000 }, video.description || "");
  const tags = el("input", { id: `${p}-tags`, value: (video.tags || []).join(", ") });
  const visibility = visibilitySelect(`${p}-visibility`, video.visibility);
  const error = el("p.form-error", { role: "alert", hidden: true });
  const form = el("form.edit-form", {},
    el("div.field", {}, el("label", { for: `${p}-title` }, "Title"), title),
    el("div.field", {}, el("label", { for: `${p}-description` }, "Description"), description),
    el("div.field", {}, el("label", { for: `${p}-tags` }, "Tags (comma-separated)"), tags),
    el("div.field", {}, el("label", { for: `${p}-visibility` }, "Visibility"), visibility),
    error,
    el("button.button.button-primary", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const list = tagsFrom(tags.value);
    const body = { title: title.value.trim(), description: description.value.trim(), visibility: visibility.value };
    if (list.length) body.tags = list; else body.clearTags = true;
    try {
      onSaved(await api.api("PATCH", `/api/v1/videos/${encodeURIComponent(video.id)}`, body));
      notify("Saved.", "info");
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  return el("details.edit", {}, el("summary", {}, "Edit details"), form);
}

function item(video, refresh) {
  const state = stateNames[video.state] || video.state;
  const progress = video.state === "processing"
    ? el("progress", { max: 100, value: video.progress || 0, "aria-label": `Processing ${video.title}` }) : null;
  const remove = el("button.button.button-danger", { type: "button" }, "Delete");
  remove.addEventListener("click", async () => {
    if (!confirm(`Delete “${video.title}”? This cannot be undone.`)) return;
    try {
      await api.api("DELETE", `/api/v1/videos/${encodeURIComponent(video.id)}`);
      notify("Deleted.", "info");
      refresh();
    } catch (err) {
      notify(err.message);
    }
  });
  const poster = video.posterUrl ? el("img", { src: video.posterUrl, alt: `Poster of ${video.title}` }) : el("div.poster-missing", { "aria-hidden": "true" }, "▶");
  const node = el("li.my-video", { dataset: { videoId: video.id, state: video.state } },
    el("div.thumb.small", {}, poster),
    el("div.my-video-body", {},
      el("h2", {}, video.state === "ready" ? el("a", { href: `/watch/${encodeURIComponent(video.id)}`, "data-link": true }, video.title) : video.title),
      el("p.watch-meta", {},
        el("span.state", { class: `state state-${video.state}` }, state),
        video.state === "processing" ? ` ${video.progress || 0}%` : "",
        ` · ${video.visibility}`,
        video.durationSeconds ? ` · ${formatDuration(video.durationSeconds)}` : "",
        video.state === "ready" ? ` · ${video.views || 0} views` : ""),
      progress,
      video.state === "failed" && video.failureReason ? el("p.form-error", {}, video.failureReason) : null,
      studioPanel(video),
      el("div.actions", {}, editor(video, () => refresh()), remove)));
  return node;
}

export async function renderMyVideos(main, { navigate }) {
  if (!api.signedIn()) { navigate("/signin?next=/studio", { replace: true }); return; }
  // /my-videos is the studio's old address: keep it working, show the new one.
  if (location.pathname === "/my-videos") history.replaceState(null, "", `/studio${location.search}${location.hash}`);
  const list = el("ul.my-videos", { id: "my-videos" });
  main.append(el("div.page-head", {}, el("h1", {}, "Studio"),
    api.canUpload() ? el("a.button.button-primary", { href: "/upload", "data-link": true }, "Upload") : null), list);
  let timer = null, gone = false;
  const refresh = async () => {
    clearTimeout(timer);
    try {
      const page = await api.api("GET", "/api/v1/users/me/videos?limit=100");
      if (gone) return;
      // Keep an open editor open: only redraw when nothing is being edited.
      if (!list.querySelector("details[open]")) {
        list.replaceChildren(...page.items.map((v) => item(v, refresh)));
        if (!page.items.length) list.replaceChildren(el("li.empty", {}, "You have not uploaded any videos yet."));
      }
      if (page.items.some((v) => v.state === "processing" || v.state === "uploading")) timer = setTimeout(refresh, 2000);
    } catch (e) {
      notify(e.message);
    }
  };
  await refresh();
  return () => { gone = true; clearTimeout(timer); };
}
