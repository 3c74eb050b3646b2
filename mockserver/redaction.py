"""Secrets in what the sandbox shows (journal, delivery log, log lines) become fingerprints.

A fingerprint is `<redacted:1a2b3c4d>`: the first 8 hex digits of the value's SHA-256, after
its first 4 characters when the value is at least 16 long (`<redacted:sk_l...1a2b3c4d>`), so a
test can still tell two keys apart without the log holding either. An `Authorization` value
keeps its scheme (`Bearer <redacted:...>`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
SECRET_PARAMS = frozenset({"api_key", "apikey", "token", "access_token", "key"})
_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})


def fingerprint(value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]
    head = value[:4] + "..." if len(value) >= 16 else ""
    return f"<redacted:{head}{digest}>"


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
        k: redact_value(v) if (low := k.lower()) in SECRET_HEADERS or low in extra else v
        for k, v in headers.items()
    }


def redact_query(query: Mapping[str, str]) -> dict[str, str]:
    return {k: fingerprint(v) if k.lower() in SECRET_PARAMS else v for k, v in query.items()}


def redact_url(url: str) -> str:
    """`url` (or a path with a query) with secret query values as fingerprints."""
    if "?" not in url:
        return url
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    safe = [(k, fingerprint(v) if k.lower() in SECRET_PARAMS else v) for k, v in pairs]
    return urlunsplit(parts._replace(query=urlencode(safe, safe="<>:.")))
