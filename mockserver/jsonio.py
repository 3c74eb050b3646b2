"""Fast JSON for answers and webhook bodies (orjson), in one place."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; anything orjson cannot encode natively is turned into a string.

    orjson refuses integers beyond 64 bits, which a client may well send (and see echoed
    back in metadata or context); those bodies take the standard library's slower path.
    """
    try:
        return orjson.dumps(value, default=str, option=_OPTIONS)
    except TypeError:
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=dumps(data), status=status, headers=headers, content_type="application/json"
    )


# orjson reads integers beyond 64 bits as floats (the standard library keeps them exact): a
# body with a run of 19 or more digits anywhere takes the standard library's path.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_DIGITS = b"0123456789"


def loads(raw: bytes) -> Any:
    """Parse a request body exactly as `json.loads` does (same values, same errors), through
    orjson where that gives the same result: the standard library decides every body orjson
    refuses (NaN, lone surrogates, UTF-16, deep nesting) and every long integer."""
    # (a body with fewer than 19 digits in all needs no search: deleting digits is cheaper)
    if len(raw) - len(raw.translate(None, _DIGITS)) < 19 or not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw)
