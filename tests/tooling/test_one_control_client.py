"""`mockserver trigger`, `mockserver health` and `mockserver.testing` share one control-plane
client: the same class, so the same request for the same call (path, filter query, namespace
header, control token), the same transport and the same errors.

A recording server (standard library, port 0) answers every call with one JSON object and
keeps what it was sent."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mockserver.base.filters import DeliveryFilter, JournalFilter
from mockserver.cli import trigger
from mockserver.cli.main import main
from mockserver.client import control
from mockserver.http import appkeys
from mockserver.testing import AsyncControlClient, ControlClient

Seen = tuple[str, str, str | None, str | None]  # method, path+query, namespace, authorization
ANSWER = {"status": "ok", "vendors": [], "items": [], "entries": [], "deliveries": []}


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answer = json.dumps(ANSWER).encode()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.seen.append(
                    (
                        self.command,
                        self.path,
                        self.headers.get("X-Mockserver-Namespace"),
                        self.headers.get("Authorization"),
                    )
                )
                data = recorder.answer
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def take(self) -> list[Seen]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    monkeypatch.setenv("MOCKSERVER_CONTROL_TOKEN", "t0ken")
    rec = Recorder()
    thread = threading.Thread(target=rec.server.serve_forever, daemon=True)
    thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()
    thread.join(5)


def test_one_class_for_every_caller() -> None:
    assert vars(trigger)["ControlClient"] is control.ControlClient
    assert issubclass(ControlClient, control.ControlClient)
    assert ControlClient.request is control.ControlClient.request  # one way to call
    assert isinstance(AsyncControlClient(ControlClient("http://127.0.0.1:1")).sync, ControlClient)
    # the client's own copies of the server's names (appkeys loads aiohttp; the client must not)
    assert control.CONTROL_PREFIX == appkeys.CONTROL_PREFIX
    assert control.NAMESPACE_HEADER == appkeys.NAMESPACE_HEADER


def test_trigger_and_testing_send_the_same_request(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "list", "--url", recorder.url, "--namespace", "ns1"]) == 0
    assert main(["trigger", "list", "--url", recorder.url, "--vendor", "hitl"]) == 0
    by_trigger = recorder.take()  # each asks for the vendors (its verbs), then the items
    ControlClient(recorder.url, "ns1").vendors()
    ControlClient(recorder.url, "ns1").items()
    ControlClient(recorder.url).vendors()
    ControlClient(recorder.url).items(vendor="hitl")
    by_testing = recorder.take()
    assert by_testing == by_trigger
    assert by_trigger == [
        ("GET", "/_mockserver/vendors", "ns1", "Bearer t0ken"),
        ("GET", "/_mockserver/items", "ns1", "Bearer t0ken"),
        ("GET", "/_mockserver/vendors", None, "Bearer t0ken"),
        ("GET", "/_mockserver/items?vendor=hitl", None, "Bearer t0ken"),
    ]
    assert main(["health", "--url", recorder.url]) == 0
    assert recorder.take() == [("GET", "/_mockserver/health", None, "Bearer t0ken")]
    capsys.readouterr()


def test_keyword_filters_and_filter_objects_make_the_same_query(recorder: Recorder) -> None:
    client = ControlClient(recorder.url, "ns2")
    client.journal(vendor="hitl", method="post", status=201)
    client.journal(JournalFilter(vendor="hitl", method="post", status=201))
    client.wait_for_requests(2, timeout=1, path="/v1/*")
    client.deliveries(event="request.*", state="failed")
    client.deliveries(DeliveryFilter(event="request.*"), state="failed")  # the object, refined
    asyncio.run(AsyncControlClient(client).deliveries(event="request.*", state="failed"))
    paths = [path for _, path, namespace, _ in recorder.take() if namespace == "ns2"]
    assert paths == [
        "/_mockserver/journal?vendor=hitl&method=post&status=201",
        "/_mockserver/journal?vendor=hitl&method=post&status=201",
        "/_mockserver/wait/journal?count=2&timeout=1&path=%2Fv1%2F%2A",
        "/_mockserver/deliveries?event=request.%2A&state=failed",
        "/_mockserver/deliveries?event=request.%2A&state=failed",
        "/_mockserver/deliveries?event=request.%2A&state=failed",
    ]


def test_the_trigger_reaches_a_loopback_sandbox_past_a_proxy(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shared transport never sends a loopback call through HTTP_PROXY (the testing
    client always did; the trigger now does too)."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert main(["trigger", "list", "--url", recorder.url]) == 0
    assert [path for _, path, _, _ in recorder.take()] == [
        "/_mockserver/vendors",
        "/_mockserver/items",
    ]
    capsys.readouterr()


def test_both_say_the_same_when_nothing_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(control.ControlError) as caught:
        ControlClient("http://127.0.0.1:1", timeout=2).items()
    assert caught.value.message.startswith("cannot reach the sandbox at http://127.0.0.1:1: ")
    assert main(["trigger", "list", "--url", "http://127.0.0.1:1"]) == 1
    assert capsys.readouterr().err == f"mockserver trigger: {caught.value.message}\n"


def test_both_say_the_same_when_something_else_answers(
    recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder.answer = b"<html>not a sandbox</html>"
    with pytest.raises(control.ControlError) as caught:
        ControlClient(recorder.url).health()
    assert caught.value.message == (
        f"{recorder.url}/_mockserver/health did not answer JSON: is this a mockserver?"
    )
    assert main(["health", "--url", recorder.url]) == 1
    assert capsys.readouterr().err == f"mockserver health: {caught.value.message}\n"
