// Outharm in the reviewer console: a submission's components, and a verdict per component
// (mockserver/http/console/parts.js says what a vendor's view exports).

import { button, el, fact, fieldId, image, labelled } from "../parts.js";

export function facts(item) {
  return [...fact("schema", item.schema_id), ...fact("source", item.source), ...fact("appeal", item.appeal ? "yes" : null),
    ...fact("verdict", verdict(item.result))];
}

// A verdict as a reviewer says it: "harmful: title (spam); not harmful: images".
function verdict(result) {
  if (!result || !result.results) return null;
  const harmful = [];
  const fine = [];
  for (const [name, component] of Object.entries(result.results)) {
    const categories = [...new Set((component.detailed || []).flatMap((v) => v.categories || []))];
    if (component.is_harmful) harmful.push(categories.length ? `${name} (${categories.join(", ")})` : name);
    else fine.push(name);
  }
  const parts = [];
  if (harmful.length) parts.push(`harmful: ${harmful.join("; ")}`);
  if (fine.length) parts.push(`not harmful: ${fine.join(", ")}`);
  return parts.join(" · ");
}

export function content(item) {
  const parts = [];
  for (const [name, values] of Object.entries(item.content || {})) {
    const kind = (item.components || {})[name] || "text";
    parts.push(el("div", { className: "component" }, el("h4", {}, `${name} (${kind})`),
      values.map((v) => (kind === "image" ? image(v, `${name} image`) : el("p", { className: "text" }, v)))));
  }
  return parts;
}

export function form(item, act) {
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
    // `uphold` repeats the last verdict; a first review has none but automated scoring's
    button(item.appeal ? "Uphold previous verdict" : "Agree with automated scoring",
      () => act({ decide: { uphold: true, ...act.by() } }))));
}
