// The console's panels besides the queue: clock, webhook deliveries, journal, scenario and
// namespaces. Each `refresh*` reads the control plane and redraws its panel; each form makes
// the same control-plane call a test would, then reports the answer in the panel's status line.

import { call, duration, el, namespace, pretty, replaceChildren, setNamespace } from "./api.js";
import { said } from "./parts.js";

const $ = (id) => document.getElementById(id);

// Run a control-plane action from a form; its outcome goes to the panel's status line.
// `done(answer)` says what happened: a sentence, or {text, bad} for news that is not good
// (problems found), shown like a refusal.
export async function run(statusId, action, done) {
  const status = $(statusId);
  status.classList.remove("bad");
  status.textContent = "…";
  try {
    const answer = await action();
    const said = done ? done(answer) : "Done.";
    status.textContent = typeof said === "string" ? said : said.text;
    if (typeof said !== "string" && said.bad) status.classList.add("bad");
    return answer;
  } catch (error) {
    status.classList.add("bad");
    status.textContent = error.describe ? error.describe() : String(error);
    return null;
  }
}

const drawn = new WeakMap();
const expanded = new Set(); // the keys of the detail rows the user opened

// Redraw a table body only when its data changed, keeping the opened detail rows and the
// focused control (matched by their data-key) so a live update never takes the user's place.
function redraw(container, data, build) {
  const signature = JSON.stringify(data);
  if (drawn.get(container) === signature) return;
  drawn.set(container, signature);
  const active = document.activeElement;
  const focusKey = active && container.contains(active) ? active.dataset.key : null;
  replaceChildren(container, build());
  if (focusKey) {
    const again = [...container.querySelectorAll("[data-key]")].find((n) => n.dataset.key === focusKey);
    if (again) again.focus();
  }
}

function cells(...values) {
  return values.map((v) => (v instanceof Node ? el("td", {}, v) : el("td", {}, v === null || v === undefined ? "" : String(v))));
}

function block(title, value) {
  return el("div", {}, el("h4", {}, title), el("pre", {}, pretty(value)));
}

// A row's details (headers, bodies, attempts) open in a row of their own under it, across the
// whole table, so a long body never squeezes the other columns; `label` names the button.
function expandable(key, columns, label, content) {
  const open = expanded.has(key);
  // the body is as wide as the table, and no wider: it never widens a column (see the CSS)
  const detail = el("tr", { className: "detail", hidden: !open, dataset: { key: `detail-${key}` } },
    el("td", { colSpan: columns }, el("div", { className: "detail-body" }, content)));
  const toggle = el("button", {
    type: "button",
    className: "toggle",
    "aria-expanded": String(open),
    dataset: { key: `toggle-${key}` },
    onclick: () => {
      const opening = detail.hidden;
      detail.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening));
      if (opening) expanded.add(key);
      else expanded.delete(key);
    },
  }, label);
  return { toggle, detail };
}

// -- clock ---------------------------------------------------------------------------------------
export async function refreshClock() {
  const answer = await call("GET", "/clock/timers");
  const clock = answer.clock;
  $("clock-now").textContent = clock.now;
  $("clock-mode").textContent = clock.mode === "scaled" ? `scaled ×${clock.scale}` : clock.mode;
  redraw($("timers-body"), answer.timers.map((t) => [t.at, t.label, t.action, t.args, t.where]), () => {
    const rows = answer.timers.map((t) => el("tr", {}, cells(t.at, duration(t.in_seconds), t.label,
      t.action ? `${t.action}${t.args && Object.keys(t.args).length ? ` (${said(t.args)})` : ""}` : "", t.where || "")));
    return rows.length ? rows : el("tr", {}, el("td", { colSpan: 5 }, "no pending timers"));
  });
  $("timers-count").textContent = String(answer.count);
  return clock;
}

export function wireClock(refresh) {
  $("advance-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("clock-status", () => call("POST", "/clock/advance", { json: { by: $("advance-by").value.trim() } }),
      (a) => `Now ${a.now}; ${a.fired} timer(s) fired.`).then(refresh);
  });
  $("set-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("clock-status", () => call("POST", "/clock/set", { json: { time: $("set-time").value.trim() } }),
      (a) => `Now ${a.now}; ${a.fired} timer(s) fired.`).then(refresh);
  });
  $("mode-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const json = { mode: $("mode-select").value };
    if (json.mode === "scaled") json.scale = Number($("mode-scale").value);
    run("clock-status", () => call("POST", "/clock/mode", { json }), (a) => `Mode ${a.mode}.`).then(refresh);
  });
}

