// Notifications (the notification plugin): the notifications page, the
// settings page, the Follow button, the channel page and the "From creators
// you follow" row on the home screen. The bell is js/bell.js.
import * as api from "./api.js";
import { recount, showUnread } from "./bell.js";
import { el, notify, timeAgo, videoCard } from "./ui.js";

const FEED = "/api/v1/me/notifications";
const TYPES = [
  ["videoReady", "video.ready", "My video is ready"],
  ["videoFailed", "video.failed", "My video could not be processed"],
  ["subscriptionVideo", "subscription.video", "A creator I follow published a video"],
  ["commentOnMyVideo", "comment.on_my_video", "Someone commented on my video"],
  ["commentReply", "comment.reply", "Someone replied to my comment"],
];

// ---- The notifications page ---------------------------------------------

function describe(n) {
  const who = n.actor ? n.actor.displayName || "Someone" : "";
  const title = n.video ? n.video.title || "a video" : "";
  switch (n.type) {
    case "video.ready": return `Your video "${title}" is ready.`;
    case "video.failed": return `Your video "${title}" could not be processed: ${n.video.failureReason || "unknown reason"}.`;
    case "subscription.video": return `${who} published "${title}".`;
    case "comment.on_my_video": return `${who} commented on "${title}".`;
    case "comment.reply": return `${who} replied to your comment on "${title}".`;
    default: return "New notification.";
  }
}

function item(n, onRead) {
  const li = el("li.notification", { dataset: { id: n.id, read: String(n.read) } },
    el("p", {}, n.video ? el("a", { href: `/watch/${encodeURIComponent(n.video.id)}`, "data-link": true }, describe(n)) : describe(n)),
    el("p.meta", {}, timeAgo(n.createdAt)));
  if (!n.read) {
    li.append(el("button.link-button.mark-read", { type: "button", onclick: () => onRead(n, li) }, "Mark read"));
  }
  return li;
}

export async function renderNotifications(main, { query, navigate }) {
  if (!api.signedIn()) return navigate("/signin", { replace: true });
  const unreadOnly = query.get("unread") === "true";
  main.append(el("h1", {}, "Notifications"));
  const list = el("ul.notification-list", { "aria-live": "polite" });
  const markRead = async (n, li) => {
    try {
      await api.api("POST", `${FEED}/read`, { ids: [n.id] });
      li.dataset.read = "true";
      li.querySelector(".mark-read")?.remove();
      recount();
    } catch (e) { notify(e.message); }
  };
  const readAll = el("button.button", { type: "button", onclick: async () => {
    try {
      await api.api("POST", `${FEED}/read-all`);
      for (const li of list.children) { li.dataset.read = "true"; li.querySelector(".mark-read")?.remove(); }
      showUnread(0);
    } catch (e) { notify(e.message); }
  } }, "Mark all read");
  main.append(el("p.actions", {}, readAll, " ",
    el("a.nav-link", { href: unreadOnly ? "/notifications" : "/notifications?unread=true", "data-link": true }, unreadOnly ? "Show all" : "Unread only"),
    " ", el("a.nav-link", { href: "/settings/notifications", "data-link": true }, "Settings")), list);
  let cursor = null;
  const more = el("button.button", { type: "button", hidden: true, onclick: () => load() }, "Show more");
  main.append(more);
  async function load() {
    try {
      const page = await api.api("GET", `${FEED}${api.query({ limit: 20, cursor, unread: unreadOnly ? "true" : "" })}`);
      list.append(...page.items.map((n) => item(n, markRead)));
      if (!list.children.length) list.append(el("li.empty", {}, "Nothing yet."));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      showUnread(page.unreadCount);
    } catch (e) { notify(e.message); }
  }
  await load();
  // New ones appear at the top as they arrive.
  const onLive = (event) => {
    list.querySelector("li.empty")?.remove();
    list.prepend(item(event.detail, markRead));
  };
  document.addEventListener("reel:notification", onLive);
  return () => document.removeEventListener("reel:notification", onLive);
}

// ---- Settings ------------------------------------------------------------

