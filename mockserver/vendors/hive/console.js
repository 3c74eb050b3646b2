// Hive in the reviewer console: a review task's post, rules and reports, and the Dashboard's
// actions or a dismissal (mockserver/http/console/parts.js says what a vendor's view exports).

import { button, el, fact, fieldId, image, labelled } from "../parts.js";

export const title = "Hive";

export function facts(item) {
  const review = item.review || {};
  return [...fact("api", item.api), ...fact("post", item.post_id), ...fact("user", item.user_id),
    ...fact("triggered rules", item.triggered_rules), ...fact("sent by", review.rule || review.source),
    ...fact("reports", review.reports), ...fact("decided by", review.decided_by), ...fact("actions taken", review.actions),
    ...fact("note", review.note)];
}

export function content(item) {
  if (item.text !== null && item.text !== undefined) return [el("p", { className: "text" }, item.text)];
  if (item.url) return [image(item.url, "posted image")];
  return [];
}

export function form(item, act) {
  const boxes = [];
  const set = el("fieldset", {}, el("legend", {}, "Dashboard actions"));
  for (const action of item.available_actions || []) {
    const box = el("input", { type: "checkbox", value: action, id: fieldId("action") });
    boxes.push(box);
    set.append(el("div", { className: "option" }, box, el("label", { htmlFor: box.id }, action)));
  }
  if (!boxes.length) set.append(el("small", {}, "no actions declared under hive.actions"));
  const note = el("input", { type: "text" });
  const withNote = (args) => (note.value ? { ...args, note: note.value } : args);
  return el("form", {
    className: "act-form",
    "aria-label": "Moderate the post",
    onsubmit: (event) => {
      event.preventDefault();
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      act({ decide: withNote({ action: chosen.length === 1 ? chosen[0] : chosen, ...act.by() }) });
    },
  }, set, labelled("Moderator note (optional)", note), el("div", { className: "buttons" },
    el("button", { type: "submit" }, "Take action"),
    button("Dismiss", () => act({ dismiss: withNote({ ...act.by() }) }))));
}
