"""What a client learns about the echo vendor from the sandbox itself, and what it derives from
that: `GET /_mockserver/vendors` and the pytest plugin's `Sandbox.url_for`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from mockserver.testing.client import ControlClient
from mockserver.testing.sandbox import Sandbox

from .conftest import post_message


def test_the_vendors_endpoint_describes_it(running: str) -> None:
    (echo,) = [v for v in ControlClient(running).vendors() if v["name"] == "echo"]
    port = echo["hosts"][0]["port"]  # a free port: the in-process sandbox serves every host
    assert isinstance(port, int) and port > 0
    assert echo == {
        "name": "echo",
        "title": "Echo review",
        "path_prefixes": ["/echo"],
        "base_path": "",
        "hosts": [{"name": "api.echo.example", "title": "Echo review API", "port": port}],
        "actions": [
            {"word": "approve", "bare": True, "description": "approve the message", "settings": {}},
            {
                "word": "reject",
                "bare": True,
                "description": "reject the message, optionally saying why",
                "settings": {
                    "reason": {"type": "string", "description": "why, sent in the webhook"}
                },
            },
        ],
        "statuses": ["pending", "approved", "rejected"],
        "waiting": ["pending"],
        "lifecycle": [
            {
                "status": "pending",
                "description": "waits for a reviewer",
                "waiting": True,
                "final": False,
                "event": None,
            },
            {
                "status": "approved",
                "description": "a reviewer approved it",
                "waiting": False,
                "final": True,
                "event": "message.decided",
            },
            {
                "status": "rejected",
                "description": "a reviewer rejected it",
                "waiting": False,
                "final": True,
                "event": "message.decided",
            },
        ],
        "events": ["message.decided"],
        "auth": {"header": "Authorization", "scheme": "Bearer"},
        "error_message": ["error", "message"],
        "openapi": ["echo"],
        "signatures": ["hmac-sha256"],
        "smoke": [
            {
                "method": "POST",
                "path": "/echo/messages",
                "body": {"text": "hello"},
                "expect": "id",
                "host": None,
            }
        ],
    }


def test_the_plugins_url_for_gives_its_base_url(running: str) -> None:
    sandbox = Sandbox(running, ControlClient(running), "in-process")
    assert sandbox.url_for("echo") == running
    assert post_message(sandbox.url_for("echo"), "hello")["status"] == "pending"
    with pytest.raises(KeyError, match="serves no vendor 'ekho'"):
        sandbox.url_for("ekho")


def test_its_declared_host_gets_a_port_answering_as_echo_alone(running: str) -> None:
    # No core change: the host is the vendor's declaration, its port the core's.
    sandbox = Sandbox(running, ControlClient(running), "in-process")
    own = sandbox.url_for("echo", host="api.echo.example")
    assert own != running and post_message(own, "hello")["status"] == "pending"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(own + "/_mockserver/health", timeout=5)  # loopback only
    assert json.loads(caught.value.read()) == {  # echo's error body, not the control plane
        "error": {
            "status": 404,
            "code": "not-found",
            "message": "No such endpoint: GET /_mockserver/health",
        }
    }
    with pytest.raises(KeyError, match=r"echo declares no host 'api\.hive\.ai'"):
        sandbox.url_for("echo", host="api.hive.ai")
