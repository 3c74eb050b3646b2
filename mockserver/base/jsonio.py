"""Fast JSON for answers and webhook bodies (orjson), and the one bounded parser every
request body goes through, in one place.

Unpaired surrogates: JSON text may hold `"\ud83d"` (half of an emoji, as a JavaScript client
that cut a string in the middle of a pair writes it), which is valid JSON but no Unicode text:
UTF-8 cannot encode it, so no answer, journal entry or webhook could show it. The parser
replaces each one with U+FFFD (the replacement character), as UTF-8 decoders replace bytes they
cannot decode (https://www.unicode.org/versions/Unicode15.0.0/ch03.pdf, U+FFFD substitution),
and the encoder does the same for any that arrive by another way (a header, a query), so
nothing the sandbox stores can fail to serialise later (docs/fidelity.md, "Text encoding").
"""

from __future__ import annotations

import codecs
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
        value, from_orjson = _parse(raw)
    except RecursionError:
        raise TooDeep() from None
    if isinstance(raw, bytes):
        opens = raw.count(b"[") + raw.count(b"{")
    else:
        opens = raw.count("[") + raw.count("{")
    if opens > MAX_DEPTH and _too_deep(value):
        raise TooDeep()
    # orjson refuses every text that decodes to an unpaired surrogate: only the standard
    # library's values can hold one
    if not from_orjson and _may_hold_surrogates(raw):
        value = _replace_surrogates(value)
    return value


# A `\uD800`-`\uDFFF` escape: only text holding one can decode to an unpaired surrogate
# (orjson refuses those texts, so only the standard library's path meets them).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _may_hold_surrogates(raw: bytes | str) -> bool:
    if isinstance(raw, bytes):
        return _SURROGATE_ESCAPE_BYTES.search(raw) is not None
    return _SURROGATE_ESCAPE.search(raw) is not None or _SURROGATE.search(raw) is not None


def _replace_surrogates(value: Any) -> Any:
    """`value` with every unpaired surrogate in its strings (keys too) replaced by U+FFFD (the
    decoder joined every pair already). Depth is at most MAX_DEPTH here."""
    if isinstance(value, str):
        return _SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    return value


_REPLACEMENT_UTF8 = REPLACEMENT.encode()


def _substitute(error: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: U+FFFD for each character UTF-8 cannot encode (a surrogate)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return _REPLACEMENT_UTF8 * (error.end - error.start), error.end


codecs.register_error("mockserver.replace", _substitute)


# orjson reads integers beyond 64 bits as floats (the standard library keeps them exact): a
# body with a run of 19 or more digits anywhere takes the standard library's path.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_DIGITS = b"0123456789"


def _parse(raw: bytes | str) -> tuple[Any, bool]:
    """`json.loads(raw)`, through orjson where that gives the same result (same values, same
    errors): the standard library decides every body orjson refuses (NaN, lone surrogates,
    UTF-16, deep nesting) and every body that may hold a long integer (a body with fewer than
    19 digits in all needs no search: deleting digits is cheaper). With it, whether orjson
    parsed it."""
    if isinstance(raw, bytes) and (
        len(raw) - len(raw.translate(None, _DIGITS)) < 19 or not _LONG_DIGITS.search(raw)
    ):
        try:
            return orjson.loads(raw), True
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw), False


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
    back in metadata or context), and unpaired surrogates (from a header or a query: bodies
    never hold one); those values take the standard library's slower path, which writes each
    surrogate as U+FFFD.
    """
    try:
        # orjson's bytes keep the buffer they were written in (4 KiB at least, 16 KiB for a
        # 2 KiB body): an exact-size copy, as answers end up in the journal and webhook bodies
        # wait for their retries
        return bytes(memoryview(orjson.dumps(value, default=str)))
    except TypeError:
        pass
    try:
        # a key that is not a string (rare): OPT_NON_STR_KEYS writes it as one, but that option
        # takes twice as long over every dict, so only a value that needs it pays for it
        return bytes(memoryview(orjson.dumps(value, default=str, option=_OPTIONS)))
    except TypeError:
        text = json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "mockserver.replace")


def json_response(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=dumps(data), status=status, headers=headers, content_type="application/json"
    )
