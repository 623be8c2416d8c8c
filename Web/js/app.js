// The single-page client: a tiny router over the History API. The host
// serves index.html for every page path (/, /watch/<id>, /signin, ...).
import * as api from "./api.js";
import { el, clearNotice } from "./ui.js";
import { renderHome } from "./pages/home.js";
import { renderWatch } from "./pages/watch.js";
import { renderSignIn, renderRegister } from "./pages/auth.js";
import { renderUpload } from "./pages/upload.js";
import { renderMyVideos } from "./pages/mine.js";
import { renderMyList } from "./watchlist.js";
import { registerServiceWorker } from "./pwa.js";
import { renderConsole } from "./pages/console.js";
import { renderChannel, renderNotifications, renderNotificationSettings } from "./notifications.js";
import { bellLink, startBell } from "./bell.js";

const routes = [
  [/^\/$/, renderHome],
  [/^\/watch\/([^/]+)$/, renderWatch],
  [/^\/signin$/, renderSignIn],
  [/^\/register$/, renderRegister],
  [/^\/upload$/, renderUpload],
  [/^\/(studio|my-videos)$/, renderMyVideos],
  [/^\/my-list$/, renderMyList],
  [/^\/(admin|console)$/, renderConsole],
  [/^\/notifications$/, renderNotifications],
  [/^\/settings\/notifications$/, renderNotificationSettings],
  [/^\/c\/([^/]+)$/, renderChannel],
];

let cleanup = null;
let renderToken = 0;

export function navigate(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render().then(() => {
    // Screen readers and keyboards start at the new page's content.
    const main = document.getElementById("main");
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
}

async function render() {
  const token = ++renderToken;
  if (cleanup) { try { cleanup(); } catch { /* page already gone */ } cleanup = null; }
  clearNotice();
  const main = document.getElementById("main");
  const url = new URL(location.href);
  const search = document.getElementById("search-input");
  search.value = url.pathname === "/" ? url.searchParams.get("q") || "" : "";
  for (const [pattern, page] of routes) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    main.replaceChildren();
    main.setAttribute("aria-busy", "true");
    try {
      const result = await page(main, { params: match.slice(1).map(decodeURIComponent), query: url.searchParams, navigate });
      if (token === renderToken) cleanup = typeof result === "function" ? result : null;
      else if (typeof result === "function") result();
    } finally {
      main.removeAttribute("aria-busy");
    }
    return;
  }
  main.replaceChildren(el("h1", {}, "Page not found"), el("p", {}, el("a", { href: "/", "data-link": true }, "Back to the home page")));
}

let navFor;
function renderNav(me) {
  const key = me ? `${me.id}|${me.role}|${me.displayName}` : "";
  if (key === navFor) return; // unchanged: keep the same elements (and focus)
  navFor = key;
  const nav = document.getElementById("account-nav");
  const link = (href, text) => el("a.nav-link", { href, "data-link": true }, text);
  if (!me) {
    nav.replaceChildren(link("/signin", "Sign in"), el("a.button.button-primary", { href: "/register", "data-link": true }, "Register"));
    return;
  }
  nav.replaceChildren(
    api.canUpload() ? el("a.button.button-primary", { href: "/upload", "data-link": true }, "Upload") : null,
    link("/studio", "Studio"),
    link("/my-list", "My List"),
    me.role === "admin" ? link("/admin", "Console") : null,
    bellLink(),
    el("span.user-name", { title: me.email || "" }, me.displayName || me.email || "Signed in"),
    el("button.link-button", { type: "button", onclick: async () => { await api.signOut(); navigate("/"); } }, "Sign out"),
  );
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[data-link]");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(a.getAttribute("href"));
});

window.addEventListener("popstate", render);

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = document.getElementById("search-input").value.trim();
  navigate(q ? `/?q=${encodeURIComponent(q)}` : "/");
});

api.onAuthChange(renderNav);
api.onAuthChange(startBell);
renderNav(null);
registerServiceWorker();
await api.refresh();
renderNav(api.user());
startBell(api.user());
render();
