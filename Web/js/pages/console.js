// The admin console (/admin, alias /console; the public listener serves only
// the exact GET /admin page and answers 404 for every /admin/... path, which
// belongs to the operator's loopback listener): users
// (search, role, disable/enable), transcoder jobs (state, attempts,
// failure reason) and the loaded plugins (GET /api/v1/host/plugins). Admins only: anyone else gets a refusal and the page makes
// no call at all; the API checks the role again on every call.
import * as api from "../api.js";
import { el, notify, timeAgo } from "../ui.js";

const ROLES = ["viewer", "creator", "admin"];
const USER_COLUMNS = ["Name", "Email", "Role", "Status", "Joined", "Access"];
const JOB_COLUMNS = ["Video", "State", "Attempts", "Progress", "Failure", "Created"];
const PLUGIN_COLUMNS = ["Plugin", "Version", "Generation", "SHA-256"];

/** Names each cell after its column (data-label): on a phone the rows stack
 * as cards and each value shows its column's name (responsive.css). */
function labelCells(body, columns) {
  for (const row of body.rows) {
    if (row.cells.length === columns.length) [...row.cells].forEach((cell, i) => { cell.dataset.label = columns[i]; });
  }
}
const JOB_STATES = ["", "queued", "running", "succeeded", "failed", "cancelled"];

