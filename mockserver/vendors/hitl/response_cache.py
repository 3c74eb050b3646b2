"""Parsed HITL.sh response configs, cached by their exact JSON, with the default responses
already found to fit each.

A client sends the same few configs over and over: parsing each once, and sharing one frozen
config per form among the requests that use it, saves CPU per call and memory per stored
request. Only valid configs and defaults are kept (a validation error raises before anything is
stored); the cache is cleared once it holds `CACHE_CAP` forms.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from mockserver.vendors.hitl.answer_checks import check_default_response
from mockserver.vendors.hitl.response_config import parse_response_config
from mockserver.vendors.hitl.response_model import ResponseConfig

# The defaults found to fit a config: a string default as itself, another by its JSON.
Fitting = set[bytes | str]

# by (response_type, strict, the config's exact JSON)
_PARSED: dict[tuple[str, bool, bytes], tuple[ResponseConfig, Fitting]] = {}
CACHE_CAP = 512


def parsed_config(
    response_type: str, config: Any, *, strict: bool
) -> tuple[ResponseConfig, Fitting | None]:
    key = json_key(config)
    if key is None:
        return parse_response_config(response_type, config, strict=strict), None
    found = _PARSED.get((response_type, strict, key))
    if found is None:
        found = (parse_response_config(response_type, config, strict=strict), set())
        if len(_PARSED) >= CACHE_CAP:
            _PARSED.clear()
        _PARSED[(response_type, strict, key)] = found
    return found


def json_key(value: Any) -> bytes | None:
    """`value`'s exact JSON as a cache key; None where that JSON would not tell values apart
    (orjson encodes NaN and infinities as null) or cannot be made."""
    try:
        key = orjson.dumps(value)
    except TypeError:
        return None
    # a real null, or a NaN / Infinity encoded as null (`find`: `in` on bytes first tries the
    # needle as an integer and builds a TypeError, a few thousand instructions)
    if key.find(b"null") != -1:
        try:
            key = json.dumps(value, allow_nan=False, separators=(",", ":")).encode()
        except ValueError:
            return None
    return key


def check_default(
    cfg: ResponseConfig, fitting: Fitting | None, value: Any, *, strict: bool
) -> None:
    """check_default_response, skipped for a default that already fit this config (a string
    is its own key: equal strings are equal JSON, with no encoding to make)."""
    if fitting is None or value is None:
        check_default_response(cfg, value, strict=strict)
        return
    key = value if isinstance(value, str) else json_key(value)
    if key is not None and key in fitting:
        return
    check_default_response(cfg, value, strict=strict)
    if key is not None and len(fitting) < CACHE_CAP:
        fitting.add(key)
