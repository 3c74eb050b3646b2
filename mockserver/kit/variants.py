"""Documented variants: the places where a vendor's own documents disagree, as named choices.

A `Variant` (named `vendor.name`) lists its documented `Form`s, each with the document that
shows it and a `Shape` that recognises it in an answer or webhook, plus a default: the form
with the strongest evidence of what the live service sends (the vendor's own production
integrations, then its OpenAPI file, then its newest documentation pages, then the seed
documents' prose; on a tie, the seeds), with that evidence in `evidence`. A `merged` form
("send every form at once") may exist, available by name, never the default. Vendors declare
their variants (`Vendor.variants()`); this module knows none by name.

A `Selection` is the form chosen for every variant of a world, the most specific and latest
choice winning: the defaults, then `--variant vendor.name=form` (settings, the whole server),
then the scenario's `variants:` map (one namespace's scenario), then a control call
(`PUT /_mockserver/variants`: that namespace until its next reset or scenario change).
`match_forms` says which forms a JSON answer matches (the later `mockserver drift` tool
compares a real service's answers with it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_MISSING = object()


def lookup(doc: Any, path: str) -> Any:
    """The value at a dotted path (`data.request.id`; `status.0.response` indexes a list;
    `headers.X-Name` for headers), or a sentinel when absent. Keys match without case too."""
    node = doc
    for part in path.split(".") if path else ():
        if isinstance(node, list) and part.isdigit():
            if int(part) < len(node):
                node = node[int(part)]
                continue
            return _MISSING
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
                continue
            lowered = {str(k).lower(): v for k, v in node.items()}
            if part.lower() in lowered:
                node = lowered[part.lower()]
                continue
        return _MISSING
    return node


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@dataclass(frozen=True)
class Shape:
    """A JSON-path signature: these paths present, those absent, these with this JSON type
    (`string`, `object`, `array`, `number`, `boolean`, `null`), these with this exact value,
    these string values starting with a prefix."""

    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)
    equals: Mapping[str, Any] = field(default_factory=dict)
    prefix: Mapping[str, str] = field(default_factory=dict)
    pattern: Mapping[str, str] = field(default_factory=dict)
    """String values that match these regular expressions whole."""

    def matches(self, doc: Any) -> bool:
        if any(lookup(doc, p) is _MISSING for p in self.has):
            return False
        if any(lookup(doc, p) is not _MISSING for p in self.lacks):
            return False
        for path, kind in self.types.items():
            value = lookup(doc, path)
            wanted = _TYPES[kind]
            if value is _MISSING or not isinstance(value, wanted):
                return False
            if kind == "number" and isinstance(value, bool):
                return False
        if any(lookup(doc, p) != v for p, v in self.equals.items()):
            return False
        for path, start in self.prefix.items():
            value = lookup(doc, path)
            if not isinstance(value, str) or not value.startswith(start):
                return False
        for path, regex in self.pattern.items():
            value = lookup(doc, path)
            if not isinstance(value, str) or not re.fullmatch(regex, value):
                return False
        return True

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("has", "lacks"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        for name in ("types", "equals", "prefix", "pattern"):
            if getattr(self, name):
                out[name] = dict(getattr(self, name))
        return out


@dataclass(frozen=True)
class Form:
    name: str
    source: str
    """The document (and where in it) that shows this form."""
    description: str
    shape: Shape = field(default_factory=Shape)


MERGED = "merged"


@dataclass(frozen=True)
class Variant:
    name: str
    """`vendor.name`, e.g. `hitl.webhook_body`."""
    description: str
    subject: str
    """What `Shape`s are matched against, e.g. "the answer to POST .../requests"."""
    forms: tuple[Form, ...]
    default: str
    evidence: str = ""
    """What decided the default: the strongest public evidence of what the live service sends
    (a repository path at a commit, or a documentation URL)."""

    def __post_init__(self) -> None:
        names = [f.name for f in self.forms]
        if self.default not in names or self.default == MERGED:
            raise ValueError(f"{self.name}: default {self.default!r} must be a documented form")
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: form names must be unique")

    @property
    def vendor(self) -> str:
        return self.name.partition(".")[0]

    @property
    def form_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.forms)

    def form(self, name: str) -> Form:
        for f in self.forms:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_json(self, chosen: str | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "subject": self.subject,
            "default": self.default,
            "evidence": self.evidence,
            "current": chosen or self.default,
            "forms": [
                {
                    "name": f.name,
                    "source": f.source,
                    "description": f.description,
                    "shape": f.shape.describe(),
                }
                for f in self.forms
            ],
        }


def match_forms(variant: Variant, doc: Any) -> list[str]:
    """The forms of `variant` whose shape `doc` matches, documented forms first (a merged
    answer matches several; `merged` is listed only when no single form explains it alone)."""
    found = [f.name for f in variant.forms if f.name != MERGED and f.shape.matches(doc)]
    merged = MERGED in variant.form_names and variant.form(MERGED).shape.matches(doc)
    if merged and len(found) != 1:
        found.append(MERGED)
    return found


class VariantError(ValueError):
    """A variant or form name that does not exist; the message suggests the closest one."""


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


class VariantRegistry:
    """Every vendor's variants, by name."""

    def __init__(self, variants: Iterable[Variant]) -> None:
        self._by_name: dict[str, Variant] = {}
        for v in variants:
            if v.name in self._by_name:
                raise ValueError(f"variant {v.name} declared twice")
            self._by_name[v.name] = v

    def __iter__(self) -> Iterator[Variant]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def get(self, name: str) -> Variant:
        try:
            return self._by_name[name]
        except KeyError:
            hint = _suggest(name, self._by_name) or f" (variants: {', '.join(self._by_name)})"
            raise VariantError(f"unknown variant {name!r}{hint}") from None

    def check(self, name: str, form: str) -> None:
        variant = self.get(name)
        if form not in variant.form_names:
            hint = _suggest(form, variant.form_names) or (
                f" (forms: {', '.join(variant.form_names)})"
            )
            raise VariantError(f"{name}: unknown form {form!r}{hint}")

    def defaults(self) -> dict[str, str]:
        return {v.name: v.default for v in self}

    def selection(self, *layers: Mapping[str, str]) -> Selection:
        """Defaults overlaid with each layer in turn (each checked: VariantError)."""
        chosen = self.defaults()
        for layer in layers:
            for name, form in layer.items():
                self.check(name, form)
                chosen[name] = form
        return Selection(chosen)

    def schema(self) -> dict[str, Any]:
        """JSON Schema of a scenario's `variants:` map (unknown names and forms rejected)."""
        return {
            "type": "object",
            "additionalProperties": False,
            "description": "documented variants: which form each one takes "
            "(see `mockserver variants`)",
            "properties": {
                v.name: {"enum": list(v.form_names), "description": v.description} for v in self
            },
        }

    def to_json(self, selection: Selection | None = None) -> list[dict[str, Any]]:
        return [v.to_json(selection.form(v.name) if selection else None) for v in self]


class Selection:
    """The chosen form of every variant (complete: defaults filled in). Cheap to read."""

    __slots__ = ("_chosen",)

    def __init__(self, chosen: Mapping[str, str]) -> None:
        self._chosen = dict(chosen)

    def form(self, name: str) -> str:
        return self._chosen[name]

    def is_(self, name: str, *forms: str) -> bool:
        return self._chosen.get(name) in forms

    def as_dict(self) -> dict[str, str]:
        return dict(self._chosen)

    def with_(self, registry: VariantRegistry, changes: Mapping[str, str]) -> Selection:
        for name, form in changes.items():
            registry.check(name, form)
        return Selection({**self._chosen, **changes})


def parse_assignments(items: Sequence[str] | str | None) -> dict[str, str]:
    """`vendor.name=form` assignments (a list, or one string separated by commas/spaces)."""
    if items is None:
        return {}
    if isinstance(items, str):
        items = [p for p in items.replace(",", " ").split() if p]
    out: dict[str, str] = {}
    for item in items:
        name, sep, form = item.partition("=")
        if not sep or not name.strip() or not form.strip():
            raise VariantError(f"expected vendor.name=form, got {item!r}")
        out[name.strip()] = form.strip()
    return out
