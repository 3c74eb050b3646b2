"""Loading scenario files: YAML with positions, schema validation, then typed parsing.

Every problem becomes a line `file:line:col: path.to.key: message`; all schema problems of a
file are reported at once, never as a traceback.
"""

from __future__ import annotations

import difflib
import random
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path as FsPath
from typing import Any

import jsonschema
import jsonschema.validators
from jsonschema.exceptions import ValidationError

from mockserver.base.durations import parse_duration
from mockserver.base.errors import ScenarioError
from mockserver.base.ids import IdFactory
from mockserver.kit.vendor import Vendor
from mockserver.records.clockmodes import parse_clock
from mockserver.scenario import reviewer_refs
from mockserver.scenario.context import SectionContext
from mockserver.scenario.loading.schema import scenario_schema
from mockserver.scenario.model import (
    DeliverySettings,
    HttpFault,
    Reviewer,
    Scenario,
    WebhookFault,
)
from mockserver.scenario.patterns import REGEX_KEYWORD, pattern_problem
from mockserver.scenario.sectionfile import ComposedSourceMap, SectionFile
from mockserver.scenario.yamlsource import Path, SourceMap, YamlProblem, dotted, load_yaml

EMBEDDED_DEFAULT = FsPath(__file__).resolve().parents[2] / "data" / "default.yaml"

LONG_ENUM = 20
"""An enum longer than this is a catalogue: a mistake names the nearest values, not all."""

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys",
    "array": "a list",
    "null": "nothing",
}


