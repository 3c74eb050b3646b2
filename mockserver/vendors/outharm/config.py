"""The `outharm:` section of a scenario file, as a JSON Schema fragment and as frozen data.

`SECTION_SCHEMA` is checked by the scenario loader (which reports `file:line: key`);
`parse_section` then turns the already-valid mapping into an `OutharmConfig`, compiling regexes
and checking what a JSON Schema cannot express well. Its errors are `OutharmConfigError`
(a `ValueError`) carrying the key path inside the section, so the loader can point at a line.

Vendor facts are from the reference notes (outharm-hive-api.md, part A); guesses are marked [I].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mockserver.scenario.rules import RuleSet, parse_rules
from mockserver.scenario.yamlsource import dotted
from mockserver.vendors.outharm.vocabulary import manual_problems, manual_schema

if TYPE_CHECKING:
    from mockserver.scenario.context import SectionContext

DEFAULT_SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
MAX_COMPONENTS = 20  # A.2: "A schema holds at most 20 components"
COMPONENT_TYPES = ("text", "image")  # A.2: a component is Text or Image
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# A.8: the full list of 24 slugs is unknown. Documented slugs [S], then guesses [I] for the
# Console's "Harassment" and "Self-Harm & Suicide" and for `spam`, which scenarios commonly use.
_DOCUMENTED_CATEGORIES = ("sexual", "violence", "hate", "fascism", "alcohol", "smoking", "blood")
_MORE_CATEGORIES = ("knife", "gun", "harassment", "self-harm", "spam")
DEFAULT_CATEGORIES: tuple[str, ...] = _DOCUMENTED_CATEGORIES + _MORE_CATEGORIES
SLUG_PATTERN = "^[a-z][a-z0-9-]*$"

# The keys of an automated rule that say which values it looks at; exactly one per rule.
_MATCHERS: dict[str, str] = {
    "contains": "Case-insensitive substring a value must contain.",
    "matches": "Python regex searched in a value; use (?i) to ignore case.",
    "any_text_contains": "Case-insensitive substring, searched in every text component.",
    "any_text_matches": "Regex searched in values of every text component.",
    "image_url_contains": "Case-insensitive substring, searched in image values (URL or data URL).",
    "image_url_matches": "Regex searched in image values (URL or data URL).",
}
MATCHER_KEYS: tuple[str, ...] = tuple(_MATCHERS)

Target = Literal["any", "text", "image"]


def _s(description: str, **schema: Any) -> dict[str, Any]:
    """A property schema with its editor-visible description."""
    return {"description": description, **schema}


def _str(description: str, **schema: Any) -> dict[str, Any]:
    return _s(description, type="string", **schema)


def _obj(description: str, properties: dict[str, Any], **schema: Any) -> dict[str, Any]:
    """A closed object schema: unknown keys are rejected."""
    return _s(
        description, type="object", additionalProperties=False, properties=properties, **schema
    )


_UNIT = {"type": "number", "minimum": 0, "maximum": 1}
_SLUG = _str("A category slug, e.g. hate, sexual, spam.", pattern=SLUG_PATTERN)

_RULE = _obj(
    "One scoring rule: the values it matches get `category` with `score`.",
    {
        "field": _str("Only values of this component (e.g. title).", minLength=1),
        **{key: _str(text) for key, text in _MATCHERS.items()},
        "category": _SLUG,
        "score": _s("Confidence 0.0-1.0 (default 1.0); harmful when >= threshold.", **_UNIT),
    },
    required=["category"],
    oneOf=[{"required": [key]} for key in MATCHER_KEYS],
)

_SCHEMA = _obj(
    "A schema: a named set of text and image components.",
    {
        "id": _str("The schema's UUID, sent as schema_id.", pattern=UUID_PATTERN),
        "name": _str("Display name (default: 'Schema N')."),
        "components": _s(
            "Component name -> type (text or image); at most 20.",
            type="object",
            minProperties=1,
            maxProperties=MAX_COMPONENTS,
            propertyNames={"minLength": 1, "maxLength": 100},
            # A map, so its values are described instead of closed.
            additionalProperties=_s("The component's type.", enum=list(COMPONENT_TYPES)),
        ),
    },
    required=["id", "components"],
)

_AUTOMATED = _obj(
    "Deterministic automated moderation: rules give values category scores.",
    {
        "threshold": _s(
            "The one global threshold, 0.0 (strictest) to 1.0; default 0.5. "
            "A score >= threshold is harmful.",
            **_UNIT,
        ),
        "categories": _s(
            "Enabled categories; others are not analysed. Default: "
            f"{', '.join(DEFAULT_CATEGORIES)}, plus every category a rule names.",
            type="array",
            items=_SLUG,
            uniqueItems=True,
        ),
        "rules": _s("Scoring rules, tried on every value.", type="array", items=_RULE),
    },
)

_WEBHOOK = _obj(
    "Where manual results (moderation.manual.completed) are POSTed.",
    {
        "url": _str("Webhook endpoint URL.", pattern="^https?://"),
        "secret": _str("Shared secret, sent verbatim.", minLength=1),
        "header": _str(
            "Header carrying the secret: Authorization (default) gets 'Bearer <secret>', "
            "any other header the bare secret.",
            minLength=1,
        ),
    },
    required=["url", "secret"],
)

# A fragment (no "$schema"): the loader embeds it in the draft 2020-12 scenario schema.
SECTION_SCHEMA: dict[str, Any] = _obj(
    "Outharm emulation: accepted tokens, schemas, automated scoring, webhook, manual review.",
    {
        "tokens": _s(
            "Accepted bearer tokens; leave out to accept any non-empty token.",
            type="array",
            items=_str("A bearer token.", minLength=1),
            uniqueItems=True,
        ),
        "manual_subscription": _s(
            "Has a manual moderation subscription (default true); false answers 403 "
            "manual-moderation-subscription-required.",
            type="boolean",
        ),
        "schemas": _s(
            "The project's content schemas; leave out for one general-purpose schema "
            f"({DEFAULT_SCHEMA_ID}: title, description, body, comments, images, avatar).",
            type="array",
            items=_SCHEMA,
        ),
        "automated": _AUTOMATED,
        "webhook": _WEBHOOK,
        "manual": {
            **manual_schema(),
            "description": "Scripted human reviewers: rules in the shared format; when no rule "
            "matches, the verdict is 'not harmful' 1 minute after queueing.",
        },
    },
)


class OutharmConfigError(ValueError):
    """A section that passed the JSON Schema but is still wrong; `path` is the key path in it."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        dotted = "outharm" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        super().__init__(f"{dotted}: {message}")
        self.path = path
        self.reason = message


