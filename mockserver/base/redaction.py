"""Secrets in what the sandbox shows (journal, delivery log, items, log lines, the exit dump)
become fingerprints, the same way wherever they appear.

A fingerprint is `<redacted:1a2b3c4d>`: the first 8 hex digits of the value's SHA-256, after
its first 4 characters when the value is at least 16 long (`<redacted:sk_l...1a2b3c4d>`), so a
test can still tell two keys apart without the log holding either. An `Authorization` value
keeps its scheme (`Bearer <redacted:...>`).

What counts as a secret: the value of a secret header (`is_secret_name`: `Authorization`,
`Cookie`, `X-Api-Key`, any name ending in `token`, `secret`, `password`, `apikey` ...) or query
parameter (the same names, and `signature`, `sig`), and the user information of a URL
(`https://user:pass@host`). `redact_url` handles one URL or path; `redact_text` every URL
inside a text or a JSON value (a `callback_url` field, a form body, a webhook payload), so a
secret shown nowhere in clear in one place is shown nowhere in clear at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
# Names (lower-case, without `-`, `_` and `.`) whose values are secrets: these exactly, or any
# name ending with one of SECRET_ENDINGS (`access_token`, `X-Auth-Token`, `client_secret`, ...).
# A query parameter's signature is one too (a presigned URL's grants access); a header's is not
# (a webhook signature: an HMAC a test checks, which tells nothing of the secret).
SECRET_NAMES = frozenset({"key", "pwd", "auth", "jwt", "apikey"})
SECRET_ENDINGS = (
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
    "accesskey",
    "secretkey",
    "sessionid",
)
PARAM_ENDINGS = ("signature", "sig")
_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_URL_END = frozenset(" \t\r\n\"'<>`{}|\\^")
MAX_SCHEME = 32  # characters looked at before a `://` for the scheme


def fingerprint(value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]
    head = value[:4] + "..." if len(value) >= 16 else ""
    return f"<redacted:{head}{digest}>"


def is_secret_name(name: str, *, param: bool = False) -> bool:
    """Whether a header (or, with `param`, a query parameter) of this name carries a secret."""
    low = name.lower()
    if low in SECRET_HEADERS:
        return True
    bare = low.replace("-", "").replace("_", "").replace(".", "")
    if param and bare.endswith(PARAM_ENDINGS):
        return True
    return bare in SECRET_NAMES or bare.endswith(SECRET_ENDINGS)


def redact_value(value: str) -> str:
    scheme, space, rest = value.strip().partition(" ")
    if space and scheme.lower() in _SCHEMES:
        return f"{scheme} {fingerprint(rest.strip())}"
    return fingerprint(value)


def redact_headers(
    headers: Mapping[str, str], extra: Collection[str] = frozenset()
) -> dict[str, str]:
    """A copy with every secret header's value (and those named in `extra`, lower-case) as a
    fingerprint."""
    return {
        k: redact_value(v) if is_secret_name(k) or k.lower() in extra else v
        for k, v in headers.items()
    }


def query_pairs(query: str) -> list[tuple[str, str]]:
    """A query string's parameters in order, blank values kept (as aiohttp reads them)."""
    try:
        return parse_qsl(query, keep_blank_values=True)
    except ValueError:
        return []


def redact_query(query: Mapping[str, str]) -> dict[str, str]:
    return {k: fingerprint(v) if is_secret_name(k, param=True) else v for k, v in query.items()}


def redact_url(url: str) -> str:
    """`url` (or a path with a query) with its user information and secret query values as
    fingerprints; anything else as it was."""
    if "?" not in url and "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    userinfo, at, host = netloc.rpartition("@")
    if at:
        netloc = f"{fingerprint(unquote(userinfo))}@{host}"
    query = parts.query
    pairs = query_pairs(query) if query else []
    if any(is_secret_name(k, param=True) for k, _ in pairs):
        safe = [(k, fingerprint(v) if is_secret_name(k, param=True) else v) for k, v in pairs]
        query = urlencode(safe, safe="<>:.", quote_via=quote)
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def redact_text(value: Any) -> Any:
    """`value` (a text, or JSON: objects, lists, texts) with every URL in it redacted as
    `redact_url` does, and the values of secret-named parameters of a form-encoded text (a
    `callback_url=` field whose URL is percent-encoded); a copy only where something changed.
    Linear in the size of `value`."""
    if isinstance(value, str):
        return _redact_string(value)
    if isinstance(value, dict):
        return {k: redact_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_text(v) for v in value]
    return value


def _redact_string(text: str) -> str:
    if "://" in text:
        text = "".join(_with_urls_redacted(text))
    if "%3a%2f%2f" in text.lower() and "=" in text and not any(c.isspace() for c in text):
        text = _redact_form(text)
    return text


def _with_urls_redacted(text: str) -> Iterator[str]:
    """`text` in pieces, each URL (`scheme://...` up to a space, quote or bracket) redacted."""
    done = 0
    at = text.find("://")
    while at != -1:
        start = at
        while start > max(done, at - MAX_SCHEME) and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        end = at + 3
        while end < len(text) and text[end] not in _URL_END:
            end += 1
        if start < at:
            yield text[done:start]
            yield redact_url(text[start:end])
        else:
            yield text[done:end]
        done = end
        at = text.find("://", end)
    yield text[done:]


def _redact_form(text: str) -> str:
    """A form-encoded text whose values hold URLs, each URL redacted (re-encoded only when
    something changed)."""
    pairs = query_pairs(text)
    safe = [(k, _redact_string(v) if "://" in v else v) for k, v in pairs]
    return urlencode(safe) if safe != pairs else text
