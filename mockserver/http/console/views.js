// Each vendor's view of its items: the sandbox lists its vendors (GET /_mockserver/ui/vendors.json)
// and the console loads the view of each vendor that declares one (Vendor.console_view: its
// folder's console.js, see parts.js); a vendor without one is shown generically. Acting on an
// item goes through its view's form, which ends in one control-plane call,
// POST /_mockserver/items/{vendor}/{id} with a step in the scenario format, exactly what a test
// would send; the control API's refusal is shown as it is given.

import { call, el } from "./api.js";

const GENERIC = {
  facts: () => [],
  content: (item) => [el("p", { className: "text" }, item.summary)],
  form: () => null,
};
const views = {};
const titles = {};
const waiting = {}; // vendor -> the statuses in which its items wait for a reviewer
const final = {}; // vendor -> the statuses after which nothing changes an item

// The vendors this sandbox serves ([{name, title}]), their views loaded; [] when unreachable.
export async function loadViews() {
  let answer;
  try {
    answer = await call("GET", "/ui/vendors.json");
  } catch {
    return [];
  }
  await Promise.all(answer.vendors.map(async (v) => {
    titles[v.name] = v.title;
    waiting[v.name] = v.waiting || [];
    final[v.name] = v.final || [];
    if (!v.view) return;
    try {
      views[v.name] = { ...GENERIC, ...(await import(`./vendors/${encodeURIComponent(v.name)}.js`)) };
    } catch (error) {
      console.error(`the console view of ${v.name} did not load`, error);
    }
  }));
  return answer.vendors;
}

export function view(vendor) {
  return views[vendor] || GENERIC;
}

// The vendor's name for people: its view's short `title` when it gives one, else its own.
export function title(vendor) {
  return view(vendor).title || titles[vendor] || vendor;
}

// Whether the item waits for a reviewer, as its vendor declares (Vendor.waiting).
export function isOpen(item) {
  return (waiting[item.vendor] || []).includes(item.status);
}

// Where the item is in its vendor's lifecycle (GET /_mockserver/ui/vendors.json): "waiting" for a
// reviewer, "final", or "moving" (neither); the page colours items by it, naming no status.
export function phase(item) {
  if (isOpen(item)) return "waiting";
  return (final[item.vendor] || []).includes(item.status) ? "final" : "moving";
}

// The action area for an item, or null when nothing can be done to it any more.
export function actionForm(item, act) {
  return item.waiting ? view(item.vendor).form(item, act) : null;
}

// What the form depends on: rebuild it only when this changes, so typing is never lost.
export function formKey(item) {
  const words = [...(item.actions || []), ...(item.available_actions || [])];
  return `${item.status}|${words.join(",")}|${(item.reviews || []).length}`;
}
