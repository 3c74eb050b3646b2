// The one way the console talks to the sandbox: the public control plane under /_mockserver,
// with the control token (when the user gave one) and the chosen namespace on every call.
// Also the DOM helper every other file uses: text only ever goes in as textContent.

const PREFIX = "/_mockserver";
const TOKEN_KEY = "mockserver.token";
const NAMESPACE_KEY = "mockserver.namespace";

export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === "object" ? body : { error: String(body) };
    super(detail.error || `HTTP ${status}`);
    this.status = status;
    this.body = detail;
  }

  // The control API's message, with its detail and word list when it gives them.
  describe() {
    const parts = [this.message];
    if (this.body.detail) parts.push(String(this.body.detail));
    if (Array.isArray(this.body.problems)) parts.push(...this.body.problems.map(String));
    if (Array.isArray(this.body.actions)) parts.push(`actions: ${this.body.actions.join(", ")}`);
    if (this.body.data !== undefined && this.body.data !== null) {
      parts.push(typeof this.body.data === "string" ? this.body.data : JSON.stringify(this.body.data));
    }
    return parts.join(" — ");
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function namespace() {
  return sessionStorage.getItem(NAMESPACE_KEY) || "";
}

export function setNamespace(value) {
  sessionStorage.setItem(NAMESPACE_KEY, value);
}

// `?token=` on first load: keep it for this tab, then drop it from the address bar.
export function takeTokenFromUrl() {
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given !== null) {
    setToken(given);
    url.searchParams.delete("token");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
}

// call("GET", "/items", {query: {all: 1}}) -> the JSON answer; throws ApiError otherwise.
// `ns` overrides the namespace (acting on an item of another namespace).
export async function call(method, path, { query, json, text, ns, signal } = {}) {
  const url = new URL(PREFIX + path, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const headers = { Accept: "application/json" };
  const space = ns === undefined ? namespace() : ns;
  if (space) headers["X-Mockserver-Namespace"] = space;
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers["Content-Type"] = "application/yaml";
    body = text;
  }
  const response = await fetch(url, { method, headers, body, signal, cache: "no-store" });
  let answer = null;
  const raw = await response.text();
  try {
    answer = raw ? JSON.parse(raw) : null;
  } catch {
    answer = { error: raw.slice(0, 300) || `HTTP ${response.status}` };
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// el("td", {className: "x", onclick: f}, "text", child) — strings become text nodes.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof node[key] !== "function" && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

export function pretty(value) {
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

// 95 -> "1m 35s"; negative -> "-1m 35s".
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "";
  const sign = seconds < 0 ? "-" : "";
  let left = Math.round(Math.abs(seconds));
  const parts = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]]) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  if (left || !parts.length) parts.push(`${left}s`);
  return sign + parts.slice(0, 2).join(" ");
}
