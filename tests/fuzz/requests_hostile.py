"""Hostile variants of the requests each description allows: a valid case generated from an
operation (schemathesis, positive mode), then one of its fields (or a field the operation
declares), a query parameter or the whole body replaced with something hostile
(hostile.py), written to the wire as a client would write it: JSON with `\\uXXXX` escapes,
urlencoded or multipart forms (text parts in any charset)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from schemathesis.core import NotSet

from . import hostile


@dataclass
class Wire:
    """One request as sent: method, URL, query, headers and body bytes."""

    method: str
    url: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes | None = None
    note: str = ""

    def describe(self) -> str:
        body = "" if self.body is None else f" body={self.body[:160]!r}"
        size = "" if self.body is None or len(self.body) <= 160 else f" ({len(self.body)} bytes)"
        return f"{self.method} {self.url} params={self.params!r}{body}{size} [{self.note}]"


@dataclass
class Body:
    """Where a case's body can be changed: its fields, by path."""

    value: Any
    paths: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.paths = list(_leaves(self.value, ()))


def _leaves(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*path, index)
            yield from _leaves(value, (*path, index))


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _set(node.get(head), rest, value)}
    if isinstance(node, list) and isinstance(head, int) and head < len(node):
        return [*node[:head], _set(node[head], rest, value), *node[head + 1 :]]
    return node


def declared_fields(doc: Mapping[str, Any], definition: Mapping[str, Any]) -> list[str]:
    """The top-level body fields an operation declares, through `$ref`s and combinations."""
    found: list[str] = []

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = doc
            for part in str(node["$ref"]).lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def walk(schema: Any, depth: int = 0) -> None:
        schema = resolve(schema)
        if not isinstance(schema, dict) or depth > 5:
            return
        found.extend(k for k in schema.get("properties", {}) if k not in found)
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, []):
                walk(part, depth + 1)

    body = resolve(definition.get("requestBody", {}))
    for content in body.get("content", {}).values():
        walk(content.get("schema", {}))
    return found


def _form_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=True)


def _utf8(text: str) -> bytes:
    """As a buggy client encodes a lone surrogate: its three bytes (CESU-style)."""
    return text.encode("utf-8", "surrogatepass")


def urlencoded(fields: Mapping[str, Any]) -> bytes:
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            name = quote(_utf8(str(key)), safe="")
            pairs.append(f"{name}={quote(_utf8(_form_text(item)), safe='')}")
    return "&".join(pairs).encode("ascii")


def multipart(fields: Mapping[str, Any], charset: str, rng: random.Random) -> tuple[bytes, str]:
    """A multipart body whose text parts declare `charset` (or, for some parts, none)."""
    boundary = uuid.UUID(int=rng.getrandbits(128)).hex
    chunks: list[bytes] = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            text = _form_text(item)
            try:
                data = text.encode(charset) if charset else _utf8(text)
            except (LookupError, UnicodeError, ValueError, TypeError):
                data = _utf8(text)
            header = f'Content-Disposition: form-data; name="{key}"'
            if charset and rng.random() < 0.9:
                header += f"\r\nContent-Type: text/plain; charset={charset}"
            chunks.append(
                f"--{boundary}\r\n".encode() + _utf8(header) + b"\r\n\r\n" + data + b"\r\n"
            )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class Mutation(dict[str, Any]):
    """A mutation, shown short (a failing case's value may be 60 KiB long)."""

    def __repr__(self) -> str:
        value = repr(self.get("value"))
        shown = value if len(value) <= 80 else f"{value[:60]}...({len(value)} characters)"
        return f"Mutation(kind={self.get('kind')!r}, value={shown}, pick={self.get('pick')})"


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    """What to change in a case: a field (`leaf`), a declared field, a query parameter, the
    whole body, or the charset of a multipart body."""
    kind = draw(st.sampled_from(("leaf", "declared", "declared", "query", "raw", "charset")))
    return Mutation(
        {
            "kind": kind,
            "value": draw(hostile.values()),
            "raw": draw(st.sampled_from(hostile.RAW_BODIES)),
            "charset": draw(st.sampled_from(hostile.charsets())),
            "pick": draw(st.integers(min_value=0, max_value=10_000)),
            "seed": draw(st.integers(min_value=0, max_value=2**32)),
        }
    )


def media_types(doc: Mapping[str, Any], definition: Mapping[str, Any]) -> list[str]:
    """The content types an operation's body may have."""
    body: Any = definition.get("requestBody", {})
    while isinstance(body, dict) and "$ref" in body:
        target: Any = doc
        for part in str(body["$ref"]).lstrip("#/").split("/"):
            target = target[part]
        body = target
    return list(body.get("content", {})) if isinstance(body, dict) else []


