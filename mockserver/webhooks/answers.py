"""What an attempt records of a receiver's answer: at most ANSWER_PREFIX bytes of it, as sent
(never decompressed: a compressed answer is noted, not decoded), whether it was cut, and why a
failed attempt failed, in words a log reader acts on."""

from __future__ import annotations

import aiohttp

from mockserver.webhooks.deliveries import Attempt
from mockserver.webhooks.transport import ANSWER_PREFIX


async def read_answer(resp: aiohttp.ClientResponse, attempt: Attempt) -> None:
    """Record at most ANSWER_PREFIX bytes of the answer, as sent (the session never
    decompresses); a longer answer is cut and its connection dropped, not read to the end."""
    chunks: list[bytes] = []
    left = ANSWER_PREFIX
    while left > 0:
        chunk = await resp.content.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    truncated = not resp.content.at_eof()
    record_answer(attempt, b"".join(chunks), resp.headers.get("Content-Encoding", ""), truncated)
    if truncated:
        resp.close()


def record_answer(attempt: Attempt, raw: bytes, encoding: str, truncated: bool) -> None:
    """The answer's prefix as the delivery log shows it: text, or what a compressed one was."""
    encoding = encoding.strip().lower() or "identity"
    if raw and encoding != "identity":
        attempt.answer = f"<{len(raw)} bytes of {encoding} content, not decoded>"
    else:
        attempt.answer = raw.decode("utf-8", "replace") if raw else None
    attempt.answer_truncated = truncated


def reason(attempt: Attempt) -> str:
    """Why an attempt failed, in words a log reader acts on."""
    if attempt.error:
        return attempt.error + (" (simulated by the scenario)" if attempt.simulated else "")
    why = f"the receiver answered {attempt.status}"
    return why + (" (simulated by the scenario)" if attempt.simulated else "")
