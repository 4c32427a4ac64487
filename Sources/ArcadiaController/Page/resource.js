// One resource: desired (the spec file), live (the last sync), the diff of the two, its sagas and events.
import { $, h, loading, show, timeEl, when } from "./dom.js";
import { api, relativeSpec } from "./session.js";

export async function resourceView(kind, name) {
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
