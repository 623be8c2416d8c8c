// Home and browse: continue watching, newest, most viewed; search and tags.
import * as api from "../api.js";
import { el, notify, videoCard } from "../ui.js";
import { decorateCards, myListRow } from "../watchlist.js";
import { followingRow } from "../notifications.js";

function row(title, id, cards, emptyText) {
  return el("section.row", { "aria-labelledby": id },
    el("h2", { id }, title),
    cards.length ? el("ul.grid", {}, cards) : el("p.empty", {}, emptyText));
}

function tagBar(tags, active, navigate, q) {
  if (!tags.length && !active) return null;
  const chip = (tag) => el("a.chip", {
    href: tag ? `/?tag=${encodeURIComponent(tag)}${q ? `&q=${encodeURIComponent(q)}` : ""}` : (q ? `/?q=${encodeURIComponent(q)}` : "/"),
    "data-link": true,
    "aria-current": (tag || "") === (active || "") ? "page" : null,
  }, tag ? `#${tag}` : "All");
  return el("nav.tags", { "aria-label": "Filter by tag" }, chip(""), [...new Set([active, ...tags].filter(Boolean))].map(chip));
}

export async function renderHome(main, { query, navigate }) {
  const q = query.get("q") || "", tag = query.get("tag") || "";
  const me = api.user();
  if (q || tag) {
    const heading = q ? `Results for “${q}”` : `Tagged #${tag}`;
    main.append(el("h1", {}, heading));
    try {
      const page = await api.api("GET", `/api/v1/videos${api.query({ q, tag, limit: 48 })}`);
      const tags = page.items.flatMap((v) => v.tags || []);
      const results = row(q ? "Videos" : `#${tag}`, "results-title", page.items.map((v) => videoCard(v, me)),
        q ? "No videos match your search. Try other words." : "No videos with this tag yet.");
      main.append(tagBar(tags, tag, navigate, q) || "", results);
      decorateCards(results);
      let cursor = page.nextCursor;
      if (cursor) {
        const more = el("button.button.more", { type: "button" }, "Show more");
        more.addEventListener("click", async () => {
          more.disabled = true;
          try {
            const next = await api.api("GET", `/api/v1/videos${api.query({ q, tag, limit: 48, cursor })}`);
            results.querySelector("ul.grid").append(...next.items.map((v) => videoCard(v, me)));
            cursor = next.nextCursor;
            if (!cursor) more.remove();
          } catch (e) {
            notify(e.message);
          } finally {
            more.disabled = false;
          }
        });
        main.append(more);
      }
    } catch (e) {
      notify(e.message);
    }
    return;
  }
  main.append(el("h1.visually-hidden", {}, "Browse videos"));
  const [newest, popular, watching] = await Promise.allSettled([
    api.api("GET", "/api/v1/videos?sort=newest&limit=24"),
    api.api("GET", "/api/v1/videos?sort=views&limit=24"),
    me ? api.api("GET", "/api/v1/me/continue-watching?limit=12") : Promise.resolve(null),
  ]);
  const failed = [newest, popular, watching].find((r) => r.status === "rejected");
  if (failed) notify(failed.reason.message);
  const tags = newest.status === "fulfilled" ? newest.value.items.flatMap((v) => v.tags || []).slice(0, 30) : [];
  const bar = tagBar(tags, "", navigate, "");
  if (bar) main.append(bar);
  if (watching.status === "fulfilled" && watching.value && watching.value.items.length) {
    const cards = watching.value.items
      .filter((item) => item.video)
      .map((item) => videoCard(item.video, me, { progressSeconds: item.positionSeconds || 0 }));
    main.append(row("Continue watching", "continue-title", cards, ""));
  }
  const following = await followingRow(me);
  if (following) main.append(following);
  const myList = await myListRow(me);
  if (myList) main.append(myList);
  if (newest.status === "fulfilled") {
    main.append(row("Newest", "newest-title", newest.value.items.map((v) => videoCard(v, me)),
      "No videos yet. Be the first to upload one!"));
  }
  if (popular.status === "fulfilled" && popular.value.items.length) {
    main.append(row("Most viewed", "popular-title", popular.value.items.map((v) => videoCard(v, me)), ""));
  }
  await decorateCards(main);
}
