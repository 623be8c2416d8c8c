// My List (the watchlist plugin): the "Add to My List" toggle on cards and
// the watch page, the home row and the My List page. Pages call the small
// hooks below; state comes from GET /api/v1/me/watchlist/contains in one
// call per page of cards, and every toggle of a video on the page follows.
import * as api from "./api.js";
import { el, notify, videoCard } from "./ui.js";

const BASE = "/api/v1/me/watchlist";
const CONTAINS_MAX = 100;

function label(button, inList) {
  button.setAttribute("aria-pressed", inList ? "true" : "false");
  button.textContent = inList ? "✓ In My List" : "+ My List";
  button.title = inList ? "Remove from My List" : "Add to My List";
  button.setAttribute("aria-label", `${button.title}: ${button.dataset.videoTitle || "this video"}`);
}

function sync(videoId, inList) {
  for (const b of document.querySelectorAll("button.watchlist-toggle")) {
    if (b.dataset.watchlistId === videoId) label(b, inList);
  }
}

/** A toggle button for one video; `inList` may be unknown (null) until filled. */
export function watchlistToggle(video, inList = null) {
  if (!api.signedIn()) return null;
  const button = el("button.button.watchlist-toggle", { type: "button", dataset: { watchlistId: video.id, videoTitle: video.title || "" } });
  label(button, inList === true);
  if (inList === null) fill([button]);
  button.addEventListener("click", async () => {
    const adding = button.getAttribute("aria-pressed") !== "true";
    button.disabled = true;
    try {
      await api.api(adding ? "PUT" : "DELETE", `${BASE}/${encodeURIComponent(video.id)}`);
      sync(video.id, adding);
      notify(adding ? "Added to My List." : "Removed from My List.", "info");
    } catch (e) {
      notify(e.message);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Sets the buttons' states with `contains` (100 ids per call). */
async function fill(buttons) {
  const ids = [...new Set(buttons.map((b) => b.dataset.watchlistId))];
  for (let i = 0; i < ids.length; i += CONTAINS_MAX) {
    const chunk = ids.slice(i, i + CONTAINS_MAX);
    try {
      const state = await api.api("GET", `${BASE}/contains?ids=${chunk.map(encodeURIComponent).join(",")}`);
      for (const b of buttons) if (b.dataset.watchlistId in state) label(b, state[b.dataset.watchlistId]);
    } catch (e) {
      // No watchlist on this host (404): no toggles. Otherwise they stay
      // "add", and a click says what is wrong.
      if (e.status === 404) for (const b of buttons) b.remove();
    }
  }
}

/** Adds a toggle to every video card under `root` (signed-in only). */
export async function decorateCards(root) {
  if (!api.signedIn()) return;
  const buttons = [];
  for (const card of root.querySelectorAll("li.card")) {
    const link = card.querySelector("a.card-link[data-video-id]");
    if (!link || card.querySelector("button.watchlist-toggle")) continue;
    const title = card.querySelector(".card-title");
    const button = watchlistToggle({ id: link.dataset.videoId, title: title ? title.textContent : "" }, false);
    card.append(button);
    buttons.push(button);
  }
  if (buttons.length) await fill(buttons);
}

/** The home screen's "My List" row, or null when signed out or the list is empty. */
export async function myListRow(me) {
  if (!me) return null;
  let page;
  try {
    page = await api.api("GET", `${BASE}?limit=12`);
  } catch {
    return null; /* the home screen goes on without the row */
  }
  if (!page.items.length) return null;
  return el("section.row.my-list-row", { "aria-labelledby": "my-list-title" },
    el("h2", { id: "my-list-title" }, "My List ", el("a.see-all", { href: "/my-list", "data-link": true }, "See all")),
    el("ul.grid", {}, page.items.map((item) => videoCard(item.video, me))));
}

/** The My List page: every saved video, most recently added first. */
export async function renderMyList(main, { navigate }) {
  main.append(el("h1", {}, "My List"));
  const me = api.user();
  if (!me) {
    navigate("/signin", { replace: true });
    return;
  }
  const grid = el("ul.grid.my-list");
  const empty = el("p.empty", { hidden: true }, "Nothing here yet. Use “+ My List” on any video to save it for later.");
  main.append(empty, grid);
  let cursor = null;
  const more = el("button.button.more", { type: "button", hidden: true }, "Show more");
  main.append(more);
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api.api("GET", `${BASE}${api.query({ limit: 24, cursor })}`);
      const cards = page.items.map((item) => videoCard(item.video, me));
      grid.append(...cards);
      for (const card of cards) {
        const id = card.querySelector("a.card-link").dataset.videoId;
        card.append(watchlistToggle({ id, title: card.querySelector(".card-title").textContent }, true));
      }
      cursor = page.nextCursor;
      more.hidden = !cursor;
      empty.hidden = grid.children.length > 0;
    } catch (e) {
      notify(e.message);
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", load);
  await load();
}