async function allUsers() {
  const users = [];
  let cursor = "";
  for (let page = 0; page < 50; page++) {
    const r = await api.api("GET", `/api/v1/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    users.push(...(r.users || []));
    cursor = r.nextCursor || "";
    if (!cursor) break;
  }
  return users;
}

function userRow(user, me, onChange) {
  const label = user.displayName || user.email;
  const role = el("select", { "aria-label": `Role of ${label}`, dataset: { userId: user.id }, disabled: user.id === me.id },
    ROLES.map((r) => el("option", { value: r, selected: r === user.role }, r)));
  role.addEventListener("change", async () => {
    try {
      onChange(await api.api("PATCH", `/api/v1/users/${encodeURIComponent(user.id)}/role`, { role: role.value }));
      notify(`${label} is now ${role.value}.`, "info");
    } catch (e) { role.value = user.role; notify(e.message); }
  });
  const toggle = el("button.button", { type: "button", dataset: { userId: user.id }, disabled: user.id === me.id,
                                       class: `button disable-toggle${user.disabled ? "" : " button-danger"}` },
    user.disabled ? "Enable" : "Disable");
  toggle.setAttribute("aria-label", `${user.disabled ? "Enable" : "Disable"} ${label}`);
  toggle.addEventListener("click", async () => {
    try {
      onChange(await api.api("PATCH", `/api/v1/users/${encodeURIComponent(user.id)}/disabled`, { disabled: !user.disabled }));
      notify(`${label} is ${user.disabled ? "enabled" : "disabled"}.`, "info");
    } catch (e) { notify(e.message); }
  });
  return el("tr", { dataset: { userId: user.id, disabled: String(!!user.disabled) } },
    el("td", {}, user.displayName || ""), el("td.wrap", {}, user.email), el("td", {}, role),
    el("td", {}, user.disabled ? "Disabled" : "Active"), el("td", {}, timeAgo(user.createdAt)), el("td", {}, toggle));
}

function usersSection(me) {
  const search = el("input", { id: "user-search", type: "search", placeholder: "Name or email", autocomplete: "off" });
  const body = el("tbody", { id: "users-body" });
  const count = el("p.muted", { id: "users-count", "aria-live": "polite" });
  let users = [];
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = users.filter((u) => !q || (u.email || "").toLowerCase().includes(q) || (u.displayName || "").toLowerCase().includes(q));
    body.replaceChildren(...shown.map((u) => userRow(u, me, (updated) => {
      users = users.map((x) => (x.id === updated.id ? { ...x, ...updated } : x));
      draw();
    })));
    labelCells(body, USER_COLUMNS);
    count.textContent = `${shown.length} of ${users.length} users`;
  };
  search.addEventListener("input", draw);
  const section = el("section.console-section", { "aria-labelledby": "users-title" },
    el("h2", { id: "users-title" }, "Users"),
    el("div.field.console-search", {}, el("label", { for: "user-search" }, "Search users"), search),
    count,
    el("div.table-wrap", {}, el("table.console-table", { id: "users-table" },
      el("thead", {}, el("tr", {}, USER_COLUMNS.map((h) => el("th", { scope: "col" }, h)))),
      body)));
  const load = async () => { users = await allUsers(); draw(); };
  return { section, load };
}

function jobsSection() {
  const filter = el("select", { id: "job-state" }, JOB_STATES.map((s) => el("option", { value: s }, s || "any state")));
  const body = el("tbody", { id: "jobs-body" });
  const load = async () => {
    try {
      const r = await api.api("GET", `/api/v1/transcoder/jobs?limit=100${filter.value ? `&state=${filter.value}` : ""}`);
      const items = r.items || [];
      body.replaceChildren(...items.map((j) => el("tr", { dataset: { jobId: j.id, state: j.state } },
        el("td.wrap", {}, el("a", { href: `/watch/${encodeURIComponent(j.videoId)}`, "data-link": true }, j.videoId)),
        el("td", {}, el("span", { class: `state state-${j.state}` }, j.state)),
        el("td", {}, `${j.attempts || 0} of ${j.maxAttempts || 0}`),
        el("td", {}, `${j.progress || 0}%`),
        el("td.wrap", {}, j.failureReason || ""),
        el("td", {}, timeAgo(j.createdAt)))));
      labelCells(body, JOB_COLUMNS);
      if (!items.length) body.replaceChildren(el("tr", {}, el("td", { colspan: 6 }, "No jobs.")));
    } catch (e) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 6 }, e.status === 404 ? "The transcoder is not loaded." : e.message)));
    }
  };
  filter.addEventListener("change", load);
  const section = el("section.console-section", { "aria-labelledby": "jobs-title" },
    el("h2", { id: "jobs-title" }, "Transcoder jobs"),
    el("div.field.console-search", {}, el("label", { for: "job-state" }, "State"), filter),
    el("div.table-wrap", {}, el("table.console-table", { id: "jobs-table" },
      el("thead", {}, el("tr", {}, JOB_COLUMNS.map((h) => el("th", { scope: "col" }, h)))),
      body)),
    el("p.muted", {}, "A failed job is retried by uploading the video again (the API has no retry call yet)."));
  return { section, load };
}

function pluginsSection() {
  const body = el("tbody", { id: "plugins-body" });
  const load = async () => {
    try {
      const r = await api.api("GET", "/api/v1/host/plugins");
      body.replaceChildren(...(r.plugins || []).map((p) => el("tr", { dataset: { plugin: p.name } },
        el("td", {}, p.name), el("td", {}, p.version), el("td", {}, String(p.generation)),
        el("td", {}, el("code", { title: p.sha256 }, (p.sha256 || "").slice(0, 12))))));
      labelCells(body, PLUGIN_COLUMNS);
    } catch (e) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 4 }, e.message)));
    }
  };
  const section = el("section.console-section", { "aria-labelledby": "plugins-title" },
    el("h2", { id: "plugins-title" }, "Loaded plugins"),
    el("div.table-wrap", {}, el("table.console-table", { id: "plugins-table" },
      el("thead", {}, el("tr", {}, PLUGIN_COLUMNS.map((h) => el("th", { scope: "col" }, h)))),
      body)),
    el("p.muted", {}, "The generation counts hot swaps (1 = first load). Reloading stays with the operator (loopback listener)."));
  return { section, load };
}

export async function renderConsole(main, { navigate }) {
  if (!api.signedIn()) { navigate(`/signin?next=${location.pathname}`, { replace: true }); return; }
  const me = api.user();
  main.append(el("h1", {}, "Admin console"));
  if (me.role !== "admin") {
    main.append(el("p.form-error", { role: "alert", id: "console-refused" }, "This page is for administrators only."));
    return;
  }
  const users = usersSection(me), jobs = jobsSection(), plugins = pluginsSection();
  main.append(users.section, jobs.section, plugins.section);
  try { await Promise.all([users.load(), jobs.load(), plugins.load()]); } catch (e) { notify(e.message); }
}