@dataclass(frozen=True)
class Component:
    """One component of a schema: a field name and its type, `text` or `image`."""

    name: str
    type: str


@dataclass(frozen=True)
class Schema:
    """A content schema (A.2); `components` maps component name to `text` or `image`."""

    id: str
    name: str
    components: dict[str, str] = field(hash=False)

    def component_list(self) -> tuple[Component, ...]:
        """The components in declaration order."""
        return tuple(Component(n, t) for n, t in self.components.items())


DEFAULT_SCHEMA = Schema(
    id=DEFAULT_SCHEMA_ID,
    name="General content",
    components=dict.fromkeys(("title", "description", "body", "comments"), "text")
    | dict.fromkeys(("images", "avatar"), "image"),
)


@dataclass(frozen=True)
class AutomatedRule:
    """A scoring rule: a value it matches gets `category` with `score`.

    `field` restricts it to one component, `target` to text or image components. A value
    matches when it contains `contains` (case-insensitive) or `pattern` finds a match in it.
    """

    category: str
    score: float
    field: str | None = None
    target: Target = "any"
    contains: str | None = None
    pattern: re.Pattern[str] | None = None

    def applies(self, field_name: str, component_type: str, value: str) -> bool:
        """Whether this rule matches `value` of component `field_name` of type `component_type`."""
        if self.field is not None and self.field != field_name:
            return False
        if self.target != "any" and self.target != component_type:
            return False
        if self.contains is not None:
            return self.contains.casefold() in value.casefold()
        return self.pattern is not None and self.pattern.search(value) is not None


@dataclass(frozen=True)
class AutomatedConfig:
    """The project's automated moderation settings: one global threshold (A.4)."""

    threshold: float = 0.5
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    rules: tuple[AutomatedRule, ...] = ()


@dataclass(frozen=True)
class WebhookConfig:
    """The manual-results webhook endpoint and its shared secret (A.6)."""

    url: str
    secret: str
    header: str = "Authorization"

    def header_value(self) -> str:
        """The header value sent: `Bearer <secret>` for Authorization (A.6 [I]), else the secret."""
        return f"Bearer {self.secret}" if self.header.lower() == "authorization" else self.secret


@dataclass(frozen=True)
class OutharmConfig:
    """Everything the Outharm emulation reads from a scenario."""

    tokens: tuple[str, ...] | None = None
    manual_subscription: bool = True
    schemas: tuple[Schema, ...] = (DEFAULT_SCHEMA,)
    automated: AutomatedConfig = field(default_factory=AutomatedConfig)
    webhook: WebhookConfig | None = None
    manual: RuleSet = field(default_factory=lambda: RuleSet("outharm.manual"))

    def schemas_by_id(self) -> dict[str, Schema]:
        """Schemas keyed by lower-case id, as `validate_submission` wants them."""
        return {s.id: s for s in self.schemas}