def _pytype(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return "a number"
    return "text"


def _deepest(error: ValidationError) -> tuple[ValidationError, str | None]:
    """For anyOf/oneOf, descend to the branch error that best explains the mistake; also the
    nearest description on the way (it says what form the value should have)."""
    description = _description(error)
    while error.context:
        # a branch that got further into the value explains best; else any non-type mismatch
        depth = len(error.absolute_path)
        deeper = [e for e in error.context if len(e.absolute_path) > depth]
        candidates = deeper or [e for e in error.context if e.validator != "type"]
        if not candidates:
            break
        error = max(candidates, key=lambda e: (len(e.absolute_path), e.validator != "enum"))
        description = _description(error) or description
    return error, description


def _description(error: ValidationError) -> str | None:
    schema = error.schema
    return schema.get("description") if isinstance(schema, dict) else None


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _enum_branches(error: ValidationError) -> list[str]:
    """The fixed words an anyOf accepts (e.g. `real`, `manual`), for a did-you-mean hint."""
    branches = error.schema.get("anyOf", []) if isinstance(error.schema, dict) else []
    return [str(v) for b in branches if isinstance(b, dict) for v in b.get("enum", [])]


def _format(error: ValidationError, smap: SourceMap) -> list[str]:
    enums = _enum_branches(error)
    error, description = _deepest(error)
    path: Path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = smap.where(path)
    name = dotted(path)
    v = error.validator
    if v == "additionalProperties" and isinstance(error.instance, dict):
        allowed: list[str] = sorted(schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key not in allowed:
                kpath = (*path, key)
                hint = _suggest(key, allowed) or f" (allowed here: {', '.join(allowed)})"
                out.append(f"{smap.where(kpath, key=True)}: {dotted(kpath)}: unknown key{hint}")
        return out
    if v == "required":
        return [
            f"{where}: {name}: {error.message.replace(' is a required property', '')} is required"
        ]
    if v == "type":
        expected: Any = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        want = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [f"{where}: {name}: expected {want}, got {_pytype(error.instance)}"]
    if v == "enum":
        enum_values: Any = error.validator_value
        options = [str(o) for o in enum_values]
        if len(options) > LONG_ENUM:  # a catalogue (a vendor's classes): the nearest only
            near = difflib.get_close_matches(str(error.instance), options, n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            return [
                f"{where}: {name}: {error.instance!r} is not one of the {len(options)} known "
                f"values{hint} (the schema's enum lists them all)"
            ]
        hint = _suggest(str(error.instance), options)
        return [f"{where}: {name}: {error.instance!r} is not one of: {', '.join(options)}{hint}"]
    if v == REGEX_KEYWORD:
        return [f"{where}: {name}: {error.message}"]
    if v in ("minProperties", "maxProperties"):
        return [f"{where}: {name}: a step names exactly one action, like `respond: {{...}}`"]
    if v in ("pattern", "anyOf") and description:
        hint = _suggest(str(error.instance), enums) if isinstance(error.instance, str) else ""
        return [f"{where}: {name}: expected {description}, got {error.instance!r}{hint}"]
    return [f"{where}: {name}: {error.message}"]


def _regex(
    validator: Any, marked: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """The `x-regex` keyword (`patterns.regex_schema`): the string is a usable pattern."""
    if marked and isinstance(instance, str):
        problem = pattern_problem(instance)
        if problem is not None:
            yield ValidationError(problem)


_ScenarioValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {REGEX_KEYWORD: _regex}
)


@cache
def scenario_validator(vendors: tuple[Vendor, ...]) -> Any:
    """The validator of scenario files: the JSON Schema, plus the regex check it marks."""
    return _ScenarioValidator(scenario_schema(vendors))


_POSITION = re.compile(r"^.*?:(\d+):(\d+): ")


def by_position(problems: Iterable[str]) -> list[str]:
    """Problem lines once each, by line and column (lines without a position first)."""

    def position(line: str) -> tuple[int, int]:
        match = _POSITION.match(line)
        return (int(match[1]), int(match[2])) if match else (0, 0)

    return sorted(dict.fromkeys(problems), key=position)


def _reviewers(raw: list[Any], seed: int) -> tuple[Reviewer, ...]:
    ids = IdFactory(random.Random(f"reviewers:{seed}"))
    out: list[Reviewer] = []
    for entry in raw:
        if isinstance(entry, str):
            from faker import Faker  # imported only when a scenario asks for generated people

            fake = Faker()
            fake.seed_instance(seed + len(out))
            for _ in range(int(entry.split()[0])):
                first, last = fake.first_name(), fake.last_name()
                email = f"{first}.{last}@example.com".lower()
                out.append(Reviewer(ids.object_id(), f"{first} {last}", email))
        else:
            email = entry["email"]
            name = entry.get("name") or email.split("@")[0].replace(".", " ").title()
            out.append(Reviewer(entry.get("id") or ids.object_id(), name, email))
    return tuple(out)


def _start(text: str | None, smap: SourceMap) -> float | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ScenarioError(
            [f"{smap.where(('start',))}: start: expected a time like 2026-01-01T09:00:00Z"]
        ) from None


def parse_scenario(
    text: str, filename: str, vendors: Sequence[Vendor], default_name: str = "scenario"
) -> Scenario:
    """A Scenario from YAML text; ScenarioError listing every problem with its position."""
    try:
        data, smap = load_yaml(text, filename)
    except YamlProblem as exc:
        raise ScenarioError([str(exc)]) from None
    return _parse_document(data, smap, filename, vendors, default_name)


def _parse_document(
    data: Any, smap: SourceMap, filename: str, vendors: Sequence[Vendor], default_name: str
) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError([f"{filename}:1:1: a scenario is a mapping of keys, like `name: x`"])
    errors = sorted(
        scenario_validator(tuple(vendors)).iter_errors(data),
        key=lambda e: smap.position(e.absolute_path),
    )
    problems = [line for e in errors for line in _format(e, smap)]
    given = data.get("seed", 0)
    seed = given if isinstance(given, int) and not isinstance(given, bool) else 0
    # Who `by:` may name is known when `reviewers:` is well formed: then every unknown one is
    # reported now, beside the format problems.
    if not any(e.absolute_path and e.absolute_path[0] == "reviewers" for e in errors):
        people = _reviewers(data.get("reviewers", ["3 generated"]), seed)
        names = [v.name for v in vendors]
        problems += reviewer_refs.problems(data, smap, names, people)
    if problems:
        raise ScenarioError(by_position(problems))
    seed = int(data.get("seed", 0))
    try:
        mode, scale = parse_clock(data.get("clock", "real"))
    except ValueError as exc:
        raise ScenarioError([f"{smap.where(('clock',))}: clock: {exc}"]) from None
    reviewers = _reviewers(data.get("reviewers", ["3 generated"]), seed)
    http_faults, webhook_faults = [], []
    for i, f in enumerate(data.get("faults", [])):
        where = smap.where(("faults", i))
        if "webhook" in f:
            webhook_faults.append(WebhookFault(f["webhook"], tuple(f.get("answers", ())), where))
        else:
            http_faults.append(
                HttpFault(
                    vendor=f.get("vendor"),
                    method=(f.get("method") or "").upper() or None,
                    path=f.get("path"),
                    status=f.get("status"),
                    message=f.get("message"),
                    latency=parse_duration(f.get("latency", 0)),
                    times=f.get("times"),
                    where=where,
                )
            )
    hooks = data.get("webhooks", {})
    delivery = DeliverySettings(
        retry=tuple(parse_duration(d) for d in hooks["retry"]) if "retry" in hooks else None,
        timeout=parse_duration(hooks["timeout"]) if "timeout" in hooks else None,
    )
    sections: dict[str, Any] = {}
    for vendor in vendors:
        ctx = SectionContext(smap, (vendor.name,), reviewers, data.get("reviewers"))
        try:
            sections[vendor.name] = vendor.parse_section(data.get(vendor.name), ctx)
        except ValueError as exc:
            raise ScenarioError([f"{ctx.where()}: {vendor.name}: {exc}"]) from None
    return Scenario(
        name=str(data.get("name", default_name)),
        source=filename,
        seed=seed,
        clock=mode,
        scale=scale,
        start=_start(data.get("start"), smap),
        reviewers=reviewers,
        http_faults=tuple(http_faults),
        webhook_faults=tuple(webhook_faults),
        delivery=delivery,
        sections=sections,
        description=str(data.get("description", "")),
        variants=dict(data.get("variants", {})),
    )


def load_scenario_file(path: FsPath, vendors: Sequence[Vendor]) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: cannot read: {exc}"]) from None
    return parse_scenario(text, str(path), vendors, default_name=path.stem)


def scenario_files(path: FsPath, *, recursive: bool = False) -> list[FsPath]:
    """The scenario files a path names: the file itself, or a folder's *.yaml / *.yml files
    (with `recursive`, its subfolders' too, hidden folders left out)."""
    if path.is_dir():
        found = path.rglob("*") if recursive else path.iterdir()
        return sorted(
            p
            for p in found
            if p.suffix in (".yaml", ".yml")
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
        )
    return [path]


def load_library(path: FsPath, vendors: Sequence[Vendor]) -> dict[str, Scenario]:
    """Every scenario under `path` by name, in file-name order; all files' problems are
    reported together, two files with the same `name:` among them (`name_clashes`)."""
    library: dict[str, Scenario] = {}
    problems: list[str] = []
    files = scenario_files(path)
    if not files:
        raise ScenarioError([f"{path}: no scenario files (*.yaml) found"])
    loaded: list[Scenario] = []
    for file in files:
        try:
            scenario = load_scenario_file(file, vendors)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(scenario)
        library.setdefault(scenario.name, scenario)
    problems += name_clashes([(s.name, s.source) for s in loaded])
    if problems:
        raise ScenarioError(problems)
    return library


def name_clashes(named: Sequence[tuple[str, str]]) -> list[str]:
    """A problem for each file whose scenario name (`name:`, else the file name) an earlier
    file of the same folder already has: a copied file that kept its `name:` would otherwise
    be served and listed under the original's name. `named`: (name, file) in file order."""
    first: dict[tuple[str, str], str] = {}
    out: list[str] = []
    for name, file in named:
        key = (str(FsPath(file).parent), name)
        if key not in first:
            first[key] = file
            continue
        out.append(
            f"{_name_position(file)}: name: {name!r} is already the name of {first[key]}: "
            f"give this file its own `name:` (or leave `name:` out to use the file name, "
            f"{FsPath(file).stem!r})"
        )
    return out


def _name_position(file: str) -> str:
    """`file:line:col` of the `name:` value in a scenario file (its first line if none)."""
    try:
        _data, smap = load_yaml(FsPath(file).read_text(encoding="utf-8"), file)
    except (OSError, UnicodeDecodeError, YamlProblem):
        return f"{file}:1:1"
    return smap.where(("name",))


def load_default(vendors: Sequence[Vendor]) -> Scenario:
    """The embedded default scenario: the core's file plus each vendor's default section
    (`ScenarioSection.default`), each problem reported in the file it was written in."""
    try:
        data, smap = load_yaml(EMBEDDED_DEFAULT.read_text(encoding="utf-8"), str(EMBEDDED_DEFAULT))
    except OSError as exc:
        raise ScenarioError([f"{EMBEDDED_DEFAULT}: cannot read: {exc}"]) from None
    except YamlProblem as exc:
        raise ScenarioError([str(exc)]) from None
    composed = ComposedSourceMap(smap.filename, smap.values, smap.keys)
    for vendor in vendors:
        section = vendor.default_section()
        if section is None or vendor.name in data:
            continue
        data[vendor.name] = dict(section)
        if isinstance(section, SectionFile):
            composed.parts[vendor.name] = section.smap
        else:  # a mapping written in Python: its problems point at the vendor's module
            module = sys.modules[type(vendor).__module__]
            composed.parts[vendor.name] = SourceMap(str(module.__file__))
    return _parse_document(data, composed, str(EMBEDDED_DEFAULT), vendors, EMBEDDED_DEFAULT.stem)
