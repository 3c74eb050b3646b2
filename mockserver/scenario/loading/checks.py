"""`mockserver validate`: the scenario format (the loader) plus each vendor's own rules.

The loader stops at what makes a file unloadable. Some mistakes load fine but fail at run time,
when a simulated reviewer acts: an answer the request's response type cannot take, a field the
vendor's schema does not have. Each vendor names those in `Vendor.check_section`; this module
runs them on every section that passed the format, so one run reports both kinds of problem.

Every problem is one `file:line:col: key: message` line, sorted by position within a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.base.errors import ScenarioError
from mockserver.kit.vendor import Vendor
from mockserver.scenario.context import SectionContext
from mockserver.scenario.loading.loader import (
    by_position,
    name_clashes,
    parse_scenario,
    scenario_files,
    scenario_validator,
)
from mockserver.scenario.patterns import REGEX_KEYWORD
from mockserver.scenario.yamlsource import YamlProblem, load_yaml


def check_text(text: str, filename: str, vendors: Sequence[Vendor]) -> list[str]:
    """Every problem in one scenario file's text: format first, then the vendors' rules."""
    problems: list[str] = []
    try:
        parse_scenario(text, filename, vendors)
    except ScenarioError as exc:
        problems += exc.problems
    problems += vendor_problems(text, filename, vendors)
    return by_position(problems)


def vendor_problems(text: str, filename: str, vendors: Sequence[Vendor]) -> list[str]:
    """What each vendor's `check_section` finds in its section, for sections that passed the
    format (a section with format errors is reported by the loader only)."""
    try:
        data, smap = load_yaml(text, filename)
    except YamlProblem:
        return []
    if not isinstance(data, dict):
        return []
    # a section the format refuses is reported by the loader only; a bad regex does not
    # count (the vendor's own checks read the section as well without it)
    broken = {
        str(error.absolute_path[0])
        for error in scenario_validator(tuple(vendors)).iter_errors(data)
        if error.absolute_path and error.validator != REGEX_KEYWORD
    }
    problems: list[str] = []
    for vendor in vendors:
        section = data.get(vendor.name)
        if not isinstance(section, dict) or vendor.name in broken:
            continue
        problems += vendor.check_section(section, SectionContext(smap, (vendor.name,), ()))
    return problems


@dataclass
class CheckedFiles:
    """The scenario files some paths name, each read and checked once however often it is
    named: their texts (those that could be read), every problem found, how many there were."""

    texts: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    count: int = 0


def check_files(
    paths: Iterable[str], vendors: Sequence[Vendor], *, recursive: bool = False
) -> CheckedFiles:
    """Read and check the scenario files the paths name (files, or folders of *.yaml / *.yml;
    `recursive`: subfolders included). A path that is missing or names no file, and a file
    that cannot be read, are problems too. Scenario names are left to the caller."""
    out = CheckedFiles()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            out.problems.append(f"{raw}: no such file or folder")
            continue
        files = scenario_files(path, recursive=recursive)
        if not files:
            out.problems.append(f"{raw}: no scenario files (*.yaml, *.yml) in this folder")
        for file in files:
            if file.resolve() in seen:
                continue
            seen.add(file.resolve())
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                out.problems.append(f"{file}: cannot read: {exc}")
                continue
            out.problems += check_text(text, str(file), vendors)
            out.texts.append((file, text))
    out.count = len(seen)
    return out


def check_paths(paths: Iterable[str], vendors: Sequence[Vendor]) -> tuple[list[str], int]:
    """Problems in the scenario files the paths name (files, or folders of *.yaml / *.yml,
    subfolders included), and how many files were checked (each file once, however often it
    is named). Two files of a folder may not give the same scenario name."""
    found = check_files(paths, vendors, recursive=True)
    named = [(_name_in(text, file), str(file)) for file, text in found.texts]
    return found.problems + name_clashes(named), found.count


def _name_in(text: str, file: Path) -> str:
    """The scenario name a file gives (its `name:`, else the file name)."""
    try:
        data, _smap = load_yaml(text, str(file))
    except YamlProblem:
        return file.stem
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if isinstance(name, str | int) and name != "" else file.stem
