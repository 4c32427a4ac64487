// Arcadia's drift inbox: plain script over the controller's JSON API, no framework and no build step.
// The token lives in this tab's sessionStorage and travels only as the Authorization header: never in
// a URL, a cookie or the page. Every value from the API is put in the page as text, never as HTML.
"use strict";

(() => {
  const TOKEN_KEY = "arcadia.token";
  const FINAL_SAGA = ["completed", "rolled_back", "cancelled", "superseded"];
  const ACTION_ROLE = { accept: "platform_admin", revert: "operator", ignore: "operator", reconcile: "operator" };
  const state = { me: null, status: null, timers: [], filters: { kind: "", status: "open", name: "" } };

  // ---- DOM ----------------------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  /** An element: `attrs` sets attributes (`class`, `data-*`, `on*` handlers, booleans); children may be text, nodes, arrays or null. */
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
      else if (value === true) element.setAttribute(key, "");
      else element.setAttribute(key, String(value));
    }
    append(element, children);
    return element;
  }

  function append(element, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function show(element, ...children) {
    element.replaceChildren();
    append(element, children);
  }

  // ---- Time ---------------------------------------------------------------------------------------

  function when(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }

  function span(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  const ago = (iso) => (!iso ? "—" : Date.now() - new Date(iso) < 5000 ? "just now" : `${span((Date.now() - new Date(iso)) / 1000)} ago`);
  const fromNow = (iso) => (!iso ? "—" : new Date(iso) - Date.now() < 1000 ? "now" : `in ${span((new Date(iso) - Date.now()) / 1000)}`);
  const timeEl = (iso, text) => h("time", { datetime: iso, title: when(iso) }, text);

  // ---- API ----------------------------------------------------------------------------------------

  class APIError extends Error {
    constructor(status, body) {
      super(describe(status, body));
      this.status = status;
      this.body = body;
    }
  }

  function describe(status, body) {
    const code = body && body.error;
    const needs = { platform_admin_required: "Only a platform_admin token may do this.", operator_required: "An operator or platform_admin token is needed." };
    if (needs[code]) return needs[code];
    if (code === "already_resolved") return `This drift is already ${body.current_status}. The list is refreshed.`;
    if (body && body.detail) return body.detail;
    if (code) return `The controller answered ${status} ${code}.`;
    return `The controller answered ${status}.`;
  }

  async function request(method, path, token) {
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

  async function api(method, path) {
    try {
      return await request(method, path, sessionStorage.getItem(TOKEN_KEY) || "");
    } catch (error) {
      if (error.status === 401) signOut("Your token is no longer accepted (revoked or expired). Sign in again.");
      throw error;
    }
  }

  const may = (action) => Boolean(state.me && state.me.may && state.me.may[action]);
  const refusal = (action) => `Your role (${state.me ? state.me.role : "none"}) may not ${action}: it needs ${ACTION_ROLE[action]}.`;

  // ---- Sign in and out ----------------------------------------------------------------------------

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

  // ---- Status bar ---------------------------------------------------------------------------------

  async function refreshStatus() {
    clearTimeout(state.statusTimer);
    if (!state.me) return;
    try {
      state.status = await api("GET", "/status");
      renderStatus(state.status);
    } catch (error) {
      if (state.me) show($("status"), h("span", { class: "item" }, h("span", { class: "dot bad" }), error.message));
    }
    if (state.me) state.statusTimer = setTimeout(refreshStatus, 5000);
  }

  function renderStatus(status) {
    const last = status.last_reconcile;
    const items = [
      h("span", { class: "item", id: "status-leader" },
        h("span", { class: `dot ${status.leader ? "ok" : "warn"}` }),
        status.leader ? h("b", {}, "Leader") : [h("b", {}, "Follower"), status.leader_holder ? ` (leader: ${status.leader_holder})` : " (no leader)"]),
      h("span", { class: "item", id: "status-last" }, "Last reconcile ",
        last
          ? [h("span", { class: `badge ${last.result}`, title: last.message || null }, last.result.replace("_", " ")), " ", timeEl(last.started_at, ago(last.started_at)),
            ` · ${last.duration_seconds.toFixed(1)} s`, last.commit ? [" · commit ", h("code", { title: last.commit }, last.commit.slice(0, 7))] : null]
          : h("b", {}, "none yet")),
      status.running
        ? h("span", { class: "item" }, h("span", { class: "dot ok" }), h("b", {}, "Reconciling"), ` (${status.running.trigger})`)
        : h("span", { class: "item", id: "status-next" }, "Next ", h("b", {}, status.next_due ? fromNow(status.next_due) : "when leader")),
      status.applies ? null : h("span", { class: "item" }, h("span", { class: "badge" }, "detect only")),
      h("span", { class: "spacer" }),
      actionButton("reconcile", "Reconcile now", reconcileNow, { id: "reconcile-now" }),
    ];
    const problems = [...status.validation_errors, ...status.plan_errors];
    if (problems.length || status.git_problem) {
      items.push(h("div", { class: "problems", id: "spec-problems", role: "alert" },
        h("b", {}, problems.length ? `The specs have ${problems.length} problem${problems.length > 1 ? "s" : ""}; nothing is applied until they are fixed.` : "The spec checkout has a problem."),
        h("ul", {},
          problems.map((p) => h("li", {}, p.location ? [h("code", {}, `${p.location.path}:${p.location.line}:${p.location.column}`), " "] : null, p.message)),
          status.git_problem ? h("li", {}, status.git_problem) : null)));
    }
    if (status.conditions.length) {
      items.push(h("div", { class: "problems" }, h("b", {}, "Revert loops: "),
        status.conditions.map((c) => `${c.resource}.${c.field} reverted ${c.reverts} times, held until ${when(c.hold_until)}`).join("; ")));
    }
    show($("status"), items);
  }

  async function reconcileNow(event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const answer = await api("POST", "/reconcile");
      button.textContent = answer.leader ? "Queued" : "Not the leader";
      setTimeout(refreshStatus, 1500);
    } catch (error) {
      alertBox(error.message);
      button.disabled = false;
    }
  }

  /** A button for an action the role may not take: disabled, with the reason as its title and described by it. */
  function actionButton(action, label, onclick, attrs = {}) {
    const allowed = may(action);
    return h("button", { type: "button", class: attrs.class || "", id: attrs.id, "data-action": action, disabled: !allowed, title: allowed ? null : refusal(action), onclick }, label);
  }

  function alertBox(message) {
    const view = $("view");
    const box = h("p", { class: "error", role: "alert" }, message);
    view.prepend(box);
    setTimeout(() => box.remove(), 8000);
  }

  // ---- Routing ------------------------------------------------------------------------------------

  function stopTimers() {
    for (const timer of state.timers) clearTimeout(timer);
    state.timers = [];
  }

  function later(fn, ms) {
    state.timers.push(setTimeout(fn, ms));
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

  const resourceLink = (kind, name) => h("a", { href: `#/resource/${encodeURIComponent(kind)}/${encodeURIComponent(name)}` }, name);

  function relativeSpec(path) {
    const folder = state.status && state.status.specs ? state.status.specs.replace(/\/$/, "") + "/" : null;
    return folder && path.startsWith(folder) ? path.slice(folder.length) : path;
  }

  function loading(view, text) {
    show(view, h("p", { class: "sub", "aria-busy": "true" }, text || "Loading…"));
  }

  // ---- Inbox --------------------------------------------------------------------------------------

  function inboxView() {
    const view = $("view");
    const f = state.filters;
    const kinds = ["", "Droplet", "Volume", "SSHKey"];
    const statuses = ["open", "accepted", "reverted", "ignored", "stale", "all"];
    let nameTimer;
    const list = h("div", { id: "inbox-list" });
    const option = (value, current, label) => h("option", { value, selected: value === current }, label || value);
    show(view,
      h("div", { class: "view-head" },
        h("div", {}, h("h1", {}, "Drift inbox"), h("p", {}, "Where DigitalOcean no longer matches the specs. Accept the live value into the spec, revert DigitalOcean, or ignore the field.")),
      ),
      h("form", { class: "filters", role: "search", onsubmit: (e) => e.preventDefault() },
        h("div", { class: "field" }, h("label", { for: "filter-kind" }, "Kind"),
          h("select", { id: "filter-kind", onchange: (e) => { f.kind = e.target.value; loadInbox(list); } }, kinds.map((k) => option(k, f.kind, k || "All kinds")))),
        h("div", { class: "field" }, h("label", { for: "filter-status" }, "Status"),
          h("select", { id: "filter-status", onchange: (e) => { f.status = e.target.value; loadInbox(list); } }, statuses.map((s) => option(s, f.status)))),
        h("div", { class: "field" }, h("label", { for: "filter-name" }, "Name"),
          h("input", { id: "filter-name", type: "search", value: f.name, placeholder: "resource name", oninput: (e) => {
            clearTimeout(nameTimer);
            nameTimer = setTimeout(() => { f.name = e.target.value.trim(); loadInbox(list); }, 300);
          } })),
      ),
      list);
    loadInbox(list);
  }

  async function loadInbox(list) {
    const f = state.filters;
    const query = new URLSearchParams({ status: f.status });
    if (f.kind) query.set("kind", f.kind);
    if (f.name) query.set("name", f.name);
    let answer;
    try {
      answer = await api("GET", `/drift?${query}`);
    } catch (error) {
      show(list, h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    if (!answer.drift.length) {
      show(list, h("div", { class: "panel" }, h("div", { class: "empty" },
        h("strong", {}, f.status === "open" ? "No open drift" : "Nothing matches"),
        f.status === "open" ? "DigitalOcean matches the specs, as far as the last reconcile saw." : "Try another filter.")));
      return;
    }
    const groups = new Map();
    for (const record of answer.drift) {
      const key = `${record.resource_kind}/${record.resource_name}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(record);
    }
    const canAct = may("accept") && may("revert");
    const reason = canAct ? null : !may("revert") ? `Your role (${state.me.role}) may only read: revert and ignore need operator, accept needs platform_admin.` : refusal("accept");
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    show(list,
      h("p", { class: "sub", id: "inbox-summary" }, `${plural(answer.count, "record")} on ${plural(groups.size, "resource")}`,
        reason ? [" · ", h("span", { id: "role-note" }, reason)] : null),
      [...groups.entries()].map(([key, records]) => {
        const [kind, name] = [records[0].resource_kind, records[0].resource_name];
        return h("section", { class: "panel", "aria-label": key, "data-resource": key },
          h("div", { class: "panel-head" }, h("span", { class: "badge kind" }, kind), h("h2", { class: "mono" }, resourceLink(kind, name)),
            h("span", { class: "count" }, `${records.length} field${records.length > 1 ? "s" : ""}`)),
          h("table", { class: "cards drift" },
            h("thead", {}, h("tr", {}, ["Field", "Expected (spec)", "Actual (live)", "First seen", "Spec", f.status === "open" ? "Actions" : "Status"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, records.map((record) => driftRow(record, f.status === "open")))));
      }));
  }

  function driftRow(record, open) {
    const spec = record.spec;
    return h("tr", { "data-drift": record.id, "data-field": record.field },
      h("td", { "data-label": "Field" }, h("b", { class: "mono" }, record.field), record.cause ? h("span", { class: "reason" }, `after a ${record.cause.type.replaceAll("_", " ")} action`) : null),
      h("td", { "data-label": "Expected", class: "value expected" }, record.expected),
      h("td", { "data-label": "Actual", class: "value actual" }, record.actual),
      h("td", { "data-label": "First seen", class: "num" }, timeEl(record.detected_at, ago(record.detected_at)), h("span", { class: "reason" }, when(record.detected_at))),
      h("td", { "data-label": "Spec", class: "value" }, spec ? h("span", { title: `${spec.path}:${spec.line}:${spec.column}` }, `${relativeSpec(spec.path)}:${spec.line}`) : h("span", { class: "sub" }, "not in the specs")),
      open
        ? h("td", { "data-label": "Actions" }, h("div", { class: "actions" },
            actionButton("accept", "Accept", () => confirmAccept(record), { class: "primary" }),
            actionButton("revert", "Revert", () => confirmRevert(record)),
            actionButton("ignore", "Ignore", () => confirmIgnore(record))))
        : h("td", { "data-label": "Status" }, h("span", { class: `badge ${record.status}` }, record.status), record.resolved_by ? h("span", { class: "reason" }, `by ${record.resolved_by}`) : null));
  }

  // ---- Dialogs ------------------------------------------------------------------------------------

  /** Opens the dialog; `confirm` runs on the confirm button and may return a follow-up: a new title and body, the done button's label, and what to do `afterwards` (not `then`: an object with a `then` is a promise to `await`). */
  function dialog({ title, body, confirmLabel, confirmClass, confirm, onClose }) {
    const box = $("dialog");
    const button = $("dialog-confirm");
    const cancel = $("dialog-cancel");
    const error = $("dialog-error");
    $("dialog-title").textContent = title;
    show($("dialog-body"), body);
    error.hidden = true;
    cancel.hidden = false;
    cancel.textContent = "Cancel";
    button.textContent = confirmLabel;
    button.className = confirmClass || "primary";
    button.disabled = !confirm;
    button.hidden = false;
    let finished = false;
    cancel.onclick = () => box.close();
    box.onclose = () => { if (onClose) onClose(finished); };
    button.onclick = async () => {
      if (finished) return box.close();
      button.disabled = true;
      error.hidden = true;
      try {
        const follow = await confirm();
        finished = true;
        if (follow) {
          $("dialog-title").textContent = follow.title;
          show($("dialog-body"), follow.body);
        }
        cancel.hidden = true;
        button.textContent = follow && follow.doneLabel ? follow.doneLabel : "Done";
        button.className = "primary";
        button.onclick = () => { box.close(); if (follow && follow.afterwards) follow.afterwards(); };
        button.disabled = false;
        button.focus();
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
        button.disabled = !(failure.status >= 500 || failure.status === 0);
        if (failure.status === 409 || failure.status === 422) button.disabled = true;
      }
    };
    if (!box.open) box.showModal();
    (confirm ? button : cancel).focus();
    return box;
  }

  const afterInbox = (finished) => { if (finished && location.hash.replace(/^#\/?/, "").split("/")[0] !== "sagas") route(); };

  function patchBlock(patch) {
    return h("pre", { class: "patch", "aria-label": "Patch" }, patch.split("\n").map((line) => {
      const type = line.startsWith("+++") || line.startsWith("---") ? null : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : null;
      return [h("span", { class: type }, line), "\n"];
    }));
  }

  function specPlace(record) {
    return record.spec ? `${relativeSpec(record.spec.path)}:${record.spec.line}` : "the spec";
  }

  function resolvedBody(answer, verb) {
    return [
      h("p", {}, answer.pending
        ? `Recorded in the state: the spec checkout is git and this controller does not push, so commit this change to ${answer.file}. Until then the field is left as it is.`
        : answer.commit ? ["Committed ", h("code", {}, answer.commit.slice(0, 10)), " and pushed."] : `${answer.file} is ${verb}.`),
      answer.push_error ? h("p", { class: "error" }, `The push failed: ${answer.push_error}`) : null,
      answer.patch ? patchBlock(answer.patch) : h("p", { class: "sub" }, "The spec already said so: no change."),
    ];
  }

  function confirmAccept(record) {
    dialog({
      title: `Accept ${record.resource_kind}/${record.resource_name}.${record.field}?`,
      body: [
        h("p", {}, "The live value becomes the spec's: this one line in ", h("code", {}, specPlace(record)), " changes, and Arcadia stops treating it as drift."),
        h("pre", { "aria-label": "Preview" }, h("span", { class: "del" }, `- ${record.field}: ${record.expected}`), "\n", h("span", { class: "add" }, `+ ${record.field}: ${record.actual}`)),
      ],
      confirmLabel: "Accept into spec",
      confirm: async () => {
        const answer = await api("POST", `/drift/${record.id}/accept`);
        return { title: "Accepted", body: resolvedBody(answer, "edited") };
      },
      onClose: afterInbox,
    });
  }

  function confirmIgnore(record) {
    dialog({
      title: `Ignore ${record.resource_kind}/${record.resource_name}.${record.field}?`,
      body: h("p", {}, h("code", {}, record.field), " joins the resource's ", h("code", {}, "policy.ignore"), " in ", h("code", {}, specPlace(record)),
        ": Arcadia will neither report nor revert it again. DigitalOcean keeps ", h("code", {}, record.actual), "."),
      confirmLabel: "Ignore field",
      confirm: async () => {
        const answer = await api("POST", `/drift/${record.id}/ignore`);
        return { title: "Ignored", body: resolvedBody(answer, "edited") };
      },
      onClose: afterInbox,
    });
  }

  async function confirmRevert(record) {
    const box = dialog({ title: `Revert ${record.resource_kind}/${record.resource_name}.${record.field}?`, body: h("p", { class: "sub" }, "Planning the revert…"), confirmLabel: "Run revert", onClose: afterInbox });
    let preview;
    try {
      preview = await api("GET", `/drift/${record.id}/revert-preview`);
    } catch (error) {
      show($("dialog-body"), h("p", { class: "error" }, error.message));
      return;
    }
    if (!box.open) return;
    if (!preview.revertible) {
      show($("dialog-body"), h("p", { class: "error", id: "revert-refused" }, `It cannot be reverted: ${preview.reason}`));
      return;
    }
    dialog({
      title: `Revert ${preview.resource}.${record.field}?`,
      body: [
        h("p", {}, "DigitalOcean is put back at the spec by a ", h("b", {}, preview.saga_kind), ` saga of ${preview.steps.length} steps:`),
        h("ol", { class: "steps-inline", id: "revert-steps" }, preview.steps.map((step) => h("li", {}, h("code", {}, step)))),
        h("ul", { class: "steps-inline" }, preview.changes.map((c) => h("li", {}, h("code", {}, c.field), `: ${c.from ?? "—"} → ${c.to ?? "—"}`))),
        preview.irreversible.length ? h("p", { class: "error" }, `Cannot be undone: ${preview.irreversible.join("; ")}`) : null,
      ],
      confirmLabel: "Run revert",
      confirmClass: "danger",
      confirm: async () => {
        const answer = await api("POST", `/drift/${record.id}/revert`);
        return {
          title: "Revert started",
          body: h("p", {}, "Saga ", h("code", {}, answer.saga_id.slice(0, 8)), " is running in the background."),
          doneLabel: "Follow the saga",
          afterwards: () => { location.hash = `#/sagas/${answer.saga_id}`; },
        };
      },
      onClose: afterInbox,
    });
  }

  // ---- Resource view ------------------------------------------------------------------------------

  async function resourceView(kind, name) {
    const view = $("view");
    loading(view);
    let detail;
    try {
      detail = await api("GET", `/resources/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`);
    } catch (error) {
      show(view, h("p", { class: "error", role: "alert" }, error.status === 404 ? `Arcadia knows no ${kind} named ${name}.` : error.message));
      return;
    }
    const differing = detail.fields.filter((f) => f.differs).length;
    const panes = {
      diff: () => h("table", { class: "cards", id: "resource-diff" },
        h("thead", {}, h("tr", {}, ["Field", "Desired (spec)", "Live (DigitalOcean)", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, detail.fields.map((f) => h("tr", { class: f.differs ? "differs" : null },
          h("td", { "data-label": "Field" }, h("b", { class: "mono" }, f.field)),
          h("td", { "data-label": "Desired", class: `value ${f.differs ? "expected" : ""}` }, f.desired ?? "—"),
          h("td", { "data-label": "Live", class: `value ${f.differs ? "actual" : ""}` }, f.live ?? (detail.live ? "not reported" : "—")),
          h("td", {}, f.differs ? h("span", { class: "badge open" }, "differs") : null))))),
      desired: () => detail.spec
        ? h("div", { class: "panel-body" }, h("p", { class: "sub" }, h("code", {}, `${relativeSpec(detail.spec.file)}:${detail.spec.line}`)),
            h("pre", { class: "source", id: "resource-spec" }, detail.spec.text.replace(/\n$/, "").split("\n").map((line, i) =>
              h("span", { class: `line ${i + 1 === detail.spec.line ? "mark" : ""}` }, h("span", { class: "ln" }, i + 1), line))))
        : h("div", { class: "empty" }, h("strong", {}, "Not in the specs"), "A plan would destroy what Arcadia applied."),
      live: () => detail.live
        ? h("div", { class: "panel-body" }, h("dl", { class: "kv", id: "resource-live" },
            [["id", detail.live.id], ["status", detail.live.status ?? "—"], ["managed by Arcadia", detail.live.managed ? "yes" : "no"],
              ...Object.entries(detail.live.values).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") || "none" : String(v)])]
              .map(([k, v]) => [h("dt", {}, k), h("dd", { class: "value" }, v)])),
            h("p", { class: "sub" }, "As the last reconcile synced it."))
        : h("div", { class: "empty" }, h("strong", {}, "Not at DigitalOcean"), "Not created yet, or the last sync did not see it."),
    };
    const body = h("div", { id: "tab-panel", role: "tabpanel" });
    const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Resource views" });
    const select = (key) => {
      for (const tab of tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.tab === key));
      show(body, panes[key]());
    };
    for (const [key, label] of [["diff", `Diff${differing ? ` (${differing})` : ""}`], ["desired", "Desired"], ["live", "Live"]]) {
      tabs.append(h("button", { type: "button", role: "tab", "data-tab": key, "aria-controls": "tab-panel", onclick: () => select(key) }, label));
    }
    // The arrow keys move between tabs, as a tab list does.
    tabs.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const all = [...tabs.children];
      const next = all[(all.indexOf(document.activeElement) + step + all.length) % all.length];
      next.focus();
      select(next.dataset.tab);
    });
    show(view,
      h("div", { class: "view-head" }, h("div", {},
        h("div", { class: "crumbs" }, h("a", { href: "#/inbox" }, "Inbox"), ` / ${detail.kind}`),
        h("h1", { class: "mono" }, detail.name),
        h("p", {}, h("span", { class: "badge kind" }, detail.kind), " ", detail.resource_id ? ["id ", h("code", {}, detail.resource_id), " · "] : null,
          detail.drift.length ? h("span", { class: "badge open" }, `${detail.drift.length} open drift`) : h("span", { class: "badge completed" }, "in sync")))),
      h("section", { class: "panel", "aria-label": "Desired, live and diff" }, tabs, body),
      h("div", { class: "grid2" },
        h("section", { class: "panel", "aria-label": "Sagas" }, h("div", { class: "panel-head" }, h("h2", {}, "Sagas")),
          detail.sagas.length
            ? h("ul", { class: "timeline" }, detail.sagas.map((s) => h("li", {}, h("a", { href: `#/sagas/${s.id}` }, h("code", {}, s.id.slice(0, 8))), ` ${s.kind} `,
                h("span", { class: `badge ${s.status}` }, s.status.replace("_", " ")), h("div", { class: "when" }, when(s.createdAt)))))
            : h("div", { class: "empty" }, "None")),
        h("section", { class: "panel", "aria-label": "Event history" }, h("div", { class: "panel-head" }, h("h2", {}, "Event history")),
          detail.events.length
            ? h("ul", { class: "timeline", id: "resource-events" }, detail.events.map((e) => h("li", {},
                h("span", { class: "badge" }, e.type.replaceAll("_", " ")), " ", e.detail,
                h("div", { class: "when" }, timeEl(e.at, when(e.at)), e.actor ? ` · by ${e.actor}` : ""))))
            : h("div", { class: "empty" }, "No events yet"))));
    select("diff");
  }

  // ---- Sagas --------------------------------------------------------------------------------------

  function stepCount(saga) {
    return `${saga.steps.filter((s) => s.status === "completed").length}/${saga.steps.length}`;
  }

  async function sagasView() {
    const view = $("view");
    if (!view.querySelector("#sagas-table")) loading(view);
    let answer;
    try {
      answer = await api("GET", "/sagas");
    } catch (error) {
      show(view, h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    const sagas = answer.sagas.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    show(view,
      h("div", { class: "view-head" }, h("div", {}, h("h1", {}, "Sagas"), h("p", {}, "Every change Arcadia made, step by step, newest first."))),
      h("section", { class: "panel" }, sagas.length
        ? h("table", { class: "cards", id: "sagas-table" },
            h("thead", {}, h("tr", {}, ["Saga", "Kind", "Resource", "Status", "Started", "Took"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, sagas.map((s) => h("tr", { "data-saga": s.id },
              h("td", { "data-label": "Saga" }, h("a", { href: `#/sagas/${s.id}` }, h("code", {}, s.id.slice(0, 8)))),
              h("td", { "data-label": "Kind" }, s.kind),
              h("td", { "data-label": "Resource" }, h("span", { class: "badge kind" }, s.resourceKind), " ", resourceLink(s.resourceKind, s.resourceName)),
              h("td", { "data-label": "Status" }, h("span", { class: `badge ${s.status}` }, s.status.replace("_", " "))),
              h("td", { "data-label": "Started", class: "num" }, timeEl(s.createdAt, ago(s.createdAt))),
              h("td", { "data-label": "Took", class: "num" }, FINAL_SAGA.includes(s.status) || s.status === "failed"
                ? span((new Date(s.updatedAt) - new Date(s.createdAt)) / 1000) : h("span", { class: "sub" }, "running"))))))
        : h("div", { class: "empty" }, h("strong", {}, "No sagas yet"), "They appear as Arcadia applies or reverts.")));
    if (sagas.some((s) => !FINAL_SAGA.includes(s.status))) later(sagasView, 2000);
  }

  async function sagaView(id) {
    const view = $("view");
    if (!view.querySelector("#saga-steps")) loading(view);
    let saga;
    try {
      saga = await api("GET", `/sagas/${encodeURIComponent(id)}`);
    } catch (error) {
      show(view, h("p", { class: "error", role: "alert" }, error.status === 404 ? `No saga ${id}.` : error.message));
      return;
    }
    const live = !FINAL_SAGA.includes(saga.status);
    const took = (s) => (s.startedAt && s.finishedAt ? ` · took ${((new Date(s.finishedAt) - new Date(s.startedAt)) / 1000).toFixed(1)} s` : "");
    show(view,
      h("div", { class: "view-head" }, h("div", {},
        h("div", { class: "crumbs" }, h("a", { href: "#/sagas" }, "Sagas"), ` / ${saga.id.slice(0, 8)}`),
        h("h1", {}, `${saga.kind} `, h("span", { class: "mono" }, `${saga.resourceKind}/${saga.resourceName}`)),
        h("p", {}, h("span", { class: `badge ${saga.status}`, id: "saga-status" }, saga.status.replace("_", " ")),
          live ? " · updating live" : null))),
      h("div", { class: "grid2" },
        h("section", { class: "panel", "aria-label": "Steps" }, h("div", { class: "panel-head" }, h("h2", {}, "Steps"), h("span", { class: "count" }, stepCount(saga))),
          h("ol", { class: "steps", id: "saga-steps" }, saga.steps.map((s) => h("li", { "data-step": s.name, "data-status": s.status },
            h("span", { class: "pos" }, s.position + 1),
            h("div", {}, h("code", {}, s.name),
              h("div", { class: "sub" }, `${s.attempts} attempt${s.attempts === 1 ? "" : "s"}`, s.startedAt ? ` · started ${when(s.startedAt)}` : "", took(s)),
              s.error ? h("div", { class: "err" }, s.error) : null),
            h("span", { class: `badge ${s.status}` }, s.status.replace("_", " ")))))),
        h("section", { class: "panel", "aria-label": "Saga" }, h("div", { class: "panel-head" }, h("h2", {}, "Details")),
          h("div", { class: "panel-body" }, h("dl", { class: "kv" },
            [["id", h("code", {}, saga.id)], ["resource", [`${saga.resourceKind}/`, resourceLink(saga.resourceKind, saga.resourceName)]], ["created", when(saga.createdAt)],
              ["updated", when(saga.updatedAt)], ["worker", saga.owner ?? "—"], ["error", saga.error ?? "—"]]
              .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))))));
    if (live) later(() => sagaView(id), 1000);
  }

  // ---- Start --------------------------------------------------------------------------------------

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
})();
