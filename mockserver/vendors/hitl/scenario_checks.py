"""HITL.sh rules that `mockserver validate` checks beyond the scenario format.

A scripted `respond` step names its answer with one key (`choose`, `choose_many`, `text`,
`rating`, `number`, `boolean` or `random: true`). The format accepts any of them anywhere, but
at run time an answer that does not fit the request's response type is skipped with a warning
and the request waits for its timeout instead. So, for each `respond` step:

- when the rule's `when: {response_type: ...}` names the types, the answer must fit each of
  them (`rating: 4` under `response_type: single_select` is an error);
- whatever the types, the answer must fit at least one type (`random: false`, or two answer
  keys at once, never do);
- an option index must be below 20, the most options a request can have, and `choose_many`
  must not name an option twice.

An answer with no key (`respond` alone, or only `after`/`by`) is a random plausible answer and
always fits. The same check decides at run time: `answers.fits_spec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.scenario.context import SectionContext
from mockserver.vendors.hitl.answers import ANSWER_KEYS, fits_spec
from mockserver.vendors.hitl.response_model import RESPONSE_TYPES

MAX_OPTIONS = 20  # response_config: a select config has at most 20 options
_STEP_KEYS = ("after", "by")

SubPath = tuple[str | int, ...]


def check_section(data: Mapping[str, Any], ctx: SectionContext) -> list[str]:
    """Problems with the scripted answers of a schema-valid `hitl:` section."""
    problems: list[str] = []
    for i, rule in enumerate(data.get("rules") or []):
        types = _types((rule.get("when") or {}).get("response_type"))
        for key in ("then", "otherwise"):
            if key in rule:
                for path, step in _steps(rule[key], ("rules", i, key)):
                    problems += _check_step(step, path, types, ctx)
    return problems


def _types(value: Any) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _steps(body: Any, path: SubPath) -> list[tuple[SubPath, Any]]:
    if isinstance(body, list):
        return [((*path, j), step) for j, step in enumerate(body)]
    return [(path, body)]


def _check_step(
    step: Any, path: SubPath, types: list[str] | None, ctx: SectionContext
) -> list[str]:
    if not isinstance(step, Mapping) or not isinstance(step.get("respond"), Mapping):
        return []
    spec = {k: v for k, v in step["respond"].items() if k not in _STEP_KEYS}
    if not spec:
        return []
    answer_keys = [k for k in ANSWER_KEYS if k in spec]
    where: SubPath = (*path, "respond", answer_keys[0]) if answer_keys else (*path, "respond")
    messages: list[str] = []
    misfits = {t: fits_spec(t, spec) for t in RESPONSE_TYPES}
    if all(misfits.values()):
        # Fits no type at all: the same message whatever the type (e.g. "random must be true").
        messages.append(_first(misfits, types))
    elif types is not None:
        messages += [problem for t in types if (problem := misfits.get(t))]
    if not messages and answer_keys:
        messages += _option_problems(answer_keys[0], spec[answer_keys[0]])
    return [ctx.fail(where, message).problems[0] for message in messages]


def _first(misfits: Mapping[str, str | None], types: list[str] | None) -> str:
    for t in types or RESPONSE_TYPES:
        problem = misfits.get(t)
        if problem:
            return problem
    return "this answer fits no response type"


def _option_problems(key: str, value: Any) -> list[str]:
    refs = [value] if key == "choose" else value if key == "choose_many" else []
    if not isinstance(refs, list):
        return []
    out: list[str] = []
    for ref in refs:
        if isinstance(ref, int) and not isinstance(ref, bool) and ref >= MAX_OPTIONS:
            out.append(
                f"option index {ref} never exists: a request has at most {MAX_OPTIONS} "
                f"options (0-{MAX_OPTIONS - 1})"
            )
    if key == "choose_many":
        repeated = sorted({str(r) for r in refs if refs.count(r) > 1})
        if repeated:
            out.append(f"choose_many names {', '.join(repeated)} more than once")
    return out
