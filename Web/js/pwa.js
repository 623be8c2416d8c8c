// Makes the app installable: registers the service worker (Web/sw.js,
// served at /sw.js so its scope is the whole site). Where service workers
// are unavailable (plain http on a non-local host) the app simply runs
// without one.
export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn(`Reel: the service worker did not register: ${error.message}`);
  });
}
