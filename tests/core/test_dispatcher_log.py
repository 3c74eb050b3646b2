"""What the dispatcher tells the people and waits watching it: one log line per attempt (its
words, level and structured fields, which the console and log shippers read), the reason a
failed attempt gives, the attempt's duration, and the change notices long-polling waits
(`/_mockserver/deliveries?wait=`) wake on."""

from __future__ import annotations

import asyncio
import hmac
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.base.ids import IdFactory
from mockserver.records.clock import Clock
from mockserver.records.notifier import Notifier
from mockserver.scenario.model import WebhookFault
from mockserver.webhooks import attempts as attempts_module
from mockserver.webhooks.dispatcher import Dispatcher
from mockserver.webhooks.policy import RetryPolicy
from mockserver.webhooks.signatures import hmac_sha256_hex, verify_hmac_sha256

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
URL = "http://127.0.0.1:9/hook?token=s3cret"
SHOWN = "http://127.0.0.1:9/hook?token=<redacted:"  # the token only as a fingerprint
POLICY = RetryPolicy((15.0, 60.0), timeout=2.0)
FIELDS = ("vendor", "method", "path", "status", "namespace", "item", "event", "reason")


class Sessions:
    """One client session, made on first use and closed by the test."""

    def __init__(self) -> None:
        self.made: list[aiohttp.ClientSession] = []

    def __call__(self) -> aiohttp.ClientSession:
        if not self.made:
            self.made.append(aiohttp.ClientSession())
        return self.made[0]

    async def close(self) -> None:
        for s in self.made:
            await s.close()


def make(
    *answers: int | str, namespace: str | None = None, notifier: Notifier | None = None
) -> tuple[Dispatcher, Clock, Sessions]:
    clock = Clock(START, "manual", 1.0)
    sessions = Sessions()
    faults = (WebhookFault("*/hook*", tuple(answers)),) if answers else ()
    d = Dispatcher(
        clock,
        IdFactory(random.Random(1)),
        notifier or Notifier(),
        sessions,
        10,
        faults,
        namespace="" if namespace is None else namespace,
    )
    return d, clock, sessions


def send(d: Dispatcher, url: str = URL, **kw: Any) -> Any:
    return d.send(
        vendor="hitl",
        event="request.completed",
        url=url,
        body=b"{}",
        headers={"X-Sig": "s"},
        policy=POLICY,
        subject="r1",
        **kw,
    )


def lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str, dict[str, Any]]]:
    return [
        (r.levelno, r.getMessage(), {f: getattr(r, f, "absent") for f in FIELDS})
        for r in caplog.records
        if r.name == "mockserver.webhooks"
    ]


async def test_each_attempt_logs_one_line_with_its_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "mockserver.webhooks")
    d, clock, _ = make(500, 200, namespace="team-a")
    send(d)
    await clock.advance(15)
    (failed_level, failed, failed_fields), (ok_level, ok, ok_fields) = lines(caplog)
    assert failed_level == logging.WARNING
    assert failed.startswith(f"webhook request.completed {SHOWN}")
    assert failed.endswith(" -> 500 (attempt 1, pending)")
    assert "s3cret" not in failed
    assert str(failed_fields.pop("path")).startswith(SHOWN)
    assert failed_fields == {
        "vendor": "hitl",
        "method": "POST",
        "status": 500,
        "namespace": "team-a",
        "item": "r1",
        "event": "request.completed",
        "reason": "the receiver answered 500 (simulated by the scenario)",
    }
    assert ok_level == logging.INFO
    assert ok.endswith(" -> 200 (attempt 2, delivered)")
    assert ok_fields["reason"] is None and ok_fields["status"] == 200


@pytest.mark.parametrize(
    ("answer", "level"),
    [(200, logging.INFO), (299, logging.INFO), (199, logging.WARNING), (300, logging.WARNING)],
)
async def test_only_a_2xx_logs_as_info(
    caplog: pytest.LogCaptureFixture, answer: int, level: int
) -> None:
    caplog.set_level(logging.INFO, "mockserver.webhooks")
    d, clock, _ = make(answer)
    send(d)
    await clock.advance(0)
    ((got, _, fields),) = lines(caplog)
    assert got == level
    assert fields["namespace"] == ""  # no namespace: the default one
    assert fields["reason"] == (
        None
        if level == logging.INFO
        else f"the receiver answered {answer} (simulated by the scenario)"
    )


@pytest.mark.parametrize(
    ("fault", "error"),
    [("reset", "connection reset"), ("timeout", "timed out (simulated)")],
)
async def test_a_simulated_network_failure_names_itself(
    caplog: pytest.LogCaptureFixture, fault: str, error: str
) -> None:
    caplog.set_level(logging.INFO, "mockserver.webhooks")
    d, clock, _ = make(fault)
    delivery = send(d)
    await clock.advance(0)
    assert delivery.attempts[0].error == error
    ((level, message, fields),) = lines(caplog)
    assert level == logging.WARNING
    assert message.endswith(f" -> {error} (attempt 1, pending)")
    assert fields["status"] is None
    assert fields["reason"] == f"{error} (simulated by the scenario)"


async def test_a_real_receivers_failure_is_not_called_simulated(
    caplog: pytest.LogCaptureFixture, aiohttp_server: Callable[..., Awaitable[TestServer]]
) -> None:
    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=503)

    app = web.Application()
    app.router.add_post("/busy", busy)
    server = await aiohttp_server(app)
    caplog.set_level(logging.INFO, "mockserver.webhooks")
    d, clock, sessions = make()
    try:
        send(d, url=str(server.make_url("/busy")))
        closed = send(d, url="http://127.0.0.1:9/closed")
        await clock.advance(0)
    finally:
        await sessions.close()
    (_, _, answered), (_, _, unreachable) = lines(caplog)
    assert answered["reason"] == "the receiver answered 503"
    assert str(unreachable["reason"]).startswith("ClientConnectorError: ")
    assert unreachable["reason"] == closed.attempts[0].error  # nothing added: it was real


