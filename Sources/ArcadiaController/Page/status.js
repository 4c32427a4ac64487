// The status bar: leadership, the last and next reconcile, "reconcile now", and the specs' problems.
import { $, ago, fromNow, h, show, timeEl, when, alertBox } from "./dom.js";
import { actionButton, api, relativeSpec, state } from "./session.js";

export async function refreshStatus() {
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

export function renderStatus(status) {
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
        problems.map((p) => h("li", {}, p.file ? [h("code", { title: p.file }, p.line ? `${relativeSpec(p.file)}:${p.line}:${p.column}` : relativeSpec(p.file)), " "] : null, p.message)),
        status.git_problem ? h("li", {}, status.git_problem) : null)));
  }
  if (status.conditions.length) {
    items.push(h("div", { class: "problems" }, h("b", {}, "Revert loops: "),
      status.conditions.map((c) => `${c.resource}.${c.field} reverted ${c.reverts} times, held until ${when(c.hold_until)}`).join("; ")));
  }
  show($("status"), items);
}

export async function reconcileNow(event) {
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
