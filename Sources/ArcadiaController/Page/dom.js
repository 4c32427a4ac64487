// Building the page: elements from data (always as text, never as HTML), and times as people read them.

export const $ = (id) => document.getElementById(id);

/** An element: `attrs` sets attributes (`class`, `data-*`, `on*` handlers, booleans); children may be text, nodes, arrays or null. */
export function h(tag, attrs, ...children) {
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

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export const ago = (iso) => (!iso ? "—" : Date.now() - new Date(iso) < 5000 ? "just now" : `${span((Date.now() - new Date(iso)) / 1000)} ago`);
export const fromNow = (iso) => (!iso ? "—" : new Date(iso) - Date.now() < 1000 ? "now" : `in ${span((new Date(iso) - Date.now()) / 1000)}`);
export const timeEl = (iso, text) => h("time", { datetime: iso, title: when(iso) }, text);

export function alertBox(message) {
  const view = $("view");
  const box = h("p", { class: "error", role: "alert" }, message);
  view.prepend(box);
  setTimeout(() => box.remove(), 8000);
}

export const resourceLink = (kind, name) => h("a", { href: `#/resource/${encodeURIComponent(kind)}/${encodeURIComponent(name)}` }, name);

export function loading(view, text) {
  show(view, h("p", { class: "sub", "aria-busy": "true" }, text || "Loading…"));
}
