"""`multipart/form-data` bodies (RFC 7578) as Hive's Models API examples send them (`--form`).

One forward pass over the already-read body (bounded by the server's body limit), with hard
limits on what a hostile client could inflate: the number of parts, the size of each part's
header block and the size of a text field. Each `find` is bounded, so the work is linear in the
body, and nothing is decoded beyond what the fields need: RFC 2047 encoded words
(`=?utf-8?q?...?=`) and `Content-Transfer-Encoding` are kept as sent, as RFC 7578 (4.5, 4.7)
has them unused in form data. (The standard library's email parser, used before, spent memory
with the square of a part's header size on encoded words.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from mockserver.base.errors import ApiError

from .charsets import DESCRIBED, decode, text_codec

MAX_PARTS: Final = 100
MAX_PART_HEADER_BYTES: Final = 8 * 1024
MAX_FIELD_BYTES: Final = 256 * 1024  # a text field; a file part is bounded by the body limit
_MAX_BOUNDARY: Final = 200  # RFC 2046 allows 70; leave room for lenient clients

_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)
_PARAM = re.compile(r';\s*([A-Za-z0-9!#$%&\'*+.^_`|~-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart field (the Models API's `media`)."""

    filename: str
    content_type: str
    data: bytes


def _invalid(message: str) -> ApiError:
    return ApiError(400, f"The multipart body does not parse: {message}", code="invalid_form")


def _too_large(message: str) -> ApiError:
    return ApiError(413, f"The multipart body is too large: {message}", code="payload_too_large")


def _boundary(content_type: str) -> bytes:
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise _invalid("the Content-Type has no boundary")
    return (found.group(1) or found.group(2)).encode("latin-1", "replace")


def _params(value: str) -> tuple[str, dict[str, str]]:
    """`form-data; name="a"; filename="b"` -> ("form-data", {"name": "a", "filename": "b"})."""
    kind, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + rest):
        raw = match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1]
            if "\\" in raw:
                raw = re.sub(r"\\(.)", r"\1", raw)
        params.setdefault(match.group(1).lower(), raw)
    return kind.strip().lower(), params


def _ext_value(raw: str) -> str:
    """An RFC 5987 `filename*` value (`utf-8''na%C3%AFve.jpg`); a charset outside the list
    (charsets.py) is read as UTF-8, as before for one Python did not know."""
    from urllib.parse import unquote_to_bytes

    charset, _, rest = raw.partition("'")
    _, _, encoded = rest.partition("'")
    return decode(unquote_to_bytes(encoded), text_codec(charset) or "utf_8")


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            raise _invalid("a part header line has no colon")
        key = name.strip().decode("latin-1").lower()
        headers.setdefault(key, value.strip().decode("utf-8", "replace"))
    return headers


def parse_multipart(
    body: bytes, content_type: str, add: Callable[[dict[str, Any], str, Any], None]
) -> dict[str, Any]:
    """The fields of a multipart body; `add` stores one (repeated names become lists)."""
    boundary = _boundary(content_type)
    delimiter = b"--" + boundary
    separator = b"\r\n" + delimiter
    start = body.find(delimiter)
    if start < 0:
        raise _invalid("the boundary never appears")
    pos = start + len(delimiter)
    fields: dict[str, Any] = {}
    parts = 0
    while not body.startswith(b"--", pos):
        eol = body.find(b"\r\n", pos, pos + _MAX_BOUNDARY)
        if eol < 0:
            raise _invalid("a boundary line does not end")
        pos = eol + 2
        parts += 1
        if parts > MAX_PARTS:
            raise _too_large(f"more than {MAX_PARTS} parts")
        if body.startswith(b"\r\n", pos):
            block, data_start = b"", pos + 2
        else:
            head_end = body.find(b"\r\n\r\n", pos, pos + MAX_PART_HEADER_BYTES + 4)
            if head_end < 0:
                if len(body) - pos > MAX_PART_HEADER_BYTES:
                    raise _too_large(f"a part's headers exceed {MAX_PART_HEADER_BYTES} bytes")
                raise _invalid("a part's headers do not end")
            block, data_start = body[pos:head_end], head_end + 4
        end = body.find(separator, data_start)
        if end < 0:
            raise _invalid("a part is not closed by the boundary")
        pos = end + len(separator)
        _store(fields, _headers(block) if block else {}, body, data_start, end, add)
    return fields


def _store(
    fields: dict[str, Any],
    headers: dict[str, str],
    body: bytes,
    start: int,
    end: int,
    add: Callable[[dict[str, Any], str, Any], None],
) -> None:
    kind, params = _params(headers.get("content-disposition", ""))
    name = params.get("name")
    if kind != "form-data" or name is None:
        return  # RFC 7578 4.2: every part names its field; others are skipped, as before
    filename = params.get("filename")
    if "filename*" in params:
        filename = _ext_value(params["filename*"])
    media, ctype = _params(headers.get("content-type", "text/plain"))
    if filename:
        add(fields, name, Upload(filename, media or "application/octet-stream", body[start:end]))
        return
    if end - start > MAX_FIELD_BYTES:
        raise _too_large(f"field {name!r} exceeds {MAX_FIELD_BYTES} bytes")
    charset = ctype.get("charset", "utf-8")
    codec = text_codec(charset)
    if codec is None:
        raise _invalid(
            f"field {name!r} declares charset {charset!r}, which is not a text charset this "
            f"API decodes ({DESCRIBED})"
        )
    add(fields, name, decode(body[start:end], codec))
