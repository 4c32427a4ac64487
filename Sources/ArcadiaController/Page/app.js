// Arcadia's drift inbox: plain script modules over the controller's JSON API, no framework and no build
// step. This one signs people in and out and routes `#/inbox`, `#/resource/KIND/NAME`, `#/sagas[/ID]`.
import { $, h, show } from "./dom.js";
import { inboxView } from "./inbox.js";
import { resourceView } from "./resource.js";
import { sagaView, sagasView } from "./sagas.js";
import { hooks, request, state, stopTimers, TOKEN_KEY } from "./session.js";
import { refreshStatus } from "./status.js";

async function signIn(event) {
  event.preventDefault();
  const input = $("token");
  const token = input.value.trim();
  const error = $("sign-in-error");
  error.hidden = true;
  if (!token) return;
  try {
    state.me = await request("GET", "/whoami", token);
  } catch (failure) {
    error.textContent = failure.status === 401
      ? "That token was not accepted: it is unknown, revoked, expired or mistyped."
      : failure.message;
    error.hidden = false;
    input.select();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  input.value = "";
  enter();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.me = null;
  stopTimers();
  clearTimeout(state.statusTimer);
  $("nav").hidden = true;
  $("who").hidden = true;
  $("status").hidden = true;
  show($("view"));
  $("sign-in").hidden = false;
  const error = $("sign-in-error");
  error.textContent = message || "";
  error.hidden = !message;
  if ($("dialog").open) $("dialog").close();
  $("token").focus();
}

async function enter() {
  $("sign-in").hidden = true;
  $("nav").hidden = false;
  $("who").hidden = false;
  show($("who-name"), "Signed in as ", h("strong", {}, state.me.name), " ", h("span", { class: "role" }, state.me.role));
  $("status").hidden = false;
  // The status names the specs folder, which spec positions are shown relative to.
  await refreshStatus();
  route();
}

function route() {
  if (!state.me) return;
  stopTimers();
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const view = parts[0] || "inbox";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.view === (view === "resource" ? "inbox" : view)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (view === "resource" && parts.length >= 3) return resourceView(parts[1], parts.slice(2).join("/"));
  if (view === "sagas" && parts[1]) return sagaView(parts[1]);
  if (view === "sagas") return sagasView();
  return inboxView();
}

hooks.signOut = signOut;
hooks.route = route;

document.addEventListener("DOMContentLoaded", async () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut());
  window.addEventListener("hashchange", route);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return signOut();
  try {
    state.me = await request("GET", "/whoami", token);
    enter();
  } catch (error) {
    signOut(error.status === 401 ? "Your token is no longer accepted (revoked or expired). Sign in again." : error.message);
  }
});
