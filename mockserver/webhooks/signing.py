"""One signer and one verifier sharing one code path: HMAC-SHA256 over the exact bytes sent."""

from __future__ import annotations

import hashlib
import hmac


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_hmac_sha256(secret: str, body: bytes, signature: str, prefix: str = "") -> bool:
    """Constant-time check of `signature` (optionally `prefix` + hex) against the body."""
    expected = prefix + hmac_sha256_hex(secret, body)
    return hmac.compare_digest(expected.encode(), signature.encode())
