// The ledger, and one saga's steps; a saga still running refreshes itself until it ends.
import { $, ago, h, loading, resourceLink, show, span, timeEl, when } from "./dom.js";
import { api, later } from "./session.js";

export const FINAL_SAGA = ["completed", "rolled_back", "cancelled", "superseded"];

export function stepCount(saga) {
  return `${saga.steps.filter((s) => s.status === "completed").length}/${saga.steps.length}`;
}

export async function sagasView() {
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

export async function sagaView(id) {
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