// -- webhook deliveries -----------------------------------------------------------------------
export async function refreshDeliveries(refresh) {
  const query = {
    vendor: $("hook-vendor").value,
    event: $("hook-event").value.trim(),
    state: $("hook-state").value,
  };
  const answer = await call("GET", "/deliveries", { query });
  redraw($("hooks-body"), answer.deliveries, () => deliveryRows(answer, refresh));
  $("hooks-count").textContent = `${Math.min(answer.count, 100)} shown of ${answer.count} matching (${answer.total} in all)`;
}

function deliveryRows(answer, refresh) {
  const rows = [];
  for (const d of answer.deliveries.slice(-100).reverse()) {
    const last = d.attempts[d.attempts.length - 1];
    const signature = Object.entries(d.headers).filter(([k]) => /signature|authorization|secret/i.test(k));
    const redeliver = el("button", {
      type: "button",
      dataset: { key: `redeliver-${d.id}` },
      onclick: () => run("hook-status", () => call("POST", `/deliveries/${encodeURIComponent(d.id)}/redeliver`),
        (a) => `Redelivery ${a.id} queued.`).then(refresh),
    }, "Redeliver");
    const { toggle, detail } = expandable(`delivery-${d.id}`, 8, "attempts, headers, body", [
      el("table", { className: "attempts" }, el("thead", {}, el("tr", {}, ["#", "at", "status", "error", "latency"].map((h) => el("th", {}, h)))),
        el("tbody", {}, d.attempts.map((a) => el("tr", {}, cells(a.number, a.at, a.status, a.error || (a.simulated ? "simulated" : ""), `${a.duration_ms} ms`))))),
      block("Headers", d.headers), block("Body", d.payload ?? d.body)]);
    rows.push(el("tr", { className: "delivery", dataset: { id: d.id, state: d.state } }, cells(
      d.id, d.vendor, d.event, el("span", { className: `state ${d.state}` }, d.state), d.url,
      last ? `${last.status ?? last.error} · ${last.duration_ms} ms` : "",
      signature.map(([k, v]) => `${k}: ${v}`).join("\n"), el("div", { className: "buttons" }, redeliver, toggle))), detail);
  }
  return rows.length ? rows : el("tr", {}, el("td", { colSpan: 8 }, "no deliveries"));
}

// -- journal ----------------------------------------------------------------------------------
export async function refreshJournal() {
  const query = {
    vendor: $("journal-vendor").value,
    method: $("journal-method").value,
    path: $("journal-path").value.trim(),
    status: $("journal-status").value.trim(),
    limit: 100,
  };
  const answer = await call("GET", "/journal", { query });
  redraw($("journal-body"), answer.entries, () => journalRows(answer));
  $("journal-count").textContent = `${answer.count} shown of ${answer.total}`;
}

// A lenience note: what the sandbox let through that the real service (or strict mode) refuses.
function lenienceNote(note) {
  if (!note || typeof note !== "object") return String(note);
  const parts = [note.rule ? `${note.rule}: ${note.real ?? ""}` : JSON.stringify(note)];
  if (note.detail) parts.push(String(note.detail));
  if (note.source) parts.push(`(${note.source})`);
  return parts.join(" ");
}

function journalRows(answer) {
  const rows = answer.entries.slice().reverse().map((e) => {
    const notes = Array.isArray(e.lenience) ? e.lenience : [];
    const { toggle, detail } = expandable(`call-${e.seq}`, 8, "request", [block("Query", e.query), block("Headers", e.headers),
      block("Body", e.body), e.response !== undefined ? block("Answer", e.response) : null]);
    return [el("tr", { className: "call" }, cells(e.seq, e.at, e.vendor, `${e.method} ${e.path}`, e.status,
      `${e.duration_ms} ms`, notes.length ? el("ul", { className: "lenience" }, notes.map((n) => el("li", {}, lenienceNote(n)))) : "",
      toggle)), detail];
  });
  return rows.length ? rows : el("tr", {}, el("td", { colSpan: 8 }, "no calls"));
}

