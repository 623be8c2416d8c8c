// A small tus 1.0.0 client (core + creation): POST with Upload-Length and
// Upload-Metadata, PATCH chunks with Upload-Offset, and on any failure HEAD
// for the server's offset and go on from there. The upload URL is remembered
// per file (name, size, date) so a reload resumes instead of starting over.
import { authorization, errorFrom, ApiError } from "./api.js";

const CHUNK_BYTES = 8 * 1024 * 1024;
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const STORE = "reel.tus.";

function base64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fingerprint(file) {
  return `${STORE}${file.name}|${file.size}|${file.lastModified}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class TusUpload {
  /**
   * @param file a File
   * @param metadata e.g. { filename, title }
   * @param onProgress (sentBytes, totalBytes)
   */
  constructor(file, metadata, { endpoint = "/api/v1/uploads", onProgress = () => {} } = {}) {
    this.file = file;
    this.metadata = metadata;
    this.endpoint = endpoint;
    this.onProgress = onProgress;
    this.url = localStorage.getItem(fingerprint(file));
    this.offset = 0;
    this.videoId = null;
    this.xhr = null;
    this.aborted = false;
  }

  async headers(extra = {}) {
    const h = { "Tus-Resumable": "1.0.0", ...extra };
    const auth = await authorization();
    if (auth) h.Authorization = auth;
    return h;
  }

  async create() {
    const meta = Object.entries(this.metadata).map(([k, v]) => `${k} ${base64(String(v))}`).join(",");
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: await this.headers({ "Upload-Length": String(this.file.size), "Upload-Metadata": meta }),
    });
    if (response.status !== 201) throw await errorFrom(response);
    this.url = new URL(response.headers.get("Location"), location.href).pathname;
    localStorage.setItem(fingerprint(this.file), this.url);
    this.offset = 0;
  }

  /** The server's offset for a known upload; false if it is gone. */
  async resume() {
    const response = await fetch(this.url, { method: "HEAD", headers: await this.headers(), cache: "no-store" });
    if (response.status === 404 || response.status === 410 || response.status === 403) return false;
    if (!response.ok) throw await errorFrom(response);
    this.offset = Number(response.headers.get("Upload-Offset"));
    this.videoId = response.headers.get("Reel-Video-Id");
    return true;
  }

  patch(start, end) {
    return new Promise((resolve, reject) => {
      this.headers({ "Upload-Offset": String(start), "Content-Type": "application/offset+octet-stream" }).then((headers) => {
        const xhr = new XMLHttpRequest();
        this.xhr = xhr;
        xhr.open("PATCH", this.url);
        for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => this.onProgress(start + e.loaded, this.file.size);
        xhr.onload = () => resolve(xhr);
        xhr.onerror = () => reject(new ApiError(0, "unavailable", "The connection was lost.", ""));
        xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled.", ""));
        xhr.send(this.file.slice(start, end));
      }, reject);
    });
  }

  /** Sends the file; resolves with the new video's id. */
  async start() {
    if (!(this.url && await this.resume().catch(() => false))) await this.create();
    this.onProgress(this.offset, this.file.size);
    let failures = 0;
    while (!this.videoId) {
      if (this.aborted) throw new ApiError(0, "aborted", "The upload was cancelled.", "");
      const end = Math.min(this.offset + CHUNK_BYTES, this.file.size);
      try {
        const xhr = await this.patch(this.offset, end);
        if (xhr.status !== 204) {
          const body = (() => { try { return JSON.parse(xhr.responseText); } catch { return null; } })();
          const message = body && body.error ? body.error.message : `The upload failed (HTTP ${xhr.status}).`;
          const error = new ApiError(xhr.status, body && body.error ? body.error.code : "unknown", message.charAt(0).toUpperCase() + message.slice(1), "");
          if (xhr.status === 409 || xhr.status === 423 || xhr.status >= 500) throw Object.assign(error, { retry: true });
          if (xhr.status === 404 || xhr.status === 410 || xhr.status === 422) localStorage.removeItem(fingerprint(this.file));
          throw error;
        }
        this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
        this.videoId = xhr.getResponseHeader("Reel-Video-Id");
        failures = 0;
        this.onProgress(this.offset, this.file.size);
      } catch (error) {
        if (this.aborted || !(error.retry || error.status === 0) || failures >= RETRY_DELAYS_MS.length) throw error;
        await sleep(RETRY_DELAYS_MS[failures++]);
        if (!await this.resume().catch(() => false)) throw error;
      }
    }
    localStorage.removeItem(fingerprint(this.file));
    return this.videoId;
  }

  abort() {
    this.aborted = true;
    if (this.xhr) this.xhr.abort();
  }
}
