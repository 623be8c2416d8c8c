// The comment section of the watch page: threads with "show more", replies
// (two levels), edit, delete, pin (the video's owner), the turned-off and
// signed-out states. Comment text always goes in as a text node (ui.js `el`),
// never as HTML: a "<script>" in a comment shows as characters.
import * as api from "./api.js";
import { el, notify, timeAgo } from "./ui.js";

const PAGE = 20;

function loadStyles() {
  if (document.getElementById("comments-css")) return;
  document.head.append(el("link", { id: "comments-css", rel: "stylesheet", href: "/web/css/comments.css" }));
}

const enc = encodeURIComponent;

/** The comment section for `video`; returns its element. */
export function commentSection(video) {
  loadStyles();
  const me = api.user();
  const moderator = !!me && (me.id === video.ownerId || me.role === "admin");
  const section = el("section.comments", { "aria-labelledby": "comments-title", id: "comments" });
  const heading = el("h2", { id: "comments-title" }, "Comments");
  const state = el("div.comments-state", { role: "status" });
  const list = el("ol.comment-list", { "aria-label": "Comments" });
  const more = el("button.button.more", { type: "button", hidden: true }, "Show more comments");
  let cursor = null;

  section.append(heading, state);
  if (moderator) section.append(settingsToggle());
  section.append(me ? composer({ label: "Add a comment", button: "Comment", onSubmit: postRoot })
    : el("p.comments-signin", {}, el("a", { href: `/signin?next=${enc(`/watch/${video.id}`)}`, "data-link": true }, "Sign in to comment")));
  section.append(list, more);

  async function postRoot(text) {
    const comment = await api.api("POST", `/api/v1/videos/${enc(video.id)}/comments`, { text });
    const pinned = list.querySelector(":scope > li.comment[data-pinned]");
    const node = commentItem(comment);
    if (pinned) pinned.after(node); else list.prepend(node);
  }

  async function loadPage() {
    more.disabled = true;
    try {
      const page = await api.api("GET", `/api/v1/videos/${enc(video.id)}/comments?limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`);
      if (page.enabled === false) {
        state.textContent = "Comments are turned off for this video.";
        section.querySelector(".comment-composer")?.setAttribute("hidden", "");
        list.replaceChildren();
        more.hidden = true;
        return;
      }
      state.textContent = !cursor && page.items.length === 0 ? "No comments yet." : "";
      for (const comment of page.items) list.append(commentItem(comment));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (e) {
      state.textContent = `Comments could not be loaded: ${e.message}`;
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", loadPage);

  function settingsToggle() {
    const button = el("button.button.comments-toggle", { type: "button" }, "Turn comments off");
    let enabled = true;
    api.api("GET", `/api/v1/videos/${enc(video.id)}/comment-settings`).then((s) => {
      enabled = s.enabled;
      button.textContent = enabled ? "Turn comments off" : "Turn comments on";
    }).catch(() => {});
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const s = await api.api("PUT", `/api/v1/videos/${enc(video.id)}/comment-settings`, { enabled: !enabled });
        enabled = s.enabled;
        button.textContent = enabled ? "Turn comments off" : "Turn comments on";
        section.querySelector(".comment-composer")?.toggleAttribute("hidden", !enabled);
        list.replaceChildren();
        cursor = null;
        state.textContent = "";
        await loadPage();
      } catch (e) {
        notify(e.message);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  /** A form with a text area; `onSubmit(text)` posts it (throws to keep the text). */
  function composer({ label, button, onSubmit, initial = "", onCancel }) {
    const area = el("textarea.comment-input", { "aria-label": label, placeholder: `${label}…`, rows: 2 });
    area.value = initial;
    const submit = el("button.button.button-primary", { type: "submit" }, button);
    const form = el("form.comment-composer", {}, area,
      el("div.comment-composer-actions", {},
        onCancel ? el("button.button", { type: "button", onclick: onCancel }, "Cancel") : null, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) { area.focus(); return; }
      submit.disabled = true;
      try {
        await onSubmit(text);
        area.value = "";
      } catch (e) {
        notify(e.message);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function commentItem(comment, root = null) {
    const isRoot = !root;
    const li = el("li.comment", { dataset: { commentId: comment.id } });
    if (comment.pinned) li.dataset.pinned = "";
    const body = el("div.comment-body");
    const actions = el("div.comment-actions");
    const repliesBox = isRoot ? el("div.comment-replies") : null;

    const render = (c) => {
      comment = c;
      const author = c.deleted ? "Deleted comment" : (c.author && c.author.displayName) || "Unknown user";
      body.replaceChildren(
        el("p.comment-head", {},
          c.pinned ? el("span.comment-pinned", {}, "📌 Pinned · ") : null,
          el("span.comment-author", {}, author),
          el("span.comment-time", {}, ` · ${timeAgo(c.createdAt)}`),
          c.edited ? el("span.comment-edited", {}, " (edited)") : null),
        c.deleted ? el("p.comment-text.comment-deleted", {}, "This comment was deleted.")
          : el("p.comment-text", {}, c.text));
      actions.replaceChildren(...buttons(c));
    };

    const buttons = (c) => {
      if (c.deleted || !me) return [];
      const own = c.author && c.author.id === me.id;
      const out = [el("button.link-button", { type: "button", onclick: () => reply(c) }, "Reply")];
      if (own) out.push(el("button.link-button", { type: "button", onclick: edit }, "Edit"));
      if (own || moderator) out.push(el("button.link-button", { type: "button", onclick: remove }, "Delete"));
      if (isRoot && moderator) {
        out.push(el("button.link-button", { type: "button", onclick: togglePin }, c.pinned ? "Unpin" : "Pin"));
      }
      return out;
    };

    const edit = () => {
      const form = composer({
        label: "Edit your comment", button: "Save", initial: comment.text,
        onCancel: () => { form.replaceWith(body); actions.hidden = false; },
        onSubmit: async (text) => {
          render(await api.api("PATCH", `/api/v1/comments/${enc(comment.id)}`, { text }));
          form.replaceWith(body);
          actions.hidden = false;
        },
      });
      body.replaceWith(form);
      actions.hidden = true;
      form.querySelector("textarea").focus();
    };

    const remove = async () => {
      if (!window.confirm("Delete this comment?")) return;
      try {
        await api.api("DELETE", `/api/v1/comments/${enc(comment.id)}`);
      } catch (e) {
        notify(e.message);
        return;
      }
      // Answered comments stay as placeholders: ask the server what is left.
      const hasAnswers = isRoot ? comment.replyCount > 0 || !!li.querySelector(".reply-list > li.comment")
        : !!document.querySelector(`li.comment[data-in-reply-to="${CSS.escape(comment.id)}"]`);
      if (hasAnswers) render({ ...comment, deleted: true, text: "", author: null, pinned: false });
      else li.remove();
    };

    const togglePin = async () => {
      try {
        const updated = await api.api(comment.pinned ? "DELETE" : "PUT", `/api/v1/comments/${enc(comment.id)}/pin`);
        // One pinned thread per video: reload the list in its new order.
        if (updated.pinned) list.querySelectorAll(":scope > li.comment[data-pinned]").forEach((n) => delete n.dataset.pinned);
        list.replaceChildren();
        cursor = null;
        await loadPage();
      } catch (e) {
        notify(e.message);
      }
    };

    const reply = (c) => {
      const target = isRoot ? li : root;
      const box = target.querySelector(":scope > .comment-replies");
      box.querySelector(":scope > .comment-composer")?.remove();
      const form = composer({
        label: `Reply to ${(c.author && c.author.displayName) || "this comment"}`, button: "Reply",
        onCancel: () => form.remove(),
        onSubmit: async (text) => {
          const created = await api.api("POST", `/api/v1/videos/${enc(video.id)}/comments`, { text, inReplyTo: c.id });
          form.remove();
          replyList(box).append(commentItem(created, target));
        },
      });
      box.prepend(form);
      form.querySelector("textarea").focus();
    };

    render(comment);
    if (comment.inReplyTo) li.dataset.inReplyTo = comment.inReplyTo;
    li.append(body, actions);
    if (repliesBox) {
      li.append(repliesBox);
      if (comment.replyCount > 0) repliesBox.append(showReplies());
    }
    return li;

    function showReplies() {
      let replyCursor = null;
      const button = el("button.link-button.comment-show-replies", { type: "button" },
        `Show ${comment.replyCount} ${comment.replyCount === 1 ? "reply" : "replies"}`);
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const page = await api.api("GET", `/api/v1/comments/${enc(comment.id)}/replies?limit=${PAGE}${replyCursor ? `&cursor=${enc(replyCursor)}` : ""}`);
          const ol = replyList(repliesBox);
          const shown = new Set([...ol.children].map((n) => n.dataset.commentId));
          for (const r of page.items) if (!shown.has(r.id)) ol.append(commentItem(r, li));
          replyCursor = page.nextCursor;
          if (replyCursor) { button.textContent = "Show more replies"; repliesBox.append(button); } else button.remove();
        } catch (e) {
          notify(e.message);
        } finally {
          button.disabled = false;
        }
      });
      return button;
    }
  }

  function replyList(box) {
    let ol = box.querySelector(":scope > ol.reply-list");
    if (!ol) {
      ol = el("ol.reply-list", { "aria-label": "Replies" });
      const toggle = box.querySelector(":scope > .comment-show-replies");
      if (toggle) toggle.before(ol); else box.append(ol);
    }
    return ol;
  }

  loadPage();
  return section;
}
