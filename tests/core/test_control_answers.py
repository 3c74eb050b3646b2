"""Every control-plane answer is the JSON docs/control-api.md promises, ending with a newline (so
`curl` output ends on its own line): the router's own 404 and 405 included, and
`/_mockserver/ui/` with its trailing slash is the console, not a 404 (issue 25)."""

from __future__ import annotations

import pytest

from mockserver.http.app import build_app
from mockserver.http.control.routes import control_routes
from mockserver.http.settings import Settings
from mockserver.registry import VENDORS
from mockserver.scenario.loading.library import ScenarioLibrary

from .conftest import Client, MakeClient

SCENARIO = "name: t\nclock: manual\nhitl: {rules: [{otherwise: timeout}]}\n"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_mockserver/nothing-here"),
        ("GET", "/_mockserver/items/hitl"),  # a real call, one segment short
        ("POST", "/_mockserver/"),
    ],
)
async def test_an_unknown_control_path_is_a_json_404(
    sandbox: MakeClient, method: str, path: str
) -> None:
    client = await sandbox(SCENARIO)
    answer = await client.request(method, path)
    assert answer.status == 404
    assert answer.content_type == "application/json"
    raw = await answer.read()
    assert raw.endswith(b"}\n")
    body = await answer.json()
    assert body["error"].startswith(f"no control-plane call {method} {path}")
    assert "/_mockserver/openapi/control" in body["error"]


async def test_a_wrong_method_is_a_json_405_with_allow(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    answer = await client.delete("/_mockserver/reset")
    assert (answer.status, answer.content_type) == (405, "application/json")
    assert answer.headers["Allow"] == "POST"
    assert await answer.json() == {
        "error": "DELETE /_mockserver/reset: this path takes POST",
        "allowed": ["POST"],
    }
    both = await client.post("/_mockserver/journal")  # GET and DELETE
    assert both.status == 405 and both.headers["Allow"] == "DELETE, GET, HEAD"


async def _every_get_answer(client: Client) -> list[tuple[str, int, bytes]]:
    """Each parameterless GET of the control plane (but the long-poll), and a few errors."""
    answers = []
    paths = sorted(
        str(route.path)
        for route in control_routes()
        if route.method == "GET" and "{" not in str(route.path) and "wait" not in str(route.path)
    )
    assert len(paths) > 15
    for path in paths:
        answer = await client.get(path, allow_redirects=False)
        answers.append((path, answer.status, await answer.read()))
    for path in ("/_mockserver/items?status=nonsense", "/_mockserver/deliveries/nope"):
        answer = await client.get(path)
        answers.append((path, answer.status, await answer.read()))
    answer = await client.post("/_mockserver/items/hitl/nope", json={"claim": {}})
    answers.append(("act", answer.status, await answer.read()))
    return answers


async def test_every_json_answer_ends_with_a_newline(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    answers = await _every_get_answer(client)
    json_answers = [a for a in answers if a[2].startswith((b"{", b"["))]
    assert len(json_answers) >= 15
    assert {status for _, status, _ in json_answers} >= {200, 400, 404}
    missing = [path for path, _, raw in json_answers if not raw.endswith(b"\n")]
    assert not missing, f"answers without a final newline: {missing}"
    openapi = await client.get("/_mockserver/openapi/control")
    assert (await openapi.read()).endswith(b"}\n")


async def test_a_refusal_for_a_missing_token_ends_with_a_newline(aiohttp_client: object) -> None:
    app = build_app(Settings(control_token="t0k"), VENDORS, ScenarioLibrary.load(VENDORS, None))
    client: Client = await aiohttp_client(app)  # type: ignore[operator]
    answer = await client.get("/_mockserver/items")
    assert answer.status == 401 and (await answer.read()).endswith(b"}\n")


async def test_the_console_with_a_trailing_slash_is_the_console(sandbox: MakeClient) -> None:
    client = await sandbox(SCENARIO)
    plain = await (await client.get("/_mockserver/ui")).read()
    for address in ("/_mockserver/ui/", "/_mockserver/ui/?token=abc"):
        page = await client.get(address, allow_redirects=False)
        assert (page.status, page.content_type) == (200, "text/html")
        assert await page.read() == plain
