// Reel's service worker: caches the app shell only — the page, styles,
// scripts, icons and the offline page under /web/ — so the app installs and
// opens offline to a clear "You are offline" page. Never media (/media/),
// never API answers (/api/, /rpc/): those always go to the network, and this
// worker does not even see them (static routes, else no respondWith).
//
// Shell files: network first (the host sends them with no-cache and there
// is no build step, so a deploy is picked up at once), the cached copy when
// the network fails. Page navigations: the network, else the offline page.
// Served at /sw.js so its scope is the whole site.
const CACHE = "reel-shell-v1";
const OFFLINE = "/web/offline.html";
const SHELL = [
  "/", OFFLINE, "/web/manifest.webmanifest", "/web/favicon.svg",
  "/web/icons/icon-192.png", "/web/icons/icon-512.png", "/web/icons/bell.svg",
  "/web/css/app.css", "/web/css/responsive.css", "/web/css/comments.css",
  "/web/js/app.js", "/web/js/api.js", "/web/js/ui.js", "/web/js/pwa.js",
];

// Requests this worker never touches, not even to let them pass: where the
// browser has static routing (Chromium 123+), they go straight to the
// network without waking the worker — among them the notification stream,
// an /api/ request that never ends. Elsewhere the fetch handler below
// returns without respondWith for them.
const NETWORK_ONLY = ["/api/*", "/media/*", "/rpc/*"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    if (event.addRoutes && self.URLPattern) {
      try {
        await event.addRoutes(NETWORK_ONLY.map((pathname) => ({ condition: { urlPattern: new URLPattern({ pathname }) }, source: "network" })));
      } catch (error) {
        console.warn(`Reel: no static routes for the service worker: ${error.message}`);
      }
    }
    const cache = await caches.open(CACHE);
    // One by one: a file missing from a deploy must not stop the install.
    await Promise.all(SHELL.map((url) => cache.add(new Request(url, { cache: "no-cache" })).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** Whether a same-origin GET is part of the shell (cacheable). */
function isShell(url) {
  return url.pathname.startsWith("/web/") || url.pathname === "/";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/media/") || url.pathname.startsWith("/rpc/")) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(async () => (await caches.match(OFFLINE)) || Response.error()));
    return;
  }
  if (!isShell(url) || request.headers.has("range")) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok && response.type === "basic") {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }
      return response;
    } catch (error) {
      const cached = await caches.match(request);
      if (cached) return cached;
      throw error;
    }
  })());
});
