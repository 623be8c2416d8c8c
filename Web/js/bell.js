// The bell in the header: the unread count, kept live over Server-Sent
// Events (an EventSource signed in with a single-use stream ticket: the
// access token never goes in a URL).
//
// A browser opens at most six HTTP/1.1 connections to one host, and a
// stream holds one for as long as it is open. So:
// - One stream per browser, not per tab: the tab holding the Web Lock
//   "reel-bell:<user>" opens it and passes each notification to the other
//   tabs over a BroadcastChannel; when that tab goes, the next one takes the
//   lock and resumes after the last id it saw (nothing missed). Six tabs
//   with a stream each left a seventh tab of the site unable to load.
//   (Without Web Locks — plain http on a non-local host — every tab opens
//   its own stream.)
// - Only while the page is shown: Chromium keeps up to six pages a tab left
//   alive in its back/forward cache, and with their streams open the next
//   full page load waited for a connection forever. The stream closes on
//   `pagehide`; a page shown again from the cache starts over.
// - Only after `load`: a stream never ends, so it must never be among the
//   requests a page load waits for.
import * as api from "./api.js";
import { el } from "./ui.js";

const FEED = "/api/v1/me/notifications";

let live = null; // { user, lastId, unread, channel, source, retry, release, abort }
let resumeBell = false; // the bell was live when the page was hidden

/** The bell link for the nav (signed in only). */
export function bellLink() {
  return el("a.nav-link.bell", { id: "bell", href: "/notifications", "data-link": true, "aria-label": "Notifications" },
    el("span.bell-icon", { "aria-hidden": "true" }), el("span.bell-count", { id: "bell-count", hidden: true }, "0"));
}

/** Shows `count` unread on the bell. */
export function showUnread(count) {
  if (!live) return;
  live.unread = Math.max(0, count);
  const badge = document.getElementById("bell-count");
  if (!badge) return;
  badge.textContent = live.unread > 99 ? "99+" : String(live.unread);
  badge.hidden = live.unread === 0;
  const bell = document.getElementById("bell");
  if (bell) bell.setAttribute("aria-label", `Notifications: ${live.unread} unread`);
}

/** Re-reads the unread count (after marking read). */
export async function recount() {
  try { showUnread((await api.api("GET", `${FEED}?limit=1`)).unreadCount); } catch { /* keep the old count */ }
}

/** data-live on the bell: "stream" (this tab holds the stream), "shared"
 * (another tab does and passes it on), "false" (not connected). */
function markLive(how) {
  const bell = document.getElementById("bell");
  if (bell) bell.dataset.live = how;
}

function deliver(state, id, notification) {
  state.lastId = id || state.lastId;
  showUnread(state.unread + 1);
  document.dispatchEvent(new CustomEvent("reel:notification", { detail: notification }));
}

function loaded() {
  if (document.readyState === "complete") return Promise.resolve();
  return new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
}

async function openStream(state) {
  if (live !== state) return;
  let ticket;
  try {
    ticket = (await api.api("POST", `${FEED}/stream-ticket`)).ticket;
  } catch {
    if (live === state) state.retry = setTimeout(() => openStream(state), 5000);
    return;
  }
  if (live !== state) return;
  const after = state.lastId ? `&lastEventId=${encodeURIComponent(state.lastId)}` : "";
  const source = new EventSource(`${FEED}/stream?ticket=${encodeURIComponent(ticket)}${after}`);
  state.source = source;
  source.addEventListener("open", () => { if (live === state) markLive("stream"); });
  source.addEventListener("notification", (event) => {
    const notification = JSON.parse(event.data);
    deliver(state, event.lastEventId, notification);
    state.channel?.postMessage({ user: state.user, id: event.lastEventId, notification });
  });
  // A ticket is single use, so EventSource's own reconnect cannot sign in
  // again: on an error, a new ticket and a new stream that resumes after
  // the last event (nothing is missed).
  source.addEventListener("error", () => {
    source.close();
    if (live !== state) return;
    markLive("false");
    state.retry = setTimeout(() => openStream(state), 2000);
  });
}

/** Holds the stream while this tab has the lock (or at once without Web Locks). */
async function lead(state) {
  await loaded();
  if (live !== state) return;
  if (!navigator.locks || !("BroadcastChannel" in window)) return openStream(state);
  // What the tab holding the stream passes on. Opened here and closed by
  // stopBell, so a page in the back/forward cache holds no channel either.
  state.channel = new BroadcastChannel("reel-bell");
  state.channel.addEventListener("message", ({ data }) => {
    if (live === state && data && data.user === state.user && data.id !== state.lastId) deliver(state, data.id, data.notification);
  });
  markLive("shared");
  state.abort = new AbortController();
  try {
    await navigator.locks.request(`reel-bell:${state.user}`, { signal: state.abort.signal }, () => {
      if (live !== state) return null;
      openStream(state);
      return new Promise((release) => { state.release = release; });
    });
  } catch { /* aborted: the bell stopped while waiting */ }
}

function stopBell() {
  if (!live) return;
  const state = live;
  live = null;
  if (state.source) state.source.close();
  clearTimeout(state.retry);
  state.abort?.abort();
  state.release?.();
  state.channel?.close();
  markLive("false");
}

/** Starts (or stops, for null) the bell's live count for the signed-in user. */
export async function startBell(me) {
  const id = me ? me.id : null;
  if (live && live.user === id) return;
  stopBell();
  if (!id) return;
  const state = { user: id, lastId: null, unread: 0, channel: null, source: null, retry: null, release: null, abort: null };
  live = state;
  try {
    const page = await api.api("GET", `${FEED}?limit=1`);
    if (live !== state) return;
    if (page.items.length) state.lastId = page.items[0].id;
    showUnread(page.unreadCount);
  } catch {
    return; // no notification service on this host: the bell stays empty
  }
  lead(state);
}

window.addEventListener("pagehide", () => {
  resumeBell = live !== null;
  stopBell();
});
window.addEventListener("pageshow", (event) => {
  // Back from the cache: the count afresh (what came meanwhile), then live again.
  if (event.persisted && resumeBell) startBell(api.user());
  resumeBell = false;
});