async def test_an_attempt_records_how_long_it_took(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks: Iterator[float] = iter([100.0, 100.123456])
    monkeypatch.setattr(attempts_module, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    d, clock, _ = make(200)
    delivery = send(d)
    await clock.advance(0)
    assert delivery.attempts[0].duration_ms == pytest.approx(123.456)
    assert delivery.to_json()["attempts"][0]["duration_ms"] == 123.46  # 2 decimals


def test_secret_headers_are_shown_as_fingerprints() -> None:
    d, _, _ = make()
    delivery = send(d, secret_headers=("X-Sig",))
    shown = delivery.to_json()["headers"]
    assert shown["X-Sig"].startswith("<redacted:") and shown["Content-Type"] == "application/json"
    again = d.redeliver(delivery)
    assert again.to_json()["headers"]["X-Sig"].startswith("<redacted:")


async def test_waits_on_a_delivery_wake_on_its_sending_and_each_attempt() -> None:
    notifier = Notifier()
    d, clock, _ = make(500, 200, notifier=notifier)
    seen: list[Any] = []
    others: list[Any] = []

    def mine(delivery: Any) -> bool:
        seen.append(delivery)
        return True

    def other(delivery: Any) -> bool:
        others.append(delivery)
        return True

    def delivered() -> bool:
        return any(x.state == "delivered" for x in d.log)

    waits = [
        asyncio.ensure_future(
            notifier.wait_for(delivered, 5, topic="deliveries", key="r1", accepts=mine)
        ),
        asyncio.ensure_future(
            notifier.wait_for(delivered, 0.5, topic="deliveries", key="r2", accepts=other)
        ),
        asyncio.ensure_future(notifier.wait_for(delivered, 0.5, topic="journal", key="r1")),
    ]
    await asyncio.sleep(0)  # let the waits park (a yield, not a delay)
    assert notifier.waiting() == 3
    delivery = send(d)
    assert seen == [delivery]  # the send woke the wait on r1 with the delivery
    assert others == []
    await asyncio.sleep(0)  # the woken wait re-checks and parks again
    await clock.advance(15)
    assert seen == [delivery, delivery]  # the first attempt woke it again (it then re-checks)
    assert others == []
    assert await waits[0] is True
    assert notifier.wakeups == 2
    for wait in waits[1:]:
        wait.cancel()


def test_signatures_match_the_published_hmac_sha256() -> None:
    # A receiver verifies with its own HMAC library, so the signer must agree with the standard
    # (the well-known HMAC-SHA256 example: key "key", the quick brown fox).
    body = b"The quick brown fox jumps over the lazy dog"
    known = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert hmac_sha256_hex("key", body) == known
    assert verify_hmac_sha256("key", body, known)  # no prefix unless one is named
    assert verify_hmac_sha256("key", body, "sha256=" + known, prefix="sha256=")
    assert not verify_hmac_sha256("key", body + b".", known)


@settings(max_examples=200, deadline=None)
@given(secret=st.text(max_size=100), body=st.binary(max_size=300))
def test_signatures_agree_with_the_standard_library_for_any_secret(
    secret: str, body: bytes
) -> None:
    # the signer keeps the key's padded states itself: a key longer than the hash's block
    # (64 bytes, hashed first), of multi-byte characters or empty must sign as `hmac` does
    expected = hmac.new(secret.encode(), body, "sha256").hexdigest()
    assert hmac_sha256_hex(secret, body) == expected


async def test_the_delivery_log_keeps_what_the_receiver_answered(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    async def short(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def latin(request: web.Request) -> web.Response:
        return web.Response(body=b"caf\xe9", status=500)

    async def choices(request: web.Request) -> web.Response:
        return web.Response(status=300, headers={"Location": "/elsewhere"})

    app = web.Application()
    for path, handler in (("/short", short), ("/empty", empty), ("/latin", latin)):
        app.router.add_post(path, handler)
    app.router.add_post("/choices", choices)
    server = await aiohttp_server(app)
    d, clock, sessions = make()
    try:
        sent = {p: send(d, url=str(server.make_url(p))) for p in ("/short", "/empty", "/latin")}
        sent["/choices"] = send(d, url=str(server.make_url("/choices")))
        sent["bad"] = send(d, url="http://a..b/hook")  # no usable host name
        await clock.advance(0)
    finally:
        await sessions.close()
    first = {p: x.attempts[0] for p, x in sent.items()}
    assert (first["/short"].answer, first["/short"].answer_truncated) == ("ok", False)
    assert first["/empty"].answer is None and sent["/empty"].state == "delivered"
    assert first["/latin"].answer == "caf\ufffd"  # undecodable bytes shown, not an error
    assert first["/choices"].location == "/elsewhere"
    assert first["/choices"].error == "redirect to /elsewhere not followed"
    assert str(first["bad"].error).startswith("invalid URL: ")


async def test_a_redelivery_is_the_same_delivery_again() -> None:
    d, clock, _ = make(500, 200)
    first = send(d)
    await clock.advance(0)
    again = d.redeliver(first)
    assert (again.vendor, again.url, again.policy) == ("hitl", URL, POLICY)
    assert (again.event, again.subject, again.body) == ("request.completed", "r1", b"{}")
    assert again.headers == {"Content-Type": "application/json", "X-Sig": "s"}
