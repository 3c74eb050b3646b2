"""The `trigger` verbs, derived from what the sandbox says about its vendors.

`GET /_mockserver/vendors` lists each vendor's reviewer words with their settings (name -> JSON
Schema). Every word becomes a verb (`mockserver trigger WORD ID`), and every setting an option
(`--choose`, `--harmful`, `--note`, ...) whose value is read as the setting's schema accepts it:
`true`/`false`, text, a number, JSON (`{...}`, `[...]`), a comma-separated list, or a list of one.
A setting that takes text or a whole number also gets `--NAME-index N`, the number form; a
setting that takes a list may be repeated. `--set KEY=VALUE` sends any setting (VALUE read as
JSON when it is JSON). When the sandbox cannot be reached, the words come from the vendors
installed here, so `--help` still works.

Standard library only at import time: the vendor packages load only for that fallback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Options every item verb has already; a setting of that name is sent with --set instead.
RESERVED = frozenset({"id", "by", "vendor", "url", "namespace", "json", "set", "help", "after"})

Schema = Mapping[str, Any]


@dataclass
class Verb:
    """One reviewer word across the vendors that have it."""

    word: str
    vendors: list[tuple[str, str]] = field(default_factory=list)  # (title, description)
    settings: dict[str, Schema] = field(default_factory=dict)
    bare: bool = True  # every vendor with the word takes it alone

    def help(self) -> str:
        return "; ".join(f"{title}: {text}" for title, text in self.vendors)


def verbs_of(described: Sequence[Mapping[str, Any]]) -> dict[str, Verb]:
    """The verbs, in the order the vendors declare their words, from `GET /vendors`."""
    verbs: dict[str, Verb] = {}
    for vendor in described:
        for action in vendor.get("actions", []):
            verb = verbs.setdefault(str(action["word"]), Verb(str(action["word"])))
            verb.vendors.append((str(vendor.get("title") or vendor["name"]), action["description"]))
            for name, schema in (action.get("settings") or {}).items():
                verb.settings.setdefault(str(name), schema if isinstance(schema, dict) else {})
            verb.bare = verb.bare and bool(action.get("bare", True))
    return verbs


def local_vendors() -> list[dict[str, Any]]:
    """What a sandbox started here would say (the fallback when none answers)."""
    from mockserver.registry import vendors

    return [v.describe() for v in vendors()]


# -- reading a value as its schema accepts it --------------------------------------------------
def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    types: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "boolean": bool,
        "array": list,
        "object": dict,
        "null": type(None),
    }
    return isinstance(value, types.get(kind, object))


def accepts(schema: Any, value: Any) -> bool:
    """Whether `value` fits `schema` (the keywords a setting's schema uses: anyOf, oneOf, type,
    enum, const, pattern, minLength, minimum, maximum, items, minItems); unknown ones pass."""
    if not isinstance(schema, Mapping):
        return True
    for key in ("anyOf", "oneOf"):
        if key in schema and not any(accepts(s, value) for s in schema[key]):
            return False
    if "enum" in schema and not any(value == e and type(value) is type(e) for e in schema["enum"]):
        return False
    if "const" in schema and value != schema["const"]:
        return False
    kind = schema.get("type")
    if kind is not None and not any(
        _is(value, k) for k in ([kind] if isinstance(kind, str) else kind)
    ):
        return False
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        if len(value) < schema.get("minLength", 0):
            return False
    if _is(value, "number") and not schema.get("minimum", value) <= value <= schema.get(
        "maximum", value
    ):
        return False
    if isinstance(value, list):
        if "items" in schema and not all(accepts(schema["items"], v) for v in value):
            return False
        if len(value) < schema.get("minItems", 0):
            return False
    return True


def _alternatives(schema: Any) -> list[Mapping[str, Any]]:
    if not isinstance(schema, Mapping):
        return []
    nested = [
        a for key in ("anyOf", "oneOf") for s in schema.get(key, []) for a in _alternatives(s)
    ]
    return [schema, *nested]


def _types(schema: Any) -> set[str]:
    kinds: set[str] = set()
    for alt in _alternatives(schema):
        kind = alt.get("type")
        kinds.update([kind] if isinstance(kind, str) else kind or [])
    return kinds


def _items(schema: Any) -> Any:
    """The schema of one element, for a setting that takes a list."""
    return next((a["items"] for a in _alternatives(schema) if "items" in a), {})


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def read_value(text: str, schema: Any) -> Any:
    """`text` as the first form `schema` accepts (see the module docstring); the text itself
    when none does (the sandbox then says what it wanted)."""
    candidates: list[Any] = []
    if text.strip().lower() in ("true", "false"):
        candidates.append(text.strip().lower() == "true")
    candidates.append(text)
    number = _number(text.strip())
    if number is not None:
        candidates.append(number)
    if text.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            candidates.append(json.loads(text))
    found = next((c for c in candidates if accepts(schema, c)), None)
    if found is not None or "array" not in _types(schema):
        return text if found is None else found
    items = _items(schema)  # a list: comma-separated, else of this one value
    lists = [[read_value(text, items)]]
    if "," in text:
        lists.insert(0, [read_value(p.strip(), items) for p in text.split(",") if p.strip()])
    return next((c for c in lists if accepts(schema, c)), text)


def read_values(texts: Sequence[str], schema: Any) -> Any:
    """A repeated option: a list when the setting takes one, else the last value."""
    if len(texts) == 1 or "array" not in _types(schema):
        return read_value(texts[-1], schema)
    return [read_value(t, _items(schema)) for t in texts]


# -- the parser and the step --------------------------------------------------------------------
def _metavar(schema: Any) -> str:
    kinds = _types(schema)
    if kinds == {"boolean"}:
        return "true|false"
    if kinds and kinds <= {"integer", "number"}:
        return "N"
    return "X"


def add_verbs(
    words: argparse._SubParsersAction[argparse.ArgumentParser],
    verbs: Mapping[str, Verb],
    item_parser: Callable[[argparse._SubParsersAction[argparse.ArgumentParser], str, str], Any],
) -> None:
    """One sub-command per verb, with an option per setting."""
    for verb in verbs.values():
        p = item_parser(words, verb.word, verb.help())
        for name, schema in verb.settings.items():
            if name in RESERVED:
                continue
            flag = "--" + name.replace("_", "-")
            text = str(schema.get("description") or name)
            kinds = _types(schema)
            if "array" in kinds:
                text += "; repeatable"
            p.add_argument(
                flag, dest=f"set_{name}", action="append", metavar=_metavar(schema), help=text
            )
            if {"string", "integer"} <= kinds:
                p.add_argument(
                    f"{flag}-index",
                    dest=f"index_{name}",
                    type=int,
                    metavar="N",
                    help=f"{name} as a 0-based index",
                )
        p.add_argument(
            "--set",
            dest="settings",
            action="append",
            default=[],
            type=_setting,
            metavar="KEY=VALUE",
            help="any setting, VALUE read as JSON when it is JSON, else as text; repeatable",
        )


def _setting(pair: str) -> tuple[str, Any]:
    """`--set KEY=VALUE`: VALUE as JSON when it is JSON, else as text."""
    key, sep, raw = pair.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{pair!r}: give KEY=VALUE")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


def step_of(args: argparse.Namespace, verbs: Mapping[str, Verb]) -> Any:
    """The step (scenario format) the parsed verb sends."""
    verb = verbs[args.action]
    spec: dict[str, Any] = {"by": args.by} if args.by else {}
    for name, schema in verb.settings.items():
        texts = getattr(args, f"set_{name}", None)
        if texts:
            spec[name] = read_values(texts, schema)
        index = getattr(args, f"index_{name}", None)
        if index is not None:
            spec[name] = index
    spec.update(args.settings)
    if spec or (verb.settings and not verb.bare):
        return {verb.word: spec}
    return verb.word
