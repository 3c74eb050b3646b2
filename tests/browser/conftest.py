"""Fixtures for the reviewer console's browser tests: one headless Chromium per test session,
a sandbox on a free loopback port with a manual clock, and a webhook receiver it signs for.

The browser is Debian's `chromium` with `chromium-driver` (`.ci/run` installs them when
missing). These tests never skip on their own: without the browser they fail, naming the
packages; set MOCKSERVER_SKIP_BROWSER=1 to leave them out on a machine that cannot have one.
A failing test leaves a screenshot and the page's HTML in build/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from mockserver.http.settings import Settings
from mockserver.testing.receiver import ReceiverEndpoint, WebhookReceiver
from mockserver.testing.server import InProcessServer

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
LOOP = "65f1234567890abcdef12345"
HITL_KEY = "console-test"
SCHEMA_ID = "550e8400-e29b-41d4-a716-446655440000"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1100",
)
# {hook} is the receiver endpoint's URL, {secret} its secret.
SCENARIO = """
name: console-day
description: A reviewer's day in the console; nothing is decided without the reviewer.
seed: 3
clock: manual
start: 2026-01-05T09:00:00Z
reviewers:
  - {{name: Dana Reviewer, email: dana@example.com}}
  - {{name: Sam Moderator, email: sam@example.com}}
hitl:
  webhook_secret: "{secret}"
  loops: [{{id: {loop}, name: Trust and Safety}}]
  rules:
    - when: {{text_contains: slow}}
      then: timeout
    - otherwise: [{{claim: {{after: 10m}}}}, {{respond: {{after: 20m, choose: Approve}}}}]
outharm:
  webhook: {{url: "{hook}", secret: "{secret}"}}
  manual:
    - otherwise: hold
hive:
  text:
    - {{matches: "(?i)idiot", class: bullying, score: 3}}
  rules:
    - {{name: Send to Review Feed, if: "bullying >= 2", action: review}}
  actions:
    ban_user: {{url: "{hook}"}}
    delete_post: {{url: "{hook}"}}
"""


def _browser_paths() -> tuple[str, str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.fail(
            "the browser tests need Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver; .ci/run does this), "
            "or MOCKSERVER_SKIP_BROWSER=1 to leave them out"
        )
    return binary, driver


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("MOCKSERVER_SKIP_BROWSER") == "1":
        skip = pytest.mark.skip(reason="MOCKSERVER_SKIP_BROWSER=1")
        for item in items:
            if Path(str(item.fspath)).parent == Path(__file__).parent:
                item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def driver() -> Iterator[webdriver.Chrome]:
    binary, path = _browser_paths()
    profile = tempfile.mkdtemp(prefix="mockserver-chromium-")
    options = Options()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=path))
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def hook() -> Iterator[ReceiverEndpoint]:
    receiver = WebhookReceiver().start()
    yield receiver.endpoint()
    receiver.stop()


@pytest.fixture(scope="session")
def sandbox(hook: ReceiverEndpoint) -> Iterator[InProcessServer]:
    server = InProcessServer(Settings.from_env({})).start()
    # Uploaded under a plain file name, so the page (and the README's screenshot) shows
    # `console-day.yaml:16`, not a temporary folder.
    text = SCENARIO.format(hook=hook.url, secret=hook.secret, loop=LOOP)
    used = requests.put(
        f"{server.url}/_mockserver/scenario", params={"source": "console-day.yaml"}, data=text
    )
    assert used.status_code == 200, used.text
    yield server
    server.stop()


class Api:
    """The application under test: vendor calls and control-plane calls over HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def hitl_request(self, text: str, **fields: Any) -> str:
        body = {
            "request_text": text,
            "response_type": "single_select",
            "response_config": {"options": ["Approve", "Reject"]},
            "default_response": "Reject",
            "timeout_seconds": 600,
            **fields,
        }
        resp = self.http.post(
            f"{self.url}/v1/api/loops/{LOOP}/requests",
            json=body,
            headers={"Authorization": f"Bearer {HITL_KEY}"},
        )
        assert resp.status_code == 201, resp.text
        request_id: str = resp.json()["data"]["request_id"]
        return request_id

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.http.request(method, f"{self.url}/_mockserver{path}", **kwargs)
        return resp


@pytest.fixture
def api(sandbox: InProcessServer, hook: ReceiverEndpoint) -> Iterator[Api]:
    client = Api(sandbox.url)
    assert client.control("POST", "/reset", params={"all": "1"}).status_code == 200
    hook.clear()
    yield client
    client.http.close()


def browser_log(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser console's messages since the last call (selenium's `get_log` is untyped)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


@pytest.fixture
def page(
    driver: webdriver.Chrome, api: Api, request: pytest.FixtureRequest
) -> Iterator[webdriver.Chrome]:
    """The console, freshly loaded for the test (nothing kept from an earlier one: token,
    namespace); a screenshot and the page's HTML when the test fails."""
    driver.get(f"{api.url}/_mockserver/ui/console.css")
    driver.execute_script("sessionStorage.clear()")
    browser_log(driver)  # start with an empty console
    driver.get(f"{api.url}/")
    yield driver
    # A script error fails the test (refused calls are network messages, not errors).
    errors = [
        e["message"]
        for e in browser_log(driver)
        if e["level"] == "SEVERE" and e.get("source") != "network"
    ]
    if errors or request.node.stash.get(FAILED, False):
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / f"{request.node.name}.png"))
        (SHOTS / f"{request.node.name}.html").write_text(driver.page_source, encoding="utf-8")
    driver.get("about:blank")  # ends the page's long-poll, so the sandbox stops at once
    assert not errors, f"the page logged errors: {errors}"
