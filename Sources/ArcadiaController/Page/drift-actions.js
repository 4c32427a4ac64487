// Accept, ignore and revert one drift record, each shown before it is done and confirmed by the person.
import { $, h, show } from "./dom.js";
import { dialog, patchBlock } from "./dialog.js";
import { api, hooks, relativeSpec } from "./session.js";

export const afterInbox = (finished) => { if (finished && location.hash.replace(/^#\/?/, "").split("/")[0] !== "sagas") hooks.route(); };

export function specPlace(record) {
  return record.spec ? `${relativeSpec(record.spec.path)}:${record.spec.line}` : "the spec";
}

export function resolvedBody(answer, verb) {
  return [
    h("p", {}, answer.pending
      ? `Recorded in the state: the spec checkout is git and this controller does not push, so commit this change to ${answer.file}. Until then the field is left as it is.`
      : answer.commit ? ["Committed ", h("code", {}, answer.commit.slice(0, 10)), " and pushed."] : `${answer.file} is ${verb}.`),
    answer.push_error ? h("p", { class: "error" }, `The push failed: ${answer.push_error}`) : null,
    answer.patch ? patchBlock(answer.patch) : h("p", { class: "sub" }, "The spec already said so: no change."),
  ];
}

export function confirmAccept(record) {
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

export function confirmIgnore(record) {
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

export async function confirmRevert(record) {
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
