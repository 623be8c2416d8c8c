// Upload: drag and drop (or pick) a file, send it with tus (resumable),
// then follow the transcoding until the video is ready.
import * as api from "../api.js";
import { el, formatBytes, formatDuration } from "../ui.js";
import { TusUpload } from "../tus.js";
import { uploadBatch, titleFrom } from "../uploads.js";

export function visibilitySelect(id, value = "public") {
  return el("select", { id, name: "visibility" },
    ["public", "unlisted", "private"].map((v) => el("option", { value: v, selected: v === value }, v[0].toUpperCase() + v.slice(1))));
}

export function tagsFrom(text) {
  return [...new Set(text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export async function followProcessing(id, { bar, text, isCancelled }) {
  for (;;) {
    if (isCancelled()) return null;
    const video = await api.api("GET", `/api/v1/videos/${encodeURIComponent(id)}`);
    bar.value = video.progress || 0;
    const rungs = video.rungsTotal ? ` · ${video.rungsDone || 0} of ${video.rungsTotal} qualities done` : "";
    if (video.state === "ready") { text.textContent = "Ready to watch."; bar.value = 100; return video; }
    if (video.state === "failed") throw new Error(`Processing failed: ${video.failureReason || "unknown reason"}.`);
    text.textContent = `Processing: ${video.progress || 0}%${rungs}`;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function renderUpload(main, { navigate }) {
  if (!api.signedIn()) { navigate("/signin?next=/upload", { replace: true }); return; }
  main.append(el("h1", {}, "Upload a video"));
  if (!api.canUpload()) {
    main.append(el("p.form-error", { role: "alert" }, "Your account can watch but not upload. Ask an administrator to make you a creator."));
    return;
  }
  let cancelled = false, upload = null, file = null, stopBatch = null;
  const input = el("input.visually-hidden", { type: "file", id: "file-input", accept: "video/*,audio/*", tabindex: "-1", multiple: true });
  const chosen = el("span.drop-file", { id: "chosen-file" }, "No file chosen");
  const drop = el("label.dropzone", { for: "file-input", id: "dropzone", tabindex: "0" },
    el("span.drop-title", {}, "Drag and drop a video here"), el("span", {}, "or click to choose files (several upload at once)"), chosen);
  const title = el("input", { id: "title", name: "title", required: true, maxlength: 200 });
  const description = el("textarea", { id: "description", name: "description", rows: 3, maxlength: 5000 });
  const tags = el("input", { id: "tags", name: "tags", placeholder: "e.g. travel, cooking" });
  const submit = el("button.button.button-primary", { type: "submit", id: "upload-button" }, "Upload");
  const error = el("p.form-error", { role: "alert", hidden: true });
  const form = el("form.upload-form", {},
    drop, input,
    el("div.field", {}, el("label", { for: "title" }, "Title"), title),
    el("div.field", {}, el("label", { for: "description" }, "Description"), description),
    el("div.field", {}, el("label", { for: "tags" }, "Tags (comma-separated)"), tags),
    el("div.field", {}, el("label", { for: "visibility" }, "Visibility"), visibilitySelect("visibility")),
    error, submit);
  const uploadBar = el("progress", { id: "upload-progress", max: 100, value: 0, "aria-label": "Upload progress" });
  const uploadText = el("p.progress-text", { id: "upload-status", "aria-live": "polite" });
  const processBar = el("progress", { id: "processing-progress", max: 100, value: 0, "aria-label": "Processing progress" });
  const processText = el("p.progress-text", { id: "processing-status", "aria-live": "polite" });
  const cancel = el("button.button", { type: "button" }, "Cancel upload");
  const status = el("section.upload-status", { hidden: true, "aria-label": "Upload status" },
    el("h2", {}, "Uploading"), uploadBar, uploadText, cancel, el("h2", {}, "Processing"), processBar, processText);
  main.append(form, status);

  let batch = [];
  const pick = (f) => {
    if (!f) return;
    file = f;
    batch = [];
    title.disabled = false;
    chosen.textContent = `${f.name} (${formatBytes(f.size)})`;
    if (!title.value) title.value = titleFrom(f);
  };
  // Two or more files: each uploads with its own progress (uploads.js), titled by its name.
  const pickAll = (files) => {
    if (!files || files.length < 2) { pick(files && files[0]); return; }
    batch = [...files];
    file = batch[0];
    title.disabled = true;
    chosen.textContent = `${batch.length} files: ${batch.map((f) => f.name).join(", ")} (each titled by its file name)`;
  };
  input.addEventListener("change", () => pickAll(input.files));
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("dragging"); });
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); pickAll(e.dataTransfer.files); });
  cancel.addEventListener("click", () => { if (upload) upload.abort(); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!file) { error.textContent = "Choose a video file first."; error.hidden = false; return; }
    if (batch.length > 1) {
      const patch = {};
      if (description.value.trim()) patch.description = description.value.trim();
      const tagList = tagsFrom(tags.value);
      if (tagList.length) patch.tags = tagList;
      const visibility = form.querySelector("#visibility").value;
      if (visibility !== "public") patch.visibility = visibility;
      const running = uploadBatch(batch, patch);
      stopBatch = running.leave;
      form.hidden = true;
      main.append(el("section.upload-status", { "aria-labelledby": "batch-title" }, el("h2", { id: "batch-title" }, `Uploading ${batch.length} videos`), running.list));
      return;
    }
    submit.disabled = true;
    status.hidden = false;
    const started = performance.now();
    let firstOffset = null, lastAt = started, lastBytes = 0, speed = 0;
    upload = new TusUpload(file, { filename: file.name, title: title.value.trim() }, {
      onProgress: (sent, total) => {
        const now = performance.now();
        if (firstOffset === null) { firstOffset = sent; lastBytes = sent; lastAt = now; }
        if (now - lastAt > 400) {
          const current = ((sent - lastBytes) * 1000) / (now - lastAt);
          speed = speed ? speed * 0.6 + current * 0.4 : current;
          lastAt = now; lastBytes = sent;
        }
        uploadBar.value = total ? (100 * sent) / total : 100;
        const left = speed > 0 ? formatDuration((total - sent) / speed) : "…";
        uploadText.textContent = `${formatBytes(sent)} of ${formatBytes(total)} · ${speed ? formatBytes(speed) + "/s" : "measuring speed"} · ${sent >= total ? "done" : `${left} left`}`;
      },
    });
    try {
      const id = await upload.start();
      cancel.hidden = true;
      uploadBar.value = 100;
      const patch = {};
      if (description.value.trim()) patch.description = description.value.trim();
      const tagList = tagsFrom(tags.value);
      if (tagList.length) patch.tags = tagList;
      const visibility = form.querySelector("#visibility").value;
      if (visibility !== "public") patch.visibility = visibility;
      if (Object.keys(patch).length) await api.api("PATCH", `/api/v1/videos/${encodeURIComponent(id)}`, patch);
      const video = await followProcessing(id, { bar: processBar, text: processText, isCancelled: () => cancelled });
      if (video) {
        processText.replaceChildren("Ready to watch. ",
          el("a.button.button-primary", { href: `/watch/${encodeURIComponent(id)}`, "data-link": true, id: "watch-link" }, "Watch now"));
      }
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  return () => { cancelled = true; if (stopBatch) stopBatch(); };
}
