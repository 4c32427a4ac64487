// Who is signed in, and the API as they may use it. The token lives in this tab's sessionStorage and
// travels only as the Authorization header: never in a URL, a cookie or the page.
import { h } from "./dom.js";

export const TOKEN_KEY = "arcadia.token";
/** Set by app.js: what a refused token and a finished action lead to. */
export const hooks = { signOut: () => {}, route: () => {} };
export const ACTION_ROLE = { accept: "platform_admin", revert: "operator", ignore: "operator", reconcile: "operator" };
export const state = { me: null, status: null, timers: [], filters: { kind: "", status: "open", name: "" } };

export class APIError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body;
  }
}

export function describe(status, body) {
  const code = body && body.error;
  const needs = { platform_admin_required: "Only a platform_admin token may do this.", operator_required: "An operator or platform_admin token is needed." };
  if (needs[code]) return needs[code];
  if (code === "already_resolved") return `This drift is already ${body.current_status}. The list is refreshed.`;
  if (body && body.detail) return body.detail;
  if (code) return `The controller answered ${status} ${code}.`;
  return `The controller answered ${status}.`;
}

export async function request(method, path, token) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, cache: "no-store", credentials: "omit",
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
    });
  } catch {
    throw new APIError(0, { detail: "The controller did not answer. Is it still running?" });
  }
  let body = {};
  try { body = await response.json(); } catch { body = {}; }
  if (!response.ok) throw new APIError(response.status, body);
  return body;
}

export async function api(method, path) {
  try {
    return await request(method, path, sessionStorage.getItem(TOKEN_KEY) || "");
  } catch (error) {
    if (error.status === 401) hooks.signOut("Your token is no longer accepted (revoked or expired). Sign in again.");
    throw error;
  }
}

export const may = (action) => Boolean(state.me && state.me.may && state.me.may[action]);
export const refusal = (action) => `Your role (${state.me ? state.me.role : "none"}) may not ${action}: it needs ${ACTION_ROLE[action]}.`;

export function actionButton(action, label, onclick, attrs = {}) {
  const allowed = may(action) && !attrs.refused;
  const title = may(action) ? attrs.refused || null : refusal(action);
  return h("button", { type: "button", class: attrs.class || "", id: attrs.id, "data-action": action, disabled: !allowed, title, onclick }, label);
}

export function stopTimers() {
  for (const timer of state.timers) clearTimeout(timer);
  state.timers = [];
}

export function later(fn, ms) {
  state.timers.push(setTimeout(fn, ms));
}

export function relativeSpec(path) {
  const folder = state.status && state.status.specs ? state.status.specs.replace(/\/$/, "") + "/" : null;
  return folder && path.startsWith(folder) ? path.slice(folder.length) : path;
}
