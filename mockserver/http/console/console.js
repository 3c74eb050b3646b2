// The reviewer console: the queue of every vendor's and namespace's items, kept live by a
// long-poll on /_mockserver/wait/changes, and the wiring of every panel.

import { call, duration, el, replaceChildren, setToken, takeTokenFromUrl, token } from "./api.js";
import { clockSpan, said } from "./parts.js";
import { actionForm, formKey, isOpen, loadViews, phase, title, view } from "./views.js";
import {
  refreshClock, refreshDeliveries, refreshJournal, refreshNamespaces, refreshScenario,
  wireClock, wireNamespaces, wireScenario,
} from "./panels.js";

const $ = (id) => document.getElementById(id);
const MAX_ITEMS = 200;
let clocks = {}; // namespace -> {timestamp, rate, fetched (ms)}
const cards = new Map(); // "namespace|vendor|id" -> card element

function virtualNow(ns) {
  const clock = clocks[ns];
  if (!clock) return Date.now() / 1000;
  return clock.timestamp + ((performance.now() - clock.fetched) / 1000) * clock.rate;
}

function tick() {
  for (const span of document.querySelectorAll("span.tick")) {
    const now = virtualNow(span.dataset.ns);
    const at = Number(span.dataset.at);
    if (span.dataset.kind === "age") span.textContent = duration(now - at);
    else if (span.dataset.kind === "left") span.textContent = at > now ? duration(at - now) : "due";
    else span.textContent = at > now ? `in ${duration(at - now)}` : "now";
  }
}

function facts(item) {
  const list = [el("dt", {}, "age"), el("dd", {}, clockSpan("age", item.created_at, item.namespace))];
  return el("dl", { className: "facts" }, list, view(item.vendor).facts(item));
}

function content(item) {
  return el("div", { className: "content" }, view(item.vendor).content(item));
}

function upcoming(item) {
  if (!item.next || !item.next.length) {
    return el("p", { className: "next" }, item.waiting ? "Nothing scheduled: it waits for you." : "Decided: nothing left to happen.");
  }
  return el("div", { className: "next" }, el("h4", {}, "What the scenario does next"), el("ul", {}, item.next.map((t) => {
    const args = t.args && Object.keys(t.args).length ? ` (${said(t.args)})` : "";
    const by = t.by ? ` by ${t.by}` : "";
    return el("li", {}, el("strong", {}, `${t.action}${args}${by}`), " ", clockSpan("due", t.at, item.namespace),
      ` (at ${t.at})`, t.where ? el("small", {}, ` — ${t.where}`) : null);
  })));
}

function header(item) {
  const heading = `${title(item.vendor)} ${item.kind}`;
  return el("header", {}, el("h3", {}, heading, " ", el("code", {}, item.id)),
    el("span", { className: `state ${item.status}` }, item.status),
    el("span", { className: "ns" }, `namespace ${item.namespace || "(default)"}`));
}

function actor(item, card) {
  const errors = card.querySelector(".act-error");
  const act = async (step) => {
    errors.textContent = "";
    try {
      await call("POST", `/items/${encodeURIComponent(item.vendor)}/${encodeURIComponent(item.id)}`, { json: step, ns: item.namespace });
      refresh();
    } catch (error) {
      errors.textContent = error.describe ? error.describe() : String(error);
    }
  };
  act.by = () => ($("reviewer").value ? { by: $("reviewer").value } : {});
  return act;
}

function updateCard(card, item) {
  card.dataset.status = item.status;
  card.dataset.phase = phase(item);
  card.querySelector(".view").replaceChildren(header(item), facts(item), content(item), upcoming(item));
  const key = formKey(item);
  if (card.dataset.form !== key) {
    card.dataset.form = key;
    const acts = card.querySelector(".acts");
    const hadFocus = acts.contains(document.activeElement);
    const form = actionForm(item, actor(item, card));
    acts.replaceChildren(...(form ? [form] : []));
    card.querySelector(".act-error").textContent = "";
    // a keyboard user who just acted stays on the item: on its next control, or on the card
    if (hadFocus) (acts.querySelector("button, input, select, textarea") || card).focus();
  }
}