// -- scenario ----------------------------------------------------------------------------------
export async function refreshScenario() {
  const s = await call("GET", "/scenario");
  $("scenario-name").textContent = s.name;
  $("scenario-source").textContent = s.source;
  $("scenario-description").textContent = s.description || "";
  replaceChildren($("scenario-problems"), s.problems.length ? s.problems.map((p) => el("li", {}, p)) : el("li", {}, "none"));
  // the scenarios loaded (from --scenario, or `mockserver load`) and the packaged ready-made ones
  const select = $("scenario-select");
  const keep = select.value;
  const option = (name) => el("option", { value: name, selected: name === (keep || s.name) }, name);
  redraw(select, [s.available, s.ready_made, s.name], () => [
    el("optgroup", { label: "loaded" }, s.available.map(option)),
    s.ready_made.length ? el("optgroup", { label: "ready-made" }, s.ready_made.map(option)) : null,
  ]);
  const reviewer = $("reviewer");
  const chosen = reviewer.value;
  redraw(reviewer, s.reviewers, () => [el("option", { value: "" }, "a scripted reviewer (random)"),
    s.reviewers.map((r) => el("option", { value: r.email, selected: r.email === chosen }, `${r.name} <${r.email}>`))]);
  return s;
}

function showProblems(answer) {
  const list = answer && answer.problems ? answer.problems : [];
  replaceChildren($("paste-problems"), list.map((p) => el("li", {}, p)));
}

export function wireScenario(refresh) {
  $("switch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("scenario-status", () => call("PUT", "/scenario", { json: { name: $("scenario-select").value } }),
      (a) => `Using ${a.name} (${a.source}).`).then(refresh);
  });
  const source = () => ({ source: $("paste-name").value.trim() || "pasted.yaml" });
  $("paste-check").addEventListener("click", () => {
    run("scenario-status", () => call("POST", "/scenario/validate", { text: $("paste-text").value, query: source() }),
      (a) => { showProblems(a); return a.valid ? "No problems." : { text: `${a.problems.length} problem(s).`, bad: true }; });
  });
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run("scenario-status", async () => {
      try {
        return await call("PUT", "/scenario", { text: $("paste-text").value, query: source() });
      } catch (error) {
        showProblems(error.body);
        throw error;
      }
    }, (a) => { showProblems(null); return `Using ${a.name} (${a.source}).`; }).then(refresh);
  });
}

// -- namespaces -------------------------------------------------------------------------------
export async function refreshNamespaces(refresh) {
  const answer = await call("GET", "/namespaces");
  const current = namespace();
  const names = answer.namespaces.includes(current) ? answer.namespaces : [...answer.namespaces, current];
  redraw($("namespace-select"), [names, current], () => names.map((n) => el("option", { value: n, selected: n === current }, n || "(default)")));
  $("namespace-current").textContent = current || "(default)";
  redraw($("namespaces-body"), [names, current], () => names.map((n) => el("tr", {}, cells(n || "(default)", n === current ? "viewing" : "",
    el("div", { className: "buttons" },
      el("button", { type: "button", dataset: { key: `view-${n}` }, onclick: () => { setNamespace(n); refresh(); } }, "View"),
      el("button", { type: "button", dataset: { key: `reset-${n}` }, onclick: () => run("ns-status", () => call("POST", "/reset", { ns: n }), () => `Reset ${n || "(default)"}.`).then(refresh) }, "Reset"),
      n ? el("button", { type: "button", dataset: { key: `drop-${n}` }, onclick: () => run("ns-status", () => call("DELETE", `/namespaces/${encodeURIComponent(n)}`), () => {
        if (n === namespace()) setNamespace(""); // viewing a dropped namespace would make it again
        return `Dropped ${n}.`;
      }).then(refresh) }, "Drop") : null)))));
}

export function wireNamespaces(refresh) {
  $("namespace-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setNamespace($("namespace-select").value);
    refresh();
  });
  $("namespace-new").addEventListener("submit", (event) => {
    event.preventDefault();
    setNamespace($("namespace-name").value.trim());
    $("namespace-name").value = "";
    refresh();
  });
  $("reset-current").addEventListener("click", () => {
    run("ns-status", () => call("POST", "/reset"), () => `Reset ${namespace() || "(default)"}.`).then(refresh);
  });
}
