"""HITL.sh reviewer answers: scripted specs, submitted `response_data` and `default_response`.

Every answer comes back in the form the request's config used (see `answer_checks`, which also
holds `validate_response_data`, `check_default_response` and the rendering; they are re-exported
here so this is the one module to import).

A scripted spec holds exactly one of `choose`, `choose_many`, `text`, `number`, `rating`,
`boolean` or `random: true`; other keys are ignored (the scenario loader owns them). `choose`
takes an option value, an option label, a 0-based integer index or `"random"`; a string that is
neither a value nor a label may also name an option by a case-insensitive, unambiguous part of
its label or value (so `choose: "Reject and Flag"` works with the seed quickstart's emoji
labels). A string such as `"2"` is never an index. `choose` on a multi_select selects that one
option. `random: true` draws a plausible answer from the given `random.Random` only, so a seed
replays it exactly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from mockserver.vendors.hitl.answer_checks import (
    EPS,
    check_count,
    check_default_response,
    check_number,
    check_rating,
    check_text,
    format_number,
    is_int,
    is_number,
    rating_label,
    render_answer,
    selection,
    selection_bounds,
    tidy,
    validate_response_data,
)
from mockserver.vendors.hitl.response_model import (
    RESPONSE_TYPES,
    Number,
    ResponseConfig,
    describe_options,
)

__all__ = [
    "ANSWER_KEYS",
    "answer_from_spec",
    "check_default_response",
    "fits_spec",
    "format_number",
    "rating_label",
    "render_answer",
    "validate_response_data",
]

ANSWER_KEYS = ("choose", "choose_many", "text", "number", "rating", "boolean", "random")
_APPLIES: dict[str, tuple[str, ...]] = {
    "text": ("text", "random"),
    "single_select": ("choose", "random"),
    "multi_select": ("choose_many", "choose", "random"),
    "rating": ("rating", "random"),
    "number": ("number", "random"),
    "boolean": ("boolean", "random"),
}
_PHRASES = (
    "Looks good to me.",
    "Reviewed and approved.",
    "The content follows the guidelines.",
    "Minor wording issues, otherwise fine.",
    "Please double-check the figures before publishing.",
    "Needs a second look at the details.",
)


def fits_spec(response_type: str, spec: Any) -> str | None:
    """Why a scripted answer spec can never apply to `response_type`, or None when it can."""
    if response_type not in RESPONSE_TYPES:
        return f"unknown response type: {response_type}"
    if type(spec) is not dict and not isinstance(spec, Mapping):  # (a dict: no ABC check)
        return "an answer must be a mapping such as {choose: Approve}"
    keys = [key for key in ANSWER_KEYS if key in spec]
    if not keys:
        return "an answer needs one of: " + ", ".join(ANSWER_KEYS)
    if len(keys) > 1:
        return "an answer takes only one of: " + ", ".join(keys)
    key, value = keys[0], spec[keys[0]]
    if key not in _APPLIES[response_type]:
        usable = " or ".join(_APPLIES[response_type])
        return f"'{key}' does not apply to a {response_type} request (use {usable})"
    return _value_problem(key, value)


def _value_problem(key: str, value: Any) -> str | None:
    if key == "choose" and not (is_int(value) or isinstance(value, str)):
        return "choose must be an option value, label, 0-based index or 'random'"
    many_ok = isinstance(value, list) and all(is_int(v) or isinstance(v, str) for v in value)
    if key == "choose_many" and value != "random" and not many_ok:
        return "choose_many must be a list of option values, labels or indices, or 'random'"
    if key == "text" and not isinstance(value, str):
        return "text must be a string"
    if key in ("number", "rating") and not is_number(value):
        return f"{key} must be a number"
    if key == "boolean" and not isinstance(value, bool):
        return "boolean must be true or false"
    if key == "random" and value is not True:
        return "random must be true"
    return None


# (response type, id of a step's answer spec) -> (the spec, why it cannot apply, its key, value)
_SPECS: dict[tuple[str, int], tuple[Mapping[str, Any], str | None, str, Any]] = {}


def _read_spec(kind: str, spec: Mapping[str, Any]) -> tuple[str, Any]:
    """The key and value of an answer spec fit for `kind` (ValueError: why not), worked out
    once per scenario step's spec and response type, not for every request it answers."""
    kept = _SPECS.get((kind, id(spec)))
    if kept is None or kept[0] is not spec:
        problem = fits_spec(kind, spec)
        key = "" if problem else next(k for k in ANSWER_KEYS if k in spec)
        kept = (spec, problem, key, spec[key] if key else None)
        if len(_SPECS) >= 1024:
            _SPECS.clear()
        _SPECS[(kind, id(spec))] = kept
    if kept[1]:
        raise ValueError(kept[1])
    return kept[2], kept[3]


