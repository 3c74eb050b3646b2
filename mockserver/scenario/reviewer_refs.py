"""`by:` in a scenario file names a reviewer the file declares, exactly.

The check runs on the raw YAML, beside the format check, so an unknown reviewer is reported
together with every other problem of the file, never only once those are fixed. It walks every
vendor's rule lists the same way (a rule is a mapping with `then` or `otherwise`; each of its
steps is `{word: {by: ..., ...}}`), so a new vendor's rules are checked with no code of its own.

Exactly means the e-mail or the name as written under `reviewers:` (`by: Dana` is refused, with
"did you mean"). The message lists only the reviewers the file writes out: generated ones
(`3 generated`) have names nobody typed, and a scenario without `reviewers:` has only those.
At run time (`mockserver trigger --by dana`, the console's "Act as") the looser lookup of
`model.find_reviewer` stays: there a person types, and a short name that fits one is enough.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from mockserver.scenario.model import Reviewer, find_reviewer
from mockserver.scenario.yamlsource import Path, SourceMap, dotted


def written(raw: Any) -> list[tuple[str, str]]:
    """The (name, e-mail) pairs a `reviewers:` list writes out (generated ones left out)."""
    out: list[tuple[str, str]] = []
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("email"), str):
            email = entry["email"]
            name = entry.get("name")
            out.append((name if isinstance(name, str) else "", email))
    return out


def is_declared(ref: str, reviewers: Sequence[Reviewer]) -> bool:
    """Whether `ref` is, exactly, the e-mail or the name of one of `reviewers`."""
    return any(ref in (r.email, r.name) for r in reviewers)


def unknown(ref: str, reviewers: Sequence[Reviewer], raw: Any) -> str:
    """The message for a `by:` (or loop member) that names nobody the file declares."""
    close = find_reviewer(reviewers, ref)
    suggestion = None if close is None else close.email if "@" in ref else close.name
    hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
    people = written(raw)
    if not people:
        return (
            f"unknown reviewer {ref!r}{hint}: this scenario declares no reviewers by name; "
            f"add them, e.g. `reviewers: [{{email: {_example(ref)}}}]`"
        )
    names = ", ".join(email for _name, email in people)
    return f"unknown reviewer {ref!r}{hint}: name one of the scenario's reviewers ({names})"


def _example(ref: str) -> str:
    return ref if "@" in ref else "dana@example.com"


def steps_with_by(section: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """(path of the `by` key, its value) for every step of every rule under `section`."""
    if isinstance(section, list):
        for i, item in enumerate(section):
            yield from steps_with_by(item, (*path, i))
        return
    if not isinstance(section, dict):
        return
    for key, value in section.items():
        if key in ("then", "otherwise"):
            yield from _steps(value, (*path, key))
        elif isinstance(value, dict | list):
            yield from steps_with_by(value, (*path, key))


def _steps(body: Any, path: Path) -> Iterator[tuple[Path, str]]:
    items = enumerate(body) if isinstance(body, list) else [(None, body)]
    for i, step in items:
        here: Path = path if i is None else (*path, i)
        if not isinstance(step, dict) or len(step) != 1:
            continue
        ((word, args),) = step.items()
        if isinstance(args, dict) and isinstance(args.get("by"), str):
            yield (*here, word, "by"), args["by"]


def problems(
    data: Mapping[str, Any],
    smap: SourceMap,
    sections: Sequence[str],
    reviewers: Sequence[Reviewer],
) -> list[str]:
    """`file:line:col: key: message` for each `by:` in the vendors' `sections` that names
    nobody among `reviewers` (the file's, generated ones included)."""
    out: list[str] = []
    for name in sections:
        for path, ref in steps_with_by(data.get(name), (name,)):
            if ref == "random" or is_declared(ref, reviewers):
                continue
            message = unknown(ref, reviewers, data.get("reviewers"))
            out.append(f"{smap.where(path)}: {dotted(path)}: {message}")
    return out
