"""Turning what a test names as its scenario (a file, inline YAML or a dict) into YAML text."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ScenarioSource = str | os.PathLike[str] | Mapping[str, Any]

_PLACEHOLDER = re.compile(r"\$\{([a-z_][a-z0-9_]*)\}")


def is_inline(text: str) -> bool:
    """Inline YAML rather than a file name: several lines, a `key: value` or a `{...}`."""
    stripped = text.strip()
    return "\n" in stripped or ": " in stripped or stripped.startswith("{")


def find_file(name: str | os.PathLike[str], base_dir: Path | None) -> Path:
    """The scenario file `name`, relative to `base_dir` first, then the working directory."""
    path = Path(name).expanduser()
    if path.is_absolute():
        candidates = [path]
    else:
        candidates = [base_dir / path] if base_dir is not None else []
        candidates.append(Path.cwd() / path)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"scenario file {str(name)!r} not found (looked at: {tried})")


def substitute(text: str, values: Mapping[str, str] | None) -> str:
    """Replace `${name}` placeholders whose name is in `values`; leave the others alone."""
    if not values:
        return text
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholders(source: ScenarioSource | None, base_dir: Path | None = None) -> set[str]:
    """The `${name}` placeholders a scenario source uses (a file is read to find them)."""
    if source is None:
        return set()
    text, _origin = scenario_text(source, base_dir=base_dir)
    return set(_PLACEHOLDER.findall(text))


def _substitute_data(data: Any, values: Mapping[str, str] | None) -> Any:
    if isinstance(data, str):
        return substitute(data, values)
    if isinstance(data, Mapping):
        return {k: _substitute_data(v, values) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_substitute_data(v, values) for v in data]
    return data


def scenario_text(
    source: ScenarioSource,
    *,
    base_dir: Path | None = None,
    substitutions: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The YAML text to upload and a name for it in error messages (the file, or `<inline>`)."""
    if isinstance(source, Mapping):
        data = _substitute_data(source, substitutions)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "<dict>"
    if isinstance(source, str) and is_inline(source):
        return substitute(source, substitutions), "<inline>"
    path = find_file(source, base_dir)
    return substitute(path.read_text(encoding="utf-8"), substitutions), str(path)


_INLINE_POSITION = re.compile(r"^<inline>:(\d+):(\d+): ")


def in_test_file(
    source: ScenarioSource, problems: list[str], origin: Path | None
) -> list[str] | None:
    """Problems of an inline scenario re-pointed at the test file that holds its text
    (`tests/test_x.py:14:9: ...` rather than `<inline>:3:9: ...`); None when the text cannot be
    found there (built at run time, or a dict)."""
    if origin is None or not isinstance(source, str) or not is_inline(source):
        return None
    try:
        code = origin.read_text(encoding="utf-8")
    except OSError:
        return None
    start = code.find(source)
    if start < 0:
        return None
    first_line = code.count("\n", 0, start) + 1
    first_col = start - (code.rfind("\n", 0, start) + 1)
    out = []
    for problem in problems:
        match = _INLINE_POSITION.match(problem)
        if match is None:
            out.append(problem)
            continue
        line, col = int(match[1]), int(match[2])
        where = f"{origin}:{first_line + line - 1}:{col + (first_col if line == 1 else 0)}: "
        out.append(where + problem[match.end() :])
    return out
