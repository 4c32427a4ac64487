// The one modal dialog: a question, a confirm button, then what the action answered.
import { $, h, show } from "./dom.js";

/** Opens the dialog; `confirm` runs on the confirm button and may return a follow-up: a new title and body, the done button's label, and what to do `afterwards` (not `then`: an object with a `then` is a promise to `await`). */
export function dialog({ title, body, confirmLabel, confirmClass, confirm, onClose }) {
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

export function patchBlock(patch) {
  return h("pre", { class: "patch", "aria-label": "Patch" }, patch.split("\n").map((line) => {
    const type = line.startsWith("+++") || line.startsWith("---") ? null : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : null;
    return [h("span", { class: type }, line), "\n"];
  }));
}
