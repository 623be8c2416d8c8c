// The host's JSON API. The access token lives in memory only; the refresh
// token is kept in localStorage so a reload can get a new access token
// (auth rotates it on every use, and a reused one revokes its family).

const REFRESH_KEY = "reel.refreshToken";

let accessToken = null;
let accessExpiresAt = 0;
let currentUser = null;
let refreshing = null;
const listeners = new Set();

/** An API failure, with the server's message in plain words. */
export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

const plainWords = {
  0: "Reel cannot be reached. Check your connection and try again.",
  401: "Please sign in first.",
  403: "Your account is not allowed to do that.",
  404: "That could not be found.",
  413: "That file is too large.",
  429: "Too many attempts. Wait a moment and try again.",
};

/** Turns an error answer into an ApiError with a readable message. */
export async function errorFrom(response) {
  let code = "unknown", message = "", requestId = response.headers.get("X-Request-Id") || "";
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || "";
      requestId = body.error.requestId || requestId;
    }
  } catch { /* not JSON */ }
  if (!message) message = plainWords[response.status] || `Something went wrong (HTTP ${response.status}).`;
  else message = message.charAt(0).toUpperCase() + message.slice(1);
  return new ApiError(response.status, code, message, requestId);
}

export function user() { return currentUser; }
export function signedIn() { return currentUser !== null; }
export function canUpload() { return currentUser !== null && (currentUser.role === "creator" || currentUser.role === "admin"); }
export function onAuthChange(fn) { listeners.add(fn); }
function changed() { for (const fn of listeners) fn(currentUser); }

function takeTokens(pair) {
  accessToken = pair.accessToken;
  // Refreshed a little before it expires: 30 s, or a quarter of a short lifetime.
  const lifetime = (pair.expiresIn || 900) * 1000;
  accessExpiresAt = Date.now() + lifetime - Math.min(30_000, lifetime / 4);
  if (pair.refreshToken) localStorage.setItem(REFRESH_KEY, pair.refreshToken);
  if (pair.user) currentUser = pair.user;
  changed();
}

function forget() {
  accessToken = null;
  currentUser = null;
  localStorage.removeItem(REFRESH_KEY);
  changed();
}

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "unavailable", plainWords[0], "");
  }
  if (!response.ok) throw await errorFrom(response);
  return response.status === 204 ? null : response.json();
}

/** Gets a new access token with the stored refresh token; false if none works. */
export function refresh() {
  if (refreshing) return refreshing;
  // Tabs share the refresh token, and using a spent one revokes the whole
  // family: one tab at a time (Web Locks, where the context has them) reads
  // the newest token and rotates it.
  const rotate = async () => {
    const token = localStorage.getItem(REFRESH_KEY);
    if (!token) return false;
    try {
      takeTokens(await post("/api/v1/auth/refresh", { refreshToken: token }));
    } catch (error) {
      if (error.status >= 400 && error.status < 500 && localStorage.getItem(REFRESH_KEY) === token) forget();
      return false;
    }
    if (!currentUser) {
      const response = await fetch("/api/v1/users/me", { headers: { Authorization: `Bearer ${accessToken}` } }).catch(() => null);
      if (!response || !response.ok) return false;
      currentUser = await response.json();
      changed();
    }
    return true;
  };
  const locks = typeof navigator !== "undefined" && navigator.locks;
  refreshing = (locks ? locks.request("reel.refresh", rotate) : rotate()).finally(() => { refreshing = null; });
  return refreshing;
}

export async function signIn(email, password) {
  const pair = await post("/api/v1/auth/login", { email, password });
  takeTokens(pair);
  if (!currentUser) { currentUser = await api("GET", "/api/v1/users/me"); changed(); }
}

export async function register(email, password, displayName) {
  await post("/api/v1/auth/register", { email, password, displayName });
  await signIn(email, password);
}

export async function signOut() {
  const token = localStorage.getItem(REFRESH_KEY);
  forget();
  if (token) await post("/api/v1/auth/logout", { refreshToken: token }).catch(() => {});
}

/** The Authorization header value, refreshed first when about to expire. */
export async function authorization() {
  if (accessToken && Date.now() > accessExpiresAt) await refresh();
  return accessToken ? `Bearer ${accessToken}` : null;
}

/** One JSON API call; retries once after refreshing on 401. */
export async function api(method, path, body, { retry = true, keepalive = false } = {}) {
  const headers = {};
  const auth = await authorization();
  if (auth) headers.Authorization = auth;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, keepalive, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "unavailable", plainWords[0], "");
  }
  if (response.status === 401 && retry && auth && await refresh()) {
    return api(method, path, body, { retry: false, keepalive });
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  return response.json();
}

/** Query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