def answer_from_spec(cfg: ResponseConfig, spec: Mapping[str, Any], rng: random.Random) -> Any:
    """The `response_data` a scripted reviewer gives, in the request's form; ValueError if unfit."""
    kind = cfg.response_type
    key, value = _read_spec(kind, spec)
    if key == "random" or (key in ("choose", "choose_many") and value == "random"):
        return render_answer(cfg, _random_answer(cfg, rng))
    if key == "choose":
        picked: tuple[int, ...] = (_pick(cfg, value),)
        if kind == "multi_select":
            check_count(cfg, picked, "choose")
        return render_answer(cfg, picked)
    if key == "choose_many":
        indices = [_pick(cfg, ref) for ref in value]
        return render_answer(cfg, selection(cfg, indices, "choose_many", counts=True))
    if kind == "text":
        return check_text(cfg, value, "text", loose=False)
    if kind == "rating":
        return render_answer(cfg, check_rating(cfg, value, "rating", loose=False))
    if kind == "number":
        return render_answer(cfg, check_number(cfg, value, "number", loose=False))
    return render_answer(cfg, value)


def _pick(cfg: ResponseConfig, ref: Any) -> int:
    """Index of the option a scripted `choose` names (value, label, index or label fragment)."""
    count = len(cfg.options)
    if is_int(ref):
        if not 0 <= ref < count:
            raise ValueError(f"option index {ref} is out of range (0-{count - 1})")
        return int(ref)
    for attr in ("value", "label"):
        for index, option in enumerate(cfg.options):
            if getattr(option, attr) == ref:
                return index
    folded = str(ref).strip().casefold()
    hits = [i for i, o in enumerate(cfg.options) if folded and folded in o.label.casefold()]
    hits = hits or [i for i, o in enumerate(cfg.options) if folded and folded in o.value.casefold()]
    if len(hits) == 1:
        return hits[0]
    labels = describe_options(cfg)
    if hits:
        matched = ", ".join(labels[i] for i in hits)
        raise ValueError(f"option {ref!r} is ambiguous: it matches {matched}")
    raise ValueError(f"unknown option {ref!r}; options are: " + ", ".join(labels))


def _random_answer(cfg: ResponseConfig, rng: random.Random) -> Any:
    """A plausible canonical answer drawn from `rng` only, so a seed replays it exactly."""
    kind = cfg.response_type
    if kind == "single_select":
        return (rng.randrange(len(cfg.options)),)
    if kind == "multi_select":
        low, high = selection_bounds(cfg)
        size = rng.randint(max(low, 1), high)
        return tuple(sorted(rng.sample(range(len(cfg.options)), size)))
    if kind == "rating":
        return _random_rating(cfg, rng)
    if kind == "number":
        return _random_number(cfg, rng)
    if kind == "boolean":
        return rng.random() < 0.5
    text = rng.choice(_PHRASES)
    while len(text) < cfg.min_length:
        text += " " + rng.choice(_PHRASES)
    text = text[: cfg.max_length]
    return text[:-1] + "." if text.endswith(" ") else text


def _random_rating(cfg: ResponseConfig, rng: random.Random) -> Number:
    low: Number = cfg.min_value or 0
    high: Number = cfg.max_value or 0
    step: Number = cfg.step or 1
    points = math.floor((high - low) / step + EPS)
    return tidy(round(low + rng.randint(0, points) * step, 10))


def _random_number(cfg: ResponseConfig, rng: random.Random) -> Number:
    scale = 10**cfg.decimal_places
    low: Number = cfg.min_value if cfg.min_value is not None else -1000
    low = low if cfg.allow_negative else max(low, 0)
    high: Number = cfg.max_value if cfg.max_value is not None else low + 1000
    first, last = math.ceil(low * scale - EPS), math.floor(high * scale + EPS)
    if first > last:
        raise ValueError(f"no number with {cfg.decimal_places} decimal places fits {low}-{high}")
    return tidy(rng.randint(first, last) / scale)
