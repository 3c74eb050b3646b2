"""A page on another origin tries to reset the sandbox, as any site a tester opens could: a
no-cors `fetch` and a form post to `/_mockserver/reset?all=1`. Both reach the sandbox, and both
are refused (403): nothing is reset. The console itself, same-origin, is tested in
test_console.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium import webdriver

from .conftest import Api
from .test_console import waiting

ATTACK = """<!doctype html>
<title>a page of another site</title>
<iframe name="sink"></iframe>
<form id="form" method="POST" target="sink" enctype="text/plain"
      action="{sandbox}/_mockserver/reset?all=1"><input name="x" value="y"></form>
<script>
  fetch("{sandbox}/_mockserver/reset?all=1", {{method: "POST", mode: "no-cors", body: "x"}})
    .finally(() => {{ document.title = "fetched"; }});
  document.getElementById("form").submit();
</script>
"""


class Refusals(logging.Handler):
    """The control plane's log lines about resets: `control POST /_mockserver/reset ... -> N`."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and "/_mockserver/reset" in str(args):
            self.statuses.append(int(str(args[-1])))


@pytest.fixture
def other_site(api: Api) -> Iterator[str]:
    """A page served from another origin (another host name and port than the sandbox's)."""
    page = ATTACK.format(sandbox=api.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_page_of_another_site_cannot_reset_the_sandbox(
    driver: webdriver.Chrome, api: Api, other_site: str
) -> None:
    api.hitl_request("Kept through the attempts")
    assert api.control("GET", "/journal").json()["count"] == 1
    refusals = Refusals()
    control_log = logging.getLogger("mockserver.control")
    control_log.addHandler(refusals)
    level = control_log.level
    control_log.setLevel(logging.INFO)
    try:
        driver.get(other_site)
        waiting(driver).until(
            lambda _: len(refusals.statuses) >= 2, "the page's two requests did not arrive"
        )
    finally:
        control_log.removeHandler(refusals)
        control_log.setLevel(level)
        driver.get("about:blank")
    assert refusals.statuses == [403, 403]  # the fetch and the form post, both refused
    assert api.control("GET", "/journal").json()["count"] == 1  # nothing was reset