export async function renderNotificationSettings(main, { query, navigate }) {
  if (!api.signedIn()) return navigate("/signin", { replace: true });
  main.append(el("h1", {}, "Notification settings"));
  let settings;
  try {
    // The unsubscribe link of an email: ?unsubscribe=<type> turns that type's email off.
    const type = TYPES.find(([, wire]) => wire === query.get("unsubscribe"));
    if (type) {
      settings = await api.api("PUT", "/api/v1/me/notification-settings", { [type[0]]: { email: false } });
      notify(`No more emails for: ${type[2].toLowerCase()}.`, "info");
    } else {
      settings = await api.api("GET", "/api/v1/me/notification-settings");
    }
  } catch (e) { return notify(e.message); }
  const table = el("table.settings", {}, el("thead", {}, el("tr", {}, el("th", {}, "Notify me when"), el("th", {}, "On the web"), el("th", {}, "By email"))));
  const body = el("tbody");
  for (const [key, , text] of TYPES) {
    const box = (channel) => el("input", {
      type: "checkbox", checked: settings[key][channel], "aria-label": `${text}: ${channel === "web" ? "on the web" : "by email"}`,
      dataset: { type: key, channel },
      onchange: async (event) => {
        const input = event.target;
        try {
          await api.api("PUT", "/api/v1/me/notification-settings", { [key]: { [channel]: input.checked } });
          notify("Saved.", "info");
        } catch (e) { input.checked = !input.checked; notify(e.message); }
      },
    });
    body.append(el("tr", {}, el("td", {}, text), el("td", {}, box("web")), el("td", {}, box("email"))));
  }
  table.append(body);
  main.append(table);
}

// ---- Follow ----------------------------------------------------------------

/** A Follow / Following toggle for a creator (not for yourself or signed
 * out); `known` is the state if the caller has it, `changed` hears clicks. */
export function followButton(creatorId, creatorName = "", known = null, changed = null) {
  const me = api.user();
  if (!me || !creatorId || creatorId === me.id) return null;
  const button = el("button.button.follow-toggle", { type: "button", dataset: { creatorId } });
  const label = (following) => {
    button.setAttribute("aria-pressed", following ? "true" : "false");
    button.textContent = following ? "✓ Following" : "+ Follow";
    button.setAttribute("aria-label", `${following ? "Unfollow" : "Follow"} ${creatorName || "this creator"}`);
  };
  label(known === true);
  if (known === null) {
    (async () => {
      try {
        const channel = await api.api("GET", `/api/v1/channels/${encodeURIComponent(creatorId)}`);
        label(channel.following);
      } catch (e) {
        if (e.status === 404) button.remove();
      }
    })();
  }
  button.addEventListener("click", async () => {
    const following = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    try {
      await api.api(following ? "DELETE" : "PUT", `/api/v1/me/subscriptions/${encodeURIComponent(creatorId)}`);
      label(!following);
      if (changed) changed(!following);
    } catch (e) {
      notify(e.message);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** The home screen's "From creators you follow" row (nothing when empty). */
export async function followingRow(me) {
  if (!me) return null;
  let page;
  try { page = await api.api("GET", "/api/v1/me/subscriptions/videos?limit=12"); } catch { return null; }
  if (!page.items.length) return null;
  return el("section.row.following-row", { "aria-labelledby": "following-title" },
    el("h2", { id: "following-title" }, "From creators you follow"),
    el("ul.grid", {}, page.items.map((v) => videoCard(v, me))));
}

// ---- A creator's channel -------------------------------------------------

/** /c/<creatorId>: name, follower count, Follow, their public videos. */
export async function renderChannel(main, { params }) {
  const [id] = params;
  let channel;
  try {
    channel = await api.api("GET", `/api/v1/channels/${encodeURIComponent(id)}`);
  } catch (e) {
    main.append(el("h1", {}, e.status === 404 ? "No such channel" : "The channel could not be loaded"));
    return;
  }
  const count = el("span.follower-count", {}, followers(channel.followerCount));
  const follow = followButton(channel.creatorId, channel.displayName, channel.following, (now) => {
    channel.followerCount += now ? 1 : -1;
    count.textContent = followers(channel.followerCount);
  });
  main.append(el("section.channel-head", { "aria-labelledby": "channel-title" },
    el("h1", { id: "channel-title" }, channel.displayName), el("p", {}, count), follow));
  const list = el("ul.grid.channel-videos");
  main.append(el("section.row", { "aria-label": "Videos" }, el("h2", {}, "Videos"), list));
  let cursor = null;
  const more = el("button.button", { type: "button", hidden: true, onclick: () => load() }, "Show more");
  main.append(more);
  async function load() {
    try {
      const page = await api.api("GET", `/api/v1/channels/${encodeURIComponent(id)}/videos${api.query({ limit: 24, cursor })}`);
      list.append(...page.items.map((v) => videoCard(v, api.user())));
      if (!list.children.length) list.append(el("li.empty", {}, "No public videos yet."));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (e) { notify(e.message); }
  }
  await load();
}

function followers(n) { return n === 1 ? "1 follower" : `${n} followers`; }
