"""What the Hive and Outharm client profiles share: a client's origin swapped for the
sandbox's port answering as that real host (`Sandbox.url_for(vendor, host=...)`), so each
profile changes nothing but the origin and the key, and a multipart file upload sent the way
the Node and Go form libraries send one."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

import requests

from mockserver.testing import Sandbox

TIMEOUT = 5.0


def origin(sandbox: Sandbox, vendor: str, real_url: str) -> str:
    """`real_url` (e.g. `https://api.thehive.ai/api/v2/task/sync`, as the client has it) with
    its origin replaced by the sandbox port answering as that host alone."""
    parts = urlsplit(real_url)
    base = sandbox.url_for(vendor, host=parts.hostname or "")
    return base + parts.path + (f"?{parts.query}" if parts.query else "")


def multipart_file(field: str, filename: str, data: bytes, part_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body with one file part and its Content-Type header: a random
    boundary, `Content-Disposition: form-data; name=...; filename=...` and the part's type."""
    boundary = "----------------------------" + secrets.token_hex(12)
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {part_type}\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post(url: str, headers: dict[str, str], **kwargs: Any) -> requests.Response:
    return requests.post(url, headers=headers, timeout=TIMEOUT, **kwargs)


def no_lenience(sandbox: Sandbox) -> None:
    """The sandbox noted nothing it would refuse when strict: the calls are as documented."""
    report = sandbox.lenience()
    assert report["rules"] == [], report
