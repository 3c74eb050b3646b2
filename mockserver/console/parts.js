// The pieces an item's view is made of, shared by the console and by each vendor's own view.
//
// A vendor shows its items its own way through `console.js` in its folder
// (mockserver/vendors/<name>/console.js, declared by its `Vendor.console_view()` and served as
// /_mockserver/ui/vendors/<name>.js), an ES module that may export:
//   title              a short name for headings and filters (default: the vendor's title);
//   open               the statuses in which an item waits for a reviewer (the queue filter);
//   facts(item)        <dt>/<dd> pairs shown under the item's age;
//   content(item)      the nodes of what is under review (text, images, components);
//   form(item, act)    the action area, or null when nothing can be done to the item any more;
//                      `act(step)` sends one step in the scenario format to
//                      POST /_mockserver/items/{vendor}/{id}; `act.by()` is `{by}` or {}.
// A vendor without one is shown generically: its summary, and no form.

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

export function image(url, alt) {
  const src = safeUrl(url);
  return src ? el("img", { src, alt, loading: "lazy", referrerPolicy: "no-referrer" }) : el("code", {}, String(url));
}

export function fact(term, value, extra = {}) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return [];
  const shown = typeof value === "object" ? JSON.stringify(value) : String(value);
  return [el("dt", {}, term), el("dd", extra, shown)];
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
