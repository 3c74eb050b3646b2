// HITL.sh in the reviewer console: a request's loop, response type and answer, and its answer
// form by response type (mockserver/http/console/parts.js says what a vendor's view exports).

import { bounds, button, clockSpan, el, fact, fieldId, image, labelled } from "../parts.js";

export function facts(item) {
  const list = [];
  if (item.waiting && item.timeout_at) {
    list.push(el("dt", {}, "time left"), el("dd", {}, clockSpan("left", item.timeout_at, item.namespace), ` (times out ${item.timeout_at})`));
  }
  list.push(...fact("loop", item.loop), ...fact("priority", item.priority), ...fact("response type", item.response_type),
    ...fact("claimed by", item.claimed_by), ...fact("answered by", item.response_by),
    ...fact("answer", item.response_data), ...fact("default response", item.default_response),
    ...fact("context", item.context), ...fact("rule", item.rule));
  return list;
}

export function content(item) {
  const parts = [el("p", { className: "text" }, item.text ?? item.summary)];
  if (item.image_url) parts.push(image(item.image_url, "image attached to the request"));
  return parts;
}

function answer(item, act) {
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

// The buttons follow the words the request offers now (`item.actions`, from the action table and
// the lifecycle), so no status is named here.
export function form(item, act) {
  const buttons = el("div", { className: "buttons" });
  const offers = (word) => (item.actions || []).includes(word);
  if (offers("claim")) buttons.append(button("Claim", () => act({ claim: act.by() })));
  if (offers("release")) buttons.append(button("Release", () => act("release")));
  // By hand, `timeout` times the request out at once, with its default response.
  if (offers("timeout")) buttons.append(button("Time out now", () => act("timeout"), { title: "times out at once, with its default response" }));
  if (offers("cancel")) buttons.append(button("Cancel request", () => act("cancel")));
  return el("div", {}, buttons, offers("respond") ? answer(item, act) : null);
}
