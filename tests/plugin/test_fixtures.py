"""The fixtures and the marker, seen from a user's suite (run inline with `pytester`)."""

from __future__ import annotations

import aiohttp
import pytest
import requests

import mockserver.testing.server
from mockserver.testing import Sandbox

pytest_plugins = ["pytester"]
# Inline runs drop the modules they import when they end; imported here, these stay loaded, so
# each inner run is fast and `requests` keeps one identity (its cookie jar checks need that).
PRELOADED = (aiohttp, requests, mockserver.testing.server)

INI = """
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:xdist
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

HELPERS = """
import requests

LOOP = "65f1234567890abcdef12345"
LOOPS = {"hitl": {"loops": [{"id": LOOP, "name": "Team"}]}}


def create(mockserver, text="hello"):
    resp = requests.post(
        f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests",
        json={"request_text": text, "response_type": "boolean"},
        headers={"Authorization": "Bearer k", **mockserver.headers},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()["data"]["request_id"]
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makepyfile(helpers=HELPERS)
    pytester.syspathinsert()
    return pytester


def test_each_test_starts_from_the_default_scenario_with_an_empty_journal(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(
        """
        import pytest
        from helpers import LOOPS, create

        @pytest.mark.mockserver_scenario({"name": "first", "clock": "manual", **LOOPS})
        def test_first(mockserver):
            create(mockserver)
            mockserver.assert_request_made(vendor="hitl", method="POST")

        def test_second(mockserver):
            assert mockserver.control.journal() == []
            assert mockserver.control.scenario()["name"] == "default"
            assert mockserver.control.clock()["mode"] == "real"
            assert mockserver.mode == "in-process" and mockserver.headers == {}
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=2)


def test_the_marker_takes_a_file_inline_yaml_or_a_dict(suite: pytest.Pytester) -> None:
    suite.mkdir("scenarios").joinpath("calm.yaml").write_text("name: calm\nclock: manual\n")
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver_scenario("scenarios/calm.yaml")
        def test_file(mockserver):
            assert mockserver.control.scenario()["name"] == "calm"

        @pytest.mark.mockserver_scenario("name: inline\\nclock: manual\\n")
        def test_inline(mockserver):
            assert mockserver.control.scenario()["name"] == "inline"

        @pytest.mark.mockserver_scenario({"name": "dict"})
        def test_dict(mockserver):
            assert mockserver.control.scenario()["name"] == "dict"

        @pytest.mark.mockserver_scenario("a.yaml", "b.yaml")
        def test_two_arguments(mockserver):
            pass
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*mockserver_scenario takes one argument*"])


def test_the_scenario_fixture_can_be_parametrized_or_overridden(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize(
            "mockserver_scenario", ["name: one\\n", {"name": "two"}], indirect=True
        )
        def test_each(mockserver, mockserver_scenario):
            assert mockserver.control.scenario()["name"] in ("one", "two")

        class TestOverride:
            @pytest.fixture
            def mockserver_scenario(self):
                return {"name": "overridden"}

            def test_it(self, mockserver):
                assert mockserver.control.scenario()["name"] == "overridden"
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=3)


def test_webhook_placeholders_bring_in_the_receiver_and_the_clock_freezes(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(
        """
        import pytest
        from helpers import LOOP, create

        HOOKED = '''
        hitl:
          loops: [{id: %s, name: Team}]
          webhooks: [{url: "${webhook_url}", secret: "${webhook_secret}"}]
          rules:
            - otherwise: [{claim: {after: 10s}}, {respond: {after: 20s, boolean: true}}]
        ''' % LOOP

        @pytest.mark.mockserver_scenario(HOOKED)
        def test_hooks(mockserver, mockserver_clock, webhook_receiver):
            assert mockserver_clock.mode == "manual"
            request_id = create(mockserver)
            before = mockserver_clock.now()
            assert (mockserver_clock.advance("30s") - before).total_seconds() == 30
            assert mockserver.wait_for_status("hitl", request_id, "completed") == "completed"
            assert webhook_receiver.events == ["request.claimed", "request.completed"]
            webhook_receiver.assert_all_verified()
            mockserver.assert_webhook_delivered("request.*", count=2, url=webhook_receiver.url)

        @pytest.mark.mockserver_scenario(HOOKED)
        def test_receiver_without_asking(mockserver, request):
            assert "webhook_receiver" in request.fixturenames
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=2)


def test_failed_assertions_list_what_the_sandbox_recorded(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        from helpers import LOOPS, create

        def test_calls(mockserver):
            mockserver.load_scenario(LOOPS)
            create(mockserver)
            mockserver.assert_request_made(method="DELETE")

        def test_hooks(mockserver):
            mockserver.assert_webhook_delivered("request.completed", timeout=0.05)
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*expected 1 call matching method='DELETE', found 0.",
            "*API calls the sandbox received, 1 in all:",
            "*#1 hitl POST /v1/api/loops/*/requests -> 201",
            "*Webhook deliveries the sandbox made: none.",
        ]
    )


def test_async_tests_use_acontrol(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import aiohttp
        import pytest
        from helpers import LOOP, LOOPS

        @pytest.mark.mockserver_scenario({"clock": "manual", **LOOPS})
        async def test_async(mockserver):
            headers = {"Authorization": "Bearer k", **mockserver.headers}
            async with aiohttp.ClientSession(headers=headers) as http:
                url = f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests"
                body = {"request_text": "x", "response_type": "boolean", "timeout_seconds": 60}
                async with http.post(url, json=body) as resp:
                    request_id = (await resp.json())["data"]["request_id"]
            await mockserver.acontrol.advance("1m")
            assert await mockserver.acontrol.wait_for_status("hitl", request_id, "timeout")
            await mockserver.acontrol.assert_request_made(method="POST", status=201)
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=1)


def test_against_a_running_sandbox_each_test_has_its_own_namespace(
    suite: pytest.Pytester, mockserver: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inner suite drives this test's sandbox as a 'remote' one, by URL."""
    suite.makepyfile(
        """
        import pytest
        from helpers import LOOPS, create

        @pytest.mark.parametrize("n", range(3))
        @pytest.mark.mockserver_scenario({"clock": "manual", **LOOPS})
        def test_isolated(mockserver, n):
            assert mockserver.mode == "remote"
            assert mockserver.namespace.startswith("pytest-")
            assert mockserver.headers == {"X-Mockserver-Namespace": mockserver.namespace}
            create(mockserver)
            mockserver.assert_request_made(method="POST", count=1)
            assert len(mockserver.control.items("hitl")) == 1
        """
    )
    monkeypatch.setenv("MOCKSERVER_KEEP_NAMESPACES", "1")
    result = suite.runpytest_inprocess(f"--mockserver-url={mockserver.url}")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([f"mockserver: sandbox at {mockserver.url}"])
    namespaces = [n for n in mockserver.control.health()["namespaces"] if n.startswith("pytest-")]
    assert len(namespaces) == 3


def test_a_remote_test_drops_its_namespace_when_it_ends(
    suite: pytest.Pytester, mockserver: Sandbox
) -> None:
    suite.makepyfile(
        """
        def test_one(mockserver):
            mockserver.control.journal()
        """
    )
    result = suite.runpytest_inprocess(f"--mockserver-url={mockserver.url}")
    result.assert_outcomes(passed=1)
    assert not [n for n in mockserver.control.health()["namespaces"] if n.startswith("pytest-")]


def test_mockserver_url_from_the_environment(
    suite: pytest.Pytester, mockserver: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_URL", mockserver.url)
    suite.makepyfile("def test_it(mockserver):\n    assert mockserver.mode == 'remote'\n")
    suite.runpytest_inprocess().assert_outcomes(passed=1)


def test_a_sandbox_that_does_not_answer_fails_the_setup_clearly(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_URL", "http://127.0.0.1:9")
    suite.makepyfile("def test_it(mockserver):\n    pass\n")
    result = suite.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot reach the sandbox at http://127.0.0.1:9*"])


def test_api_key_carries_the_namespace_against_a_shared_sandbox(
    suite: pytest.Pytester, mockserver: Sandbox
) -> None:
    suite.makepyfile(
        """
        import json, urllib.request

        def test_key(mockserver):
            key = mockserver.api_key("sk-test")
            assert key == "sk-test~" + mockserver.namespace
            req = urllib.request.Request(
                mockserver.url_for("hitl") + "/test", headers={"Authorization": "Bearer " + key}
            )
            with urllib.request.urlopen(req) as resp:
                assert json.load(resp)["error"] is False
            mockserver.assert_request_made(vendor="hitl", path="/v1/test", count=1)
        """
    )
    result = suite.runpytest_inprocess(f"--mockserver-url={mockserver.url}")
    result.assert_outcomes(passed=1)
    assert mockserver.api_key("sk-test") == "sk-test"  # in-process: the key as it is
