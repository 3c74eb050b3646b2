// Acting on an item in its own form: a HITL request's response type, Outharm's verdict per
// component, Hive's dismiss or Dashboard action. Each form ends in one control-plane call,
// POST /_mockserver/items/{vendor}/{id} with a step in the scenario format, exactly what a test
// would send; the control API's refusal is shown as it is given.

import { el } from "./api.js";

let fieldSeq = 0;
function fieldId(prefix) {
  fieldSeq += 1;
  return `${prefix}-${fieldSeq}`;
}

function labelled(text, input, hint) {
  const id = input.id || fieldId("f");
  input.id = id;
  return el("div", { className: "field" }, el("label", { htmlFor: id }, text), input, hint ? el("small", {}, hint) : null);
}

function button(text, onclick, extra = {}) {
  return el("button", { type: "button", onclick, ...extra }, text);
}

function bounds(low, high, unit) {
  if (low === null && high === null) return "";
  if (low === null || low === undefined) return `at most ${high}${unit}`;
  if (high === null || high === undefined) return `at least ${low}${unit}`;
  return `${low}–${high}${unit}`;
}

// -- HITL.sh ------------------------------------------------------------------------------------
function hitlAnswer(item, act) {
  const form = item.answer_form || {};
  const type = item.response_type;
  const body = el("div", { className: "answer" });
  let read;
  if (type === "single_select" || type === "multi_select") {
    const multi = type === "multi_select";
    const name = fieldId("choice");
    const set = el("fieldset", {}, el("legend", {}, multi ? "Choose options" : "Choose one"));
    const inputs = [];
    for (const option of form.options || []) {
      const input = el("input", { type: multi ? "checkbox" : "radio", name, value: option.value, id: fieldId("opt") });
      inputs.push(input);
      set.append(el("div", { className: "option" }, input, el("label", { htmlFor: input.id }, option.label),
        option.description ? el("small", {}, ` ${option.description}`) : null));
    }
    if (multi) set.append(el("small", {}, `selections: ${bounds(form.min_selections, form.max_selections, "")}`));
    body.append(set);
    read = () => {
      const chosen = inputs.filter((i) => i.checked).map((i) => i.value);
      if (multi) return { choose_many: chosen };
      return { choose: chosen.length ? chosen[0] : null };
    };
  } else if (type === "rating" || type === "number") {
    const input = el("input", { type: "number", step: "any", inputMode: "decimal" });
    const unit = type === "number" && (form.prefix || form.suffix) ? ` (${form.prefix || ""}…${form.suffix || ""})` : "";
    body.append(labelled(type === "rating" ? "Rating" : `Number${unit}`, input, bounds(form.min_value, form.max_value, "")));
    read = () => ({ [type]: input.value === "" ? null : Number(input.value) });
  } else if (type === "boolean") {
    const name = fieldId("bool");
    const yes = el("input", { type: "radio", name, value: "true", id: fieldId("yes") });
    const no = el("input", { type: "radio", name, value: "false", id: fieldId("no") });
    body.append(el("fieldset", {}, el("legend", {}, "Answer"),
      el("div", { className: "option" }, yes, el("label", { htmlFor: yes.id }, form.true_label || "Yes")),
      el("div", { className: "option" }, no, el("label", { htmlFor: no.id }, form.false_label || "No"))));
    read = () => ({ boolean: yes.checked ? true : no.checked ? false : null });
  } else {
    const input = el("textarea", { rows: 3 });
    const limit = bounds(form.min_length || null, form.max_length, " characters");
    body.append(labelled("Answer text", input, limit));
    read = () => ({ text: input.value });
  }
  const submit = el("button", { type: "submit" }, "Send answer");
  return el("form", {
    className: "act-form",
    "aria-label": "Answer the request",
    onsubmit: (event) => {
      event.preventDefault();
      act({ respond: { ...read(), ...act.by() } });
    },
  }, body, submit);
}

function hitlForm(item, act) {
  const open = item.status === "pending" || item.status === "claimed";
  if (!open) return null;
  const buttons = el("div", { className: "buttons" });
  if (item.status === "pending") buttons.append(button("Claim", () => act({ claim: act.by() })));
  if (item.status === "claimed") buttons.append(button("Release", () => act("release")));
  buttons.append(button("Let it time out", () => act("timeout")), button("Cancel request", () => act("cancel")));
  return el("div", {}, buttons, hitlAnswer(item, act));
}

// -- Outharm ------------------------------------------------------------------------------------
function outharmForm(item, act) {
  if (item.status !== "queued") return null;
  const rows = [];
  const body = el("div", { className: "answer" });
  for (const component of Object.keys(item.content || {})) {
    const name = fieldId("verdict");
    const safe = el("input", { type: "radio", name, value: "false", checked: true, id: fieldId("safe") });
    const harmful = el("input", { type: "radio", name, value: "true", id: fieldId("harm") });
    const categories = el("input", { type: "text", placeholder: "e.g. spam, hate", id: fieldId("cat") });
    rows.push({ component, harmful, categories });
    body.append(el("fieldset", {}, el("legend", {}, component),
      el("div", { className: "option" }, safe, el("label", { htmlFor: safe.id }, "Not harmful")),
      el("div", { className: "option" }, harmful, el("label", { htmlFor: harmful.id }, "Harmful")),
      labelled("Categories (optional)", categories)));
  }
  const read = () => {
    const fields = {};
    for (const row of rows) {
      const cats = row.categories.value.split(",").map((c) => c.trim()).filter(Boolean);
      fields[row.component] = row.harmful.checked ? (cats.length ? cats : true) : false;
    }
    return fields;
  };
  return el("form", {
    className: "act-form",
    "aria-label": "Decide the submission",
    onsubmit: (event) => {
      event.preventDefault();
      act({ decide: { fields: read(), ...act.by() } });
    },
  }, body, el("div", { className: "buttons" },
    el("button", { type: "submit" }, "Send verdict"),
    button("Uphold previous verdict", () => act({ decide: { uphold: true, ...act.by() } }))));
}

// -- Hive ---------------------------------------------------------------------------------------
function hiveForm(item, act) {
  if (item.status !== "pending") return null;
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

const FORMS = { hitl: hitlForm, outharm: outharmForm, hive: hiveForm };

// The action area for an item, or null when nothing can be done to it any more.
export function actionForm(item, act) {
  const build = FORMS[item.vendor];
  return build ? build(item, act) : null;
}

// What the form depends on: rebuild it only when this changes, so typing is never lost.
export function formKey(item) {
  return `${item.status}|${(item.available_actions || []).join(",")}`;
}