def parse_section(
    data: Mapping[str, Any] | None, ctx: SectionContext | None = None
) -> OutharmConfig:
    """Build an `OutharmConfig` from a section that already passed `SECTION_SCHEMA`.

    Raises `OutharmConfigError` for a bad regex, a schema with more than 20 components, a
    component type other than text/image, a duplicate schema id, or a rule naming a field that
    no schema has (or an image rule on a field that is never an image, and vice versa).
    `ctx`, given by the scenario loader, positions the manual rules (file:line) and checks
    their reviewers; without it they are parsed with key paths only.
    """
    data = data or {}
    tokens = data.get("tokens")
    schemas = (
        tuple(_parse_schema(i, s) for i, s in enumerate(data["schemas"]))
        if "schemas" in data
        else (DEFAULT_SCHEMA,)
    )
    seen: dict[str, int] = {}
    for i, schema in enumerate(schemas):
        if schema.id in seen:
            raise OutharmConfigError(
                ("schemas", i, "id"),
                f"duplicate schema id {schema.id} (also schemas[{seen[schema.id]}])",
            )
        seen[schema.id] = i
    hook = data.get("webhook")
    webhook = (
        None
        if hook is None
        else WebhookConfig(hook["url"], hook["secret"], hook.get("header", "Authorization"))
    )
    return OutharmConfig(
        tokens=None if tokens is None else tuple(tokens),
        manual_subscription=bool(data.get("manual_subscription", True)),
        schemas=schemas,
        automated=_parse_automated(data.get("automated") or {}, schemas),
        webhook=webhook,
        manual=_parse_manual(data.get("manual"), schemas, ctx),
    )


def _parse_manual(
    rules: list[Any] | None, schemas: tuple[Schema, ...], ctx: SectionContext | None
) -> RuleSet:
    types = _component_types(schemas)
    for path, message in manual_problems(rules, types):
        raise OutharmConfigError(("manual", *path), message)
    if ctx is not None:
        return ctx.rules(("manual",), rules)
    return parse_rules("outharm.manual", rules, lambda p: dotted(("outharm", "manual", *p)))


def _component_types(schemas: tuple[Schema, ...]) -> dict[str, set[str]]:
    """Each component name any schema has, with the types it has there."""
    types: dict[str, set[str]] = {}
    for schema in schemas:
        for name, kind in schema.components.items():
            types.setdefault(name, set()).add(kind)
    return types


def _parse_schema(index: int, data: Mapping[str, Any]) -> Schema:
    components = dict(data.get("components") or {})
    if len(components) > MAX_COMPONENTS:
        raise OutharmConfigError(
            ("schemas", index, "components"),
            f"a schema holds at most {MAX_COMPONENTS} components, got {len(components)}",
        )
    for name, kind in components.items():
        if kind not in COMPONENT_TYPES:
            raise OutharmConfigError(
                ("schemas", index, "components", name),
                f"component type must be text or image, got {kind!r}",
            )
    return Schema(
        id=str(data["id"]).lower(),
        name=str(data.get("name") or f"Schema {index + 1}"),
        components=components,
    )


def _parse_automated(data: Mapping[str, Any], schemas: tuple[Schema, ...]) -> AutomatedConfig:
    types = _component_types(schemas)
    rules = tuple(_parse_rule(i, r, types) for i, r in enumerate(data.get("rules") or ()))
    if "categories" in data:
        categories = tuple(data["categories"])
    else:
        extra = [r.category for r in rules if r.category not in DEFAULT_CATEGORIES]
        categories = DEFAULT_CATEGORIES + tuple(dict.fromkeys(extra))
    return AutomatedConfig(
        threshold=float(data.get("threshold", 0.5)), categories=categories, rules=rules
    )


def _parse_rule(index: int, data: Mapping[str, Any], types: dict[str, set[str]]) -> AutomatedRule:
    path: tuple[str | int, ...] = ("automated", "rules", index)
    keys = [k for k in MATCHER_KEYS if k in data]
    if len(keys) != 1:
        raise OutharmConfigError(path, f"a rule needs exactly one of {', '.join(MATCHER_KEYS)}")
    key = keys[0]
    target: Target = (
        "text" if key.startswith("any_text") else "image" if key.startswith("image") else "any"
    )
    field_name = data.get("field")
    if field_name is not None:
        if field_name not in types:
            known = ", ".join(sorted(types)) or "none"
            raise OutharmConfigError(
                (*path, "field"),
                f"{field_name!r} is not a component of any schema (known: {known})",
            )
        if target != "any" and target not in types[field_name]:
            raise OutharmConfigError(
                (*path, key), f"{key} never matches: component {field_name!r} is not {target}"
            )
    contains: str | None = None
    pattern: re.Pattern[str] | None = None
    if key.endswith("contains"):
        contains = str(data[key])
    else:
        try:
            pattern = re.compile(str(data[key]))
        except re.error as exc:
            raise OutharmConfigError(
                (*path, key), f"invalid regular expression {data[key]!r}: {exc}"
            ) from None
    return AutomatedRule(
        category=str(data["category"]),
        score=float(data.get("score", 1.0)),
        field=field_name,
        target=target,
        contains=contains,
        pattern=pattern,
    )
