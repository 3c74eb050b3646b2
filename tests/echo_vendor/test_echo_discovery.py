"""What a client learns about the echo vendor from the sandbox itself, and what it derives from
that: `GET /_mockserver/vendors` and the pytest plugin's `Sandbox.url_for`."""

from __future__ import annotations

import pytest

from mockserver.testing.client import ControlClient
from mockserver.testing.sandbox import Sandbox

from .conftest import post_message


def test_the_vendors_endpoint_describes_it(running: str) -> None:
    (echo,) = [v for v in ControlClient(running).vendors() if v["name"] == "echo"]
    assert echo == {
        "name": "echo",
        "title": "Echo review",
        "path_prefixes": ["/echo"],
        "base_path": "",
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
        "openapi": ["echo"],
        "signatures": ["hmac-sha256"],
    }


def test_the_plugins_url_for_gives_its_base_url(running: str) -> None:
    sandbox = Sandbox(running, ControlClient(running), "in-process")
    assert sandbox.url_for("echo") == running
    assert post_message(sandbox.url_for("echo"), "hello")["status"] == "pending"
    with pytest.raises(KeyError, match="serves no vendor 'ekho'"):
        sandbox.url_for("ekho")
