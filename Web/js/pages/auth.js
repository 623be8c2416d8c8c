// Sign in and register.
import * as api from "../api.js";
import { el } from "../ui.js";

function field(id, label, attrs) {
  return el("div.field", {}, el("label", { for: id }, label), el("input", { id, name: id, required: true, ...attrs }));
}

function form(main, { title, fields, submit, footer, onSubmit }) {
  const error = el("p.form-error", { role: "alert", id: "form-error", hidden: true });
  const button = el("button.button.button-primary", { type: "submit" }, submit);
  const f = el("form.auth-form", { novalidate: false }, ...fields, error, button);
  f.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      await onSubmit(new FormData(f));
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  main.append(el("section.auth-page", { "aria-labelledby": "auth-title" }, el("h1", { id: "auth-title" }, title), f, footer));
  f.querySelector("input").focus();
}

function next(query) {
  const target = query.get("next");
  return target && target.startsWith("/") && !target.startsWith("//") ? target : "/";
}

export function renderSignIn(main, { query, navigate }) {
  form(main, {
    title: "Sign in",
    submit: "Sign in",
    fields: [
      field("email", "Email", { type: "email", autocomplete: "username" }),
      field("password", "Password", { type: "password", autocomplete: "current-password" }),
    ],
    footer: el("p", {}, "New to Reel? ", el("a", { href: "/register", "data-link": true }, "Create an account")),
    onSubmit: async (data) => {
      await api.signIn(data.get("email"), data.get("password"));
      navigate(next(query), { replace: true });
    },
  });
}

export function renderRegister(main, { query, navigate }) {
  form(main, {
    title: "Create your account",
    submit: "Register",
    fields: [
      field("displayName", "Display name", { type: "text", autocomplete: "nickname", maxlength: 100 }),
      field("email", "Email", { type: "email", autocomplete: "email" }),
      field("password", "Password (at least 10 characters)", { type: "password", autocomplete: "new-password", minlength: 10 }),
    ],
    footer: el("p", {}, "Already have an account? ", el("a", { href: "/signin", "data-link": true }, "Sign in")),
    onSubmit: async (data) => {
      await api.register(data.get("email"), data.get("password"), data.get("displayName"));
      navigate(next(query), { replace: true });
    },
  });
}
