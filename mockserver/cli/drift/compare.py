"""Structural comparison of two answers: status codes, the headers that matter, and the JSON
body's field names, JSON types and nesting; never the values.

A body becomes a map from JSON path (`$.data.loop.id`, `$.data.loops[*].id`: every element of an
array shares one path) to the set of JSON types seen there. A path on one side only, or with
other types, is a difference. Where one side cannot tell (a `null`, or an empty array), what
lies below is unknown, so it is noted, not counted: a `null` `response_data` on a pending
request is a value, not a form.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Shape = dict[str, set[str]]
ABSENT = "absent"


@dataclass(frozen=True)
class Difference:
    path: str
    real: str
    sandbox: str
    soft: bool = False
    """Only a value can tell (a null or an empty array on one side): noted, not counted."""

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "real": self.real, "sandbox": self.sandbox}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def shape(value: Any, path: str = "$", out: Shape | None = None, depth: int = 0) -> Shape:
    """Every path in `value` with the JSON types found there (bounded to 64 levels)."""
    out = {} if out is None else out
    out.setdefault(path, set()).add(json_type(value))
    if depth >= 64:
        return out
    if isinstance(value, dict):
        for key, item in value.items():
            shape(item, f"{path}.{key}", out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            shape(item, f"{path}[*]", out, depth + 1)
    return out


def rename_keys(value: Any, names: Mapping[str, str], depth: int = 0) -> Any:
    """`value` with object keys found in `names` renamed: a key that is a value the user gave
    (an Outharm component name) stands for its parameter (`{component}`), so two sides given
    different values still compare."""
    if not names or depth > 64:
        return value
    if isinstance(value, dict):
        return {names.get(k, k): rename_keys(v, names, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [rename_keys(v, names, depth + 1) for v in value]
    return value


def _opaque(s: Shape) -> set[str]:
    """Paths whose content this side cannot show: only ever null, or an array never filled."""
    return {
        p
        for p, types in s.items()
        if types == {"null"} or (types == {"array"} and f"{p}[*]" not in s)
    }


def _parent(path: str) -> str | None:
    if path == "$":
        return None
    if path.endswith("[*]"):
        return path[:-3]
    return path.rsplit(".", 1)[0]


def _under(path: str, roots: set[str]) -> bool:
    parent = _parent(path)
    while parent is not None:
        if parent in roots:
            return True
        parent = _parent(parent)
    return False


def _types(types: set[str] | None) -> str:
    return ABSENT if types is None else "|".join(sorted(types))


def compare_bodies(real: Any, sandbox: Any) -> list[Difference]:
    """Every path where the two bodies differ in structure; a missing subtree is named once,
    at its top."""
    rs, ss = shape(real), shape(sandbox)
    r_opaque, s_opaque = _opaque(rs), _opaque(ss)
    out: list[Difference] = []
    reported: set[str] = set()
    for path in sorted(set(rs) | set(ss)):
        rt, st = rs.get(path), ss.get(path)
        if rt == st or _under(path, reported):
            continue
        if rt is None or st is None:
            # Missing on one side: below something the other side could not show is soft.
            soft = _under(path, s_opaque if st is None else r_opaque)
            out.append(Difference(path, _types(rt), _types(st), soft))
            reported.add(path)
            continue
        real_kinds, sandbox_kinds = rt - {"null"}, st - {"null"}
        soft = not real_kinds or not sandbox_kinds or real_kinds == sandbox_kinds
        out.append(Difference(path, _types(rt), _types(st), soft))
    return out


def matching(headers: Mapping[str, str], patterns: Iterable[str]) -> dict[str, str]:
    """The headers (names lower-cased) matching any glob pattern."""
    pats = [p.lower() for p in patterns]
    return {
        k.lower(): v for k, v in headers.items() if any(fnmatch.fnmatch(k.lower(), p) for p in pats)
    }


def compare_headers(real: Mapping[str, str], sandbox: Mapping[str, str]) -> list[Difference]:
    """Presence of each header that matters; for Content-Type also the media type."""
    out: list[Difference] = []
    for name in sorted(set(real) | set(sandbox)):
        rv, sv = real.get(name), sandbox.get(name)
        path = f"headers.{name}"
        if rv is None or sv is None:
            out.append(Difference(path, _presence(rv), _presence(sv)))
        elif name == "content-type":
            rm, sm = _media(rv), _media(sv)
            if rm != sm:
                out.append(Difference(path, rm, sm))
    return out


def _presence(value: str | None) -> str:
    return ABSENT if value is None else "present"


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()
