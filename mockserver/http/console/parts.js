// The pieces an item's view is made of, shared by the console and by each vendor's own view.
//
// A vendor shows its items its own way through `console.js` in its folder
// (mockserver/vendors/<name>/console.js, declared by its `Vendor.console_view()` and served as
// /_mockserver/ui/vendors/<name>.js), an ES module that may export:
//   title              a short name for headings and filters (default: the vendor's title);
//   facts(item)        <dt>/<dd> pairs shown under the item's age;
//   content(item)      the nodes of what is under review (text, images, components);
//   form(item, act)    the action area of an item that waits for a reviewer (the console asks
//                      only for those); `act(step)` sends one step in the scenario format to
//                      POST /_mockserver/items/{vendor}/{id}; `act.by()` is `{by}` or {}.
// Each item comes with `waiting`: true when its status is one the vendor declares as waiting
// for a reviewer (`Vendor.waiting`, in GET /_mockserver/ui/vendors.json), so no view repeats
// the vendor's statuses. A vendor without a view is shown generically: its summary, no form.
// Text only ever goes in as text (`el` makes text nodes); tests/tooling/test_console_scripts.py
// refuses any way of inserting markup.

import { el } from "./api.js";

export { el };

function safeUrl(url) {
  try {
    const parsed = new URL(String(url), window.location.href);
    return ["http:", "https:", "data:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

// An image under review, with its address underneath: offline, or when the address does not
// load, the reviewer still reads where it points (a data: URL by its type and length).
export function image(url, alt) {
  const text = String(url);
  const src = safeUrl(text);
  const shown = text.startsWith("data:") ? `${text.slice(0, text.indexOf(",") + 1)}… (${text.length} characters)` : text;
  return el("figure", { className: "image" },
    src ? el("img", { src, alt, loading: "lazy", referrerPolicy: "no-referrer" }) : null,
    el("figcaption", {}, el("code", {}, shown)));
}

export function fact(term, value, extra = {}) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return [];
  return [el("dt", {}, term), el("dd", extra, said(value))];
}

// A value as a person reads it: lists joined, a mapping as `key: value` pairs, text unquoted.
export function said(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(said).join(", ");
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : said(v)}`).join("; ");
  return String(value);
}

// Age and time left move with the item's namespace clock: spans carry the instant they count from.
export function clockSpan(kind, iso, ns) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return el("span", { className: `tick ${kind}`, dataset: { at: String(at / 1000), ns, kind } });
}

let fieldSeq = 0;
export function fieldId(prefix) {
  fieldSeq += 1;
  return `${prefix}-${fieldSeq}`;
}

export function labelled(text, input, hint) {
  const id = input.id || fieldId("f");
  input.id = id;
  return el("div", { className: "field" }, el("label", { htmlFor: id }, text), input, hint ? el("small", {}, hint) : null);
}

export function button(text, onclick, extra = {}) {
  return el("button", { type: "button", onclick, ...extra }, text);
}

export function bounds(low, high, unit) {
  if (low === null && high === null) return "";
  if (low === null || low === undefined) return `at most ${high}${unit}`;
  if (high === null || high === undefined) return `at least ${low}${unit}`;
  return `${low}–${high}${unit}`;
}
