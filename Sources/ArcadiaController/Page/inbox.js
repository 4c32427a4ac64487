// The inbox: open drift grouped by resource, with filters and each record's actions.
import { $, ago, h, resourceLink, show, timeEl, when } from "./dom.js";
import { confirmAccept, confirmIgnore, confirmRevert } from "./drift-actions.js";
import { actionButton, api, may, refusal, relativeSpec, state } from "./session.js";

export function inboxView() {
  const view = $("view");
  const f = state.filters;
  const kinds = ["", "Droplet", "Volume", "SSHKey", "ReservedIP", "Firewall", "Domain"];
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

export async function loadInbox(list) {
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

export function driftRow(record, open) {
  const spec = record.spec;
  return h("tr", { "data-drift": record.id, "data-field": record.field },
    h("td", { "data-label": "Field" }, h("b", { class: "mono" }, record.field), record.cause ? h("span", { class: "reason" }, `after a ${record.cause.type.replaceAll("_", " ")} action`) : null),
    h("td", { "data-label": "Expected", class: "value expected" }, record.expected),
    h("td", { "data-label": "Actual", class: "value actual" }, record.actual),
    h("td", { "data-label": "First seen", class: "num" }, timeEl(record.detected_at, ago(record.detected_at)), h("span", { class: "reason" }, when(record.detected_at))),
    h("td", { "data-label": "Spec", class: "value" }, spec ? h("span", { title: `${spec.path}:${spec.line}:${spec.column}` }, `${relativeSpec(spec.path)}:${spec.line}`) : h("span", { class: "sub" }, "not in the specs")),
    open
      ? h("td", { "data-label": "Actions" }, h("div", { class: "actions" },
          actionButton("accept", "Accept", () => confirmAccept(record), {
            class: "primary",
            // A droplet's power state is not a spec field: the API refuses it, so the page does first.
            refused: record.resource_kind === "Droplet" && record.field === "status" ? "A droplet's power state is not a spec field: revert powers it on, ignore stops watching it." : null,
          }),
          actionButton("revert", "Revert", () => confirmRevert(record)),
          actionButton("ignore", "Ignore", () => confirmIgnore(record))))
      : h("td", { "data-label": "Status" }, h("span", { class: `badge ${record.status}` }, record.status), record.resolved_by ? h("span", { class: "reason" }, `by ${record.resolved_by}`) : null));
}