def core_mutations(fields: list[str], offset: int, multipart: bool) -> list[dict[str, Any]]:
    """`make test`'s fixed cases for one operation: each CORE value in a declared field (the
    text fields first, then the others in turn from `offset`), and a multipart body in each
    CORE charset."""
    ordered = sorted(fields, key=_textual_rank) or ["q"]
    found = [
        {
            "kind": "field",
            "field": ordered[0 if index % 2 == 0 else (offset + index) % len(ordered)],
            "value": value,
            "note": name,
            "raw": b"",
            "charset": "utf-8",
            "pick": 0,
            "seed": index,
        }
        for index, (name, value) in enumerate(hostile.CORE)
    ]
    found += [
        {
            "kind": "charset",
            "field": ordered[0],
            "value": "a-" + "b" * 100_000,
            "note": f"charset {charset}",
            "raw": b"",
            "charset": charset,
            "pick": 0,
            "seed": 0,
        }
        for charset in (hostile.CORE_CHARSETS if multipart else ())
    ]
    found.append({**found[0], "kind": "gzip", "note": "gzip bomb (64 MiB inflated)"})
    return found


TEXTUAL = ("text", "content", "title", "body", "name", "reason", "feedback", "url")


def _textual_rank(name: str) -> int:
    """Fields that hold a client's text first (`text_data`, `request_text`, `content`)."""
    return next((rank for rank, part in enumerate(TEXTUAL) if part in name), len(TEXTUAL))


def hostile_wire(case: Any, base: str, mutation: Mapping[str, Any], fields: list[str]) -> Wire:
    """The request of `case` (schemathesis), with `mutation` applied."""
    sent = case.as_transport_kwargs(base_url=base)
    headers = {k: v for k, v in (sent.get("headers") or {}).items() if k.lower() != "content-type"}
    headers.pop("X-Schemathesis-TestCaseId", None)
    params = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in sent["params"].items()}
    wire = Wire(case.method, sent["url"], params, headers, note=mutation["kind"])
    kind, value, pick = mutation["kind"], mutation["value"], mutation["pick"]
    if kind == "raw":
        wire.body, wire.headers["Content-Type"] = mutation["raw"], "application/json"
        wire.note = "raw body"
        return wire
    if kind == "gzip":
        wire.body, wire.headers["Content-Type"] = hostile.gzip_bomb(), "application/json"
        wire.headers["Content-Encoding"] = "gzip"
        wire.note = mutation["note"]
        return wire
    media = case.media_type
    body = case.body if media and not isinstance(case.body, NotSet) else None
    paths = Body(body).paths if isinstance(body, (dict, list)) else []
    if kind == "query" or (not media and "field" not in mutation):
        names = [*params, *(f for f in fields if f not in params), "q"]
        name = names[pick % len(names)]
        params[name] = value if isinstance(value, str) else hostile.json_text(value)
        wire.note = f"query {name}"
    elif "field" in mutation and media:
        name = mutation["field"]
        if isinstance(body, dict) or body is None:
            body = {**(body or {}), name: value}
        wire.note = f"{mutation['note']} in field {name}"
    elif "field" in mutation:
        params[mutation["field"]] = value if isinstance(value, str) else hostile.json_text(value)
        wire.note = f"{mutation['note']} in query {mutation['field']}"
    elif kind == "leaf" and paths:
        path = paths[pick % len(paths)]
        body = _set(body, path, value)
        wire.note = f"field {'/'.join(map(str, path))}"
    elif isinstance(body, dict) or body is None:
        names = fields or ["text_data"]
        name = names[pick % len(names)]
        body = {**(body or {}), name: value}
        wire.note = f"field {name}"
    if not media:
        return wire
    if kind == "charset" or media.startswith("multipart/"):
        if not isinstance(body, dict):
            body = {"text_data": body}
        charset = mutation["charset"] if kind == "charset" else "utf-8"
        rng = random.Random(mutation["seed"])
        wire.body, wire.headers["Content-Type"] = multipart(body, charset, rng)
        wire.note += f" multipart charset={charset!r}"
    elif media == "application/x-www-form-urlencoded" and isinstance(body, dict):
        wire.body, wire.headers["Content-Type"] = urlencoded(body), media
    else:
        wire.body = hostile.json_text(body).encode("ascii")
        wire.headers["Content-Type"] = "application/json"
    return wire
