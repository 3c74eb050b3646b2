"""Fast JSON for answers and webhook bodies (orjson), and the one bounded parser every
request body goes through, in one place."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

_OPTIONS = orjson.OPT_NON_STR_KEYS

# Deepest nesting accepted in any JSON body (arrays and objects), as Ruby's JSON parser
# defaults to: deeper bodies are refused before they reach a handler, the journal or orjson
# (whose encoder stops at 255 levels).
MAX_DEPTH = 100


class TooDeep(ValueError):
    """A JSON text nested deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"nested too deeply (more than {MAX_DEPTH} levels)")


def loads(raw: bytes | str) -> Any:
    """`json.loads` with the nesting capped at MAX_DEPTH: ValueError for text that is not JSON
    (TooDeep when too deep). Costs one `count` over the text unless it holds more brackets than
    MAX_DEPTH, when the parsed value's depth is measured."""
    try:
        value = _parse(raw)
    except RecursionError:
        raise TooDeep() from None
    if isinstance(raw, bytes):
        opens = raw.count(b"[") + raw.count(b"{")
    else:
        opens = raw.count("[") + raw.count("{")
    if opens > MAX_DEPTH and _too_deep(value):
        raise TooDeep()
    return value


# orjson reads integers beyond 64 bits as floats (the standard library keeps them exact): a
# body with a run of 19 or more digits anywhere takes the standard library's path.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_DIGITS = b"0123456789"


def _parse(raw: bytes | str) -> Any:
    """`json.loads(raw)`, through orjson where that gives the same result (same values, same
    errors): the standard library decides every body orjson refuses (NaN, lone surrogates,
    UTF-16, deep nesting) and every body that may hold a long integer (a body with fewer than
    19 digits in all needs no search: deleting digits is cheaper)."""
    if isinstance(raw, bytes) and (
        len(raw) - len(raw.translate(None, _DIGITS)) < 19 or not _LONG_DIGITS.search(raw)
    ):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; anything orjson cannot encode natively is turned into a string.

    orjson refuses integers beyond 64 bits, which a client may well send (and see echoed
    back in metadata or context); those bodies take the standard library's slower path.
    """
    try:
        # orjson's bytes keep the buffer they were written in (4 KiB at least, 16 KiB for a
        # 2 KiB body): an exact-size copy, as answers end up in the journal and webhook bodies
        # wait for their retries
        return bytes(memoryview(orjson.dumps(value, default=str, option=_OPTIONS)))
    except TypeError:
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=dumps(data), status=status, headers=headers, content_type="application/json"
    )
