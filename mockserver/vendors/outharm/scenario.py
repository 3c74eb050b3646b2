"""The `outharm:` section of a scenario file: its schema, parser and checks, as one
`ScenarioSection`.

`section_schema(words)` (scenario_schema.py) is checked by the scenario loader (which reports
`file:line: key`); `parse_section` then turns the already-valid mapping into an
`OutharmConfig`, compiling regexes and checking what a JSON Schema cannot express well. Its
errors are `OutharmConfigError` (a `ValueError`) carrying the key path inside the section, so
the loader can point at a line. `check_section` is what `mockserver validate` reports all at
once (the loader stops at the first).

Vendor facts are from Outharm's pages (https://outharm.com/docs/); guesses are marked [I].
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockserver.base.userregex import UserPattern
from mockserver.kit.vendor import ScenarioSection
from mockserver.scenario.patterns import compile_pattern, pattern_problem
from mockserver.scenario.rules import RuleSet, parse_rules
from mockserver.scenario.sectionfile import section_file
from mockserver.scenario.yamlsource import dotted
from mockserver.vendors.outharm.matchers import REGEX_TESTS, options
from mockserver.vendors.outharm.models import DEFAULT_SCHEMA, Schema
from mockserver.vendors.outharm.scenario_schema import (
    COMPONENT_TYPES,
    MATCHER_KEYS,
    MAX_COMPONENTS,
    section_schema,
)
from mockserver.vendors.outharm.scoring import (
    DEFAULT_CATEGORIES,
    AutomatedConfig,
    AutomatedRule,
    Target,
)

if TYPE_CHECKING:
    from mockserver.scenario.context import SectionContext


class OutharmConfigError(ValueError):
    """A section that passed the JSON Schema but is still wrong; `path` is the key path in it."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        dotted = "outharm" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        super().__init__(f"{dotted}: {message}")
        self.path = path
        self.reason = message


@dataclass(frozen=True)
class WebhookConfig:
    """The manual-results webhook endpoint, its shared secret and the header carrying it
    (https://outharm.com/docs/api/webhooks; how it is sent: `webhooks.signature`)."""

    url: str
    secret: str
    header: str = "Authorization"


@dataclass(frozen=True)
class OutharmConfig:
    """Everything the Outharm emulation reads from a scenario."""

    tokens: tuple[str, ...] | None = None
    manual_subscription: bool = True
    schemas: tuple[Schema, ...] = (DEFAULT_SCHEMA,)
    automated: AutomatedConfig = field(default_factory=AutomatedConfig)
    webhook: WebhookConfig | None = None
    manual: RuleSet = field(default_factory=lambda: RuleSet("outharm.manual"))
    strict: bool | None = None
    """Refuse what Outharm's documents do not allow (None: as `--strict` says)."""

    def schemas_by_id(self) -> dict[str, Schema]:
        """Schemas keyed by lower-case id, as `validate_submission` wants them."""
        return {s.id: s for s in self.schemas}


def parse_section(
    data: Mapping[str, Any] | None, ctx: SectionContext | None = None
) -> OutharmConfig:
    """Build an `OutharmConfig` from a section that already passed the section's schema.

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
        strict=data.get("strict"),
    )


def _parse_manual(
    rules: list[Any] | None, schemas: tuple[Schema, ...], ctx: SectionContext | None
) -> RuleSet:
    for path, message in manual_problems(rules, _component_types(schemas)):
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
    pattern: UserPattern | None = None
    if key.endswith("contains"):
        contains = str(data[key])
    else:
        try:
            pattern = compile_pattern(str(data[key]))
        except ValueError as exc:
            raise OutharmConfigError((*path, key), str(exc)) from None
    return AutomatedRule(
        category=str(data["category"]),
        score=float(data.get("score", 1.0)),
        field=field_name,
        target=target,
        contains=contains,
        pattern=pattern,
    )


# -- what the JSON Schema cannot see in the `manual` rules -----------------------------------
def _steps(rule: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Each step of a rule with its key path inside the rule."""
    key = "otherwise" if "otherwise" in rule else "then"
    body = rule.get(key)
    if isinstance(body, list):
        for i, step in enumerate(body):
            yield (key, i), step
    elif body is not None:
        yield (key,), body


def manual_problems(
    rules: list[Any] | None, components: Mapping[str, set[str]]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """`(path inside outharm.manual, message)` for each problem the JSON Schema cannot see:
    a bad regex, a component no schema has, `uphold` together with `harmful`."""
    known = ", ".join(sorted(components)) or "none"
    for i, rule in enumerate(rules or []):
        when = rule.get("when") or {}
        for key in REGEX_TESTS:
            if key in when:
                problem = pattern_problem(str(when[key]))
                if problem is not None:
                    yield (i, "when", key), problem
        for name in options(when.get("field", [])):
            if name not in components:
                yield (i, "when", "field"), f"{name!r} is not a component of any schema ({known})"
        for path, step in _steps(rule):
            args = step.get("decide") if isinstance(step, dict) else None
            if not isinstance(args, dict):
                continue
            where = (i, *path, "decide")
            if args.get("uphold") and "harmful" in args:
                yield (*where, "uphold"), "give `uphold: true` or `harmful`, not both"
            for group in ("fields", "values"):
                for name in args.get(group) or {}:
                    if name not in components:
                        msg = f"{name!r} is not a component of any schema ({known})"
                        yield (*where, group, name), msg


def check_section(data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
    """For `mockserver validate`: every problem `manual_problems` finds in the manual rules of
    a schema-valid section - bad regexes, components no schema has, `uphold` with `harmful`."""
    schemas = data.get("schemas")
    components: dict[str, set[str]] = {}
    for schema in schemas if schemas is not None else [{"components": DEFAULT_SCHEMA.components}]:
        for name, kind in (schema.get("components") or {}).items():
            components.setdefault(name, set()).add(str(kind))
    return [
        line
        for path, message in manual_problems(data.get("manual"), components)
        for line in ctx.fail(("manual", *path), message).problems
    ]


def _parse(data: Mapping[str, Any] | None, ctx: SectionContext) -> OutharmConfig:
    try:
        return parse_section(data, ctx)
    except OutharmConfigError as exc:
        raise ctx.fail(exc.path, exc.reason) from None


SECTION = ScenarioSection(
    schema=section_schema,
    parse=_parse,
    check=check_section,
    # What the embedded default scenario gives Outharm: `default.yaml` in this folder.
    default=section_file(__package__),
)
