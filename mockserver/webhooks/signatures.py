"""Webhook signature schemes: one object signs what the sandbox sends and verifies what a
receiver got, so the pytest receiver checks any vendor's deliveries through the same code.

`verify` answers None when the headers carry none of this scheme's headers (unsigned for it),
else whether the signature or secret is right. Signing and verifying share one code path:
HMAC-SHA256 over the exact bytes sent, compared in constant time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    """hex(HMAC-SHA256(secret, body)) (RFC 2104), from the key's two padded states hashed once
    per secret: two hash copies per body, without the `hmac` module's Python layers."""
    inner, outer = _keyed(secret)
    digest = inner.copy()
    digest.update(body)
    mac = outer.copy()
    mac.update(digest.digest())
    return mac.hexdigest()


@functools.lru_cache(maxsize=64)  # a scenario signs with a few secrets, thousands of times
def _keyed(secret: str) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 over the key XOR ipad and over the key XOR opad (RFC 2104, section 2)."""
    key = secret.encode("utf-8")
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return (
        hashlib.sha256(key.translate(_IPAD)),
        hashlib.sha256(key.translate(_OPAD)),
    )


_BLOCK = 64  # SHA-256's block size in bytes
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def verify_hmac_sha256(secret: str, body: bytes, signature: str, prefix: str = "") -> bool:
    """Constant-time check of `signature` (optionally `prefix` + hex) against the body."""
    expected = prefix + hmac_sha256_hex(secret, body)
    return hmac.compare_digest(expected.encode(), signature.encode())


class Signature(Protocol):
    @property
    def name(self) -> str:
        """A short name for the scheme, shown by the receiver (`hmac-sha256`, `bearer`, ...)."""
        ...

    def sign(self, secret: str, body: bytes) -> dict[str, str]: ...

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool | None: ...


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class HmacSignature:
    """`header: prefix + hex(HMAC-SHA256(secret, body))` over the exact bytes sent."""

    header: str
    prefix: str = ""
    name: str = "hmac-sha256"

    def sign(self, secret: str, body: bytes) -> dict[str, str]:
        return {self.header: self.prefix + hmac_sha256_hex(secret, body)}

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool | None:
        got = _header(headers, self.header)
        if got is None:
            return None
        return verify_hmac_sha256(secret, body, got, self.prefix)


@dataclass(frozen=True)
class SharedSecret:
    """The secret itself in a header, optionally after a prefix (`Authorization: Bearer s`)."""

    header: str = "Authorization"
    prefix: str = "Bearer "
    name: str = "bearer"

    def sign(self, secret: str, body: bytes) -> dict[str, str]:
        return {self.header: self.prefix + secret}

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool | None:
        got = _header(headers, self.header)
        if got is None:
            return None
        return hmac.compare_digest((self.prefix + secret).encode(), got.encode())
