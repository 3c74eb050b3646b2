"""The variant matrix and the lenience report, seen from a user's suite (inline `pytester`).

A sample client that reads only one documented form of the created request's id passes with
its own form and fails under the matrix, with a report naming the variant and its source.
"""

from __future__ import annotations

import pytest

from mockserver.testing import matrix

from .test_fixtures import HELPERS, INI, PRELOADED  # noqa: F401 (PRELOADED keeps modules loaded)

pytest_plugins = ["pytester"]

CLIENT = """
import requests

LOOP = "65f1234567890abcdef12345"
SCENARIO = {"hitl": {"loops": [{"id": LOOP, "name": "Team"}]}}
BODY = {"request_text": "hello", "response_type": "boolean", "response_config": {}}


def create(mockserver):
    return requests.post(
        f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests",
        json=BODY,
        headers={"Authorization": "Bearer k", **mockserver.headers},
    )


def created_id_docs_only(answer):
    # reads the API reference's form only (hitl-sh/docs.hitl.sh
    # api-reference/requests/create-request.mdx @0e23b17)
    return answer["data"]["request_id"]


def created_id_any(answer):
    data = answer["data"]
    return data.get("request_id") or data.get("id") or data["request"]["id"]
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makepyfile(helpers=HELPERS, client=CLIENT)
    pytester.syspathinsert()
    return pytester


def test_a_client_reading_one_form_fails_under_the_matrix_naming_the_variant(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(
        """
        import pytest
        from client import SCENARIO, create, created_id_any, created_id_docs_only

        pytestmark = pytest.mark.mockserver_scenario(SCENARIO)

        @pytest.mark.mockserver_variants("hitl.created_id")
        def test_one_form(mockserver):
            assert len(created_id_docs_only(create(mockserver).json())) == 24

        @pytest.mark.mockserver_variants("hitl.created_id")
        def test_every_form(mockserver):
            assert len(created_id_any(create(mockserver).json())) == 24
        """
    )
    result = suite.runpytest_inprocess("-v")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_one_form?hitl.created_id=request? FAILED*",
            "*test_one_form?hitl.created_id=request_id? PASSED*",
            "*test_one_form?hitl.created_id=id? FAILED*",
            "*test_every_form?hitl.created_id=request? PASSED*",
            "*test_every_form?hitl.created_id=request_id? PASSED*",
            "*test_every_form?hitl.created_id=id? PASSED*",
        ]
    )
    # the failure report names the form and the document that shows it
    result.stdout.fnmatch_lines(
        [
            "*mockserver variants*",
            "hitl.created_id=request: `data.request` is the created request*",
            "    source: https://docs.hitl.sh/quickstart * steps 4 and 7*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["hitl.created_id=id: *", "    source: hitl-sh/mcp.hitl.sh scripts/test-all-tools.mjs*"]
    )


def test_the_forms_hold_when_the_test_loads_another_scenario(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest
        from client import SCENARIO, create, created_id_docs_only

        @pytest.mark.mockserver_variants("hitl.created_id")
        def test_loads(mockserver, mockserver_variant_forms):
            mockserver.load_scenario(SCENARIO)
            answer = create(mockserver).json()
            if mockserver_variant_forms["hitl.created_id"] == "request_id":
                assert created_id_docs_only(answer)
            else:
                assert "request_id" not in answer["data"]
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=3)


def test_all_runs_every_test_across_the_whole_grid_pairwise(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        def test_anything(mockserver):
            pass

        def test_without_the_sandbox():
            pass
        """
    )
    result = suite.runpytest_inprocess("--mockserver-variants=all", "--collect-only", "-q")
    expected = len(matrix.cases(matrix.names_for("all", [])))
    assert 1 < expected < 40  # pairwise, not the full product
    ids = [line for line in result.outlines if "test_anything[" in line]
    assert len(ids) == expected
    assert all("hive.task_id=" in line and "hitl.webhook_body=" in line for line in ids)
    assert any(line.endswith("test_without_the_sandbox") for line in result.outlines)


def test_an_unknown_variant_is_a_usage_error_with_a_suggestion(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver_variants("hitl.webhook_bdy")
        def test_x(mockserver):
            pass
        """
    )
    result = suite.runpytest_inprocess()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown variant 'hitl.webhook_bdy'*hitl.webhook_body*"])


LENIENT = """
import pytest
import requests
from client import LOOP, SCENARIO

pytestmark = pytest.mark.mockserver_scenario(SCENARIO)


def test_lenient_call(mockserver):
    resp = requests.post(
        f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests",
        json={"request_text": "no response type"},
        headers={"Authorization": "Bearer k", **mockserver.headers},
    )
    assert resp.status_code == 201


def test_strict_call(mockserver):
    resp = requests.post(
        f"{mockserver.url_for('hitl')}/api/loops/{LOOP}/requests",
        json={"request_text": "fine", "response_type": "boolean", "response_config": {}},
        headers={"Authorization": "Bearer k", **mockserver.headers},
    )
    assert resp.status_code == 201
"""


def test_the_session_ends_with_the_lenience_summary(suite: pytest.Pytester) -> None:
    suite.makepyfile(LENIENT)
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*mockserver lenience*",
            "1 call(s) or step(s) got something the real service would refuse*",
            "  hitl.validation: response_type is required (x1): the real service would answer "
            "400 Validation failed: response_type is required ?hitl-sh/docs.hitl.sh *",
            "      first in test_the_session_ends_with_the_lenience_summary.py::test_lenient_call",
        ]
    )


def test_strict_option_fails_the_test_that_got_lenience(suite: pytest.Pytester) -> None:
    suite.makepyfile(LENIENT)
    result = suite.runpytest_inprocess("--mockserver-strict")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*--mockserver-strict: the sandbox accepted what the real service would not:*",
            "*hitl.validation: response_type is required*",
            "FAILED *test_lenient_call*",
        ]
    )