async function refreshItems() {
  const query = { all: $("queue-all").checked ? 1 : undefined, vendor: $("queue-vendor").value, limit: MAX_ITEMS };
  const answer = await call("GET", "/items", { query });
  const fetched = performance.now();
  clocks = {};
  for (const [ns, c] of Object.entries(answer.clocks)) {
    clocks[ns] = { timestamp: c.timestamp, rate: c.mode === "manual" ? 0 : c.scale, fetched };
  }
  let items = answer.items;
  for (const item of items) item.waiting = isOpen(item);
  if ($("queue-open").checked) items = items.filter((item) => item.waiting);
  items = items.slice(-MAX_ITEMS).reverse();
  const list = $("items");
  const seen = new Set();
  let previous = null;
  for (const item of items) {
    const key = `${item.namespace}|${item.vendor}|${item.id}`;
    seen.add(key);
    let card = cards.get(key);
    if (!card) {
      card = el("article", { className: "item", tabIndex: -1, dataset: { key, vendor: item.vendor, id: item.id } },
        el("div", { className: "view" }), el("div", { className: "acts" }), el("p", { className: "act-error", role: "alert" }));
      cards.set(key, card);
    }
    updateCard(card, item);
    const place = previous ? previous.nextSibling : list.firstChild;
    if (place !== card) list.insertBefore(card, place);
    previous = card;
  }
  for (const [key, card] of cards) {
    if (!seen.has(key)) {
      card.remove();
      cards.delete(key);
    }
  }
  if (!items.length) replaceChildren(list, el("p", { className: "empty" }, "Nothing to review yet: items appear here as your application sends them."));
  else list.querySelector("p.empty")?.remove();
  $("queue-count").textContent = `${items.length} of ${answer.count}`;
  tick();
}

let refreshing = null;
let again = false;

// Redraw everything; calls that arrive while one runs fold into one more pass.
export async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const results = await Promise.allSettled([
        refreshItems(), refreshClock(), refreshDeliveries(refresh), refreshJournal(), refreshScenario(), refreshNamespaces(refresh),
      ]);
      const failed = results.find((r) => r.status === "rejected");
      showLive(failed ? failed.reason : null);
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function showLive(error) {
  const live = $("live");
  if (!error) {
    live.textContent = "live";
    live.className = "live ok";
  } else if (error.status === 401 || error.status === 403) {
    live.textContent = `the control plane refused the call (${error.message}): give the control token`;
    live.className = "live bad";
  } else {
    live.textContent = `cannot reach the sandbox: ${error.describe ? error.describe() : error}`;
    live.className = "live bad";
  }
}

async function follow() {
  let version;
  for (;;) {
    try {
      const answer = await call("GET", "/wait/changes", { query: { since: version, timeout: 25 } });
      if (answer.changed || version === undefined) {
        version = answer.version;
        await refresh();
        // a sandbox under load changes all the time: redraw at most a few times a second
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (error) {
      showLive(error);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

// The vendor filters list the sandbox's vendors: the queue's by title, the logs' by name.
function vendorOptions(vendors) {
  for (const v of vendors) {
    $("queue-vendor").append(el("option", { value: v.name }, title(v.name)));
    for (const id of ["hook-vendor", "journal-vendor"]) $(id).append(el("option", { value: v.name }, v.name));
  }
}

async function boot() {
  takeTokenFromUrl();
  vendorOptions(await loadViews());
  $("token").value = token();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setToken($("token").value.trim());
    refresh();
  });
  for (const id of ["queue-vendor", "queue-open", "queue-all"]) $(id).addEventListener("change", () => refresh());
  for (const id of ["hook-vendor", "hook-event", "hook-state", "journal-vendor", "journal-method", "journal-path", "journal-status"]) {
    $(id).addEventListener("change", () => refresh());
  }
  for (const id of ["queue-filter", "hook-filter", "journal-filter"]) {
    $(id).addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
  }
  wireClock(refresh);
  wireScenario(refresh);
  wireNamespaces(refresh);
  setInterval(tick, 1000);
  follow();
}

boot();
