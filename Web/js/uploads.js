// Several uploads at once (issue #20): each file its own tus upload (so each
// resumes after a reload when picked again: tus.js remembers the upload URL
// per file), its own upload and processing progress, and a link when ready.
// The upload page (pages/upload.js) hands its files here when there are
// two or more; the title of each is its file name.
import * as api from "./api.js";
import { el, formatBytes } from "./ui.js";
import { TusUpload } from "./tus.js";
import { followProcessing } from "./pages/upload.js";

const PARALLEL = 3;

export function titleFrom(file) {
  return file.name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim() || file.name;
}

function row(file, index) {
  const name = titleFrom(file);
  const upload = el("progress", { max: 100, value: 0, "aria-label": `Upload progress of ${name}` });
  const processing = el("progress", { max: 100, value: 0, "aria-label": `Processing progress of ${name}` });
  const text = el("p.progress-text", { "aria-live": "polite" }, "Waiting…");
  const node = el("li.batch-item", { dataset: { index: String(index), state: "waiting" } },
    el("h3.batch-title", {}, name, el("span.muted", {}, ` · ${formatBytes(file.size)}`)), upload, processing, text);
  return { file, name, node, upload, processing, text };
}

/**
 * Uploads `files` (at most PARALLEL at a time), then follows each one's
 * processing. `patch` (description, tags, visibility) is applied to each.
 * Returns the list element, cancel() (aborts the uploads) and leave() (the
 * page is gone: uploads go on, their processing is no longer followed).
 */
export function uploadBatch(files, patch = {}) {
  const rows = [...files].map(row);
  const list = el("ol.batch", { id: "upload-batch", "aria-label": "Uploads" }, rows.map((r) => r.node));
  let cancelled = false, left = false;
  const uploads = new Set();
  const one = async (r) => {
    r.node.dataset.state = "uploading";
    const tus = new TusUpload(r.file, { filename: r.file.name, title: r.name }, {
      onProgress: (sent, total) => {
        r.upload.value = total ? (100 * sent) / total : 100;
        r.text.textContent = `${formatBytes(sent)} of ${formatBytes(total)} sent`;
      },
    });
    uploads.add(tus);
    try {
      const id = await tus.start();
      r.upload.value = 100;
      r.node.dataset.videoId = id;
      r.node.dataset.state = "processing";
      if (Object.keys(patch).length) await api.api("PATCH", `/api/v1/videos/${encodeURIComponent(id)}`, patch);
      const video = await followProcessing(id, { bar: r.processing, text: r.text, isCancelled: () => cancelled || left });
      if (video) {
        r.node.dataset.state = "ready";
        r.text.replaceChildren("Ready to watch. ", el("a", { href: `/watch/${encodeURIComponent(id)}`, "data-link": true }, `Watch ${r.name}`));
      }
    } catch (e) {
      r.node.dataset.state = "failed";
      r.text.textContent = e.message;
    } finally {
      uploads.delete(tus);
    }
  };
  const queue = [...rows];
  const worker = async () => { while (!cancelled && queue.length) await one(queue.shift()); };
  Promise.all(Array.from({ length: Math.min(PARALLEL, rows.length) }, worker));
  return { list, cancel: () => { cancelled = true; for (const u of uploads) u.abort(); }, leave: () => { left = true; } };
}
