"""The plugin's variant matrix and lenience report, as pytest hooks (imported by `plugin`).

- A test marked `@pytest.mark.mockserver_variants("hitl.webhook_body", ...)`, or every test
  using the sandbox with `--mockserver-variants=all|NAME,...`, runs once per form (the forms in
  its id); when such a test fails, its report names each form and the document showing it.
- After each test the sandbox's lenience notes (what it accepted that the real service would
  not) are collected; the session ends with their summary by rule. `--mockserver-strict` makes
  a test that got any note fail, naming the rules.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.testing import matrix

if TYPE_CHECKING:
    from _pytest.config import Config
    from _pytest.reports import TestReport
    from _pytest.terminal import TerminalReporter

    from mockserver.testing.sandbox import Sandbox

FORMS_FIXTURE = "mockserver_variant_forms"
SANDBOX_KEY = pytest.StashKey["Sandbox"]()
FORMS_KEY = pytest.StashKey["matrix.Case"]()
REPORT_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if FORMS_FIXTURE not in metafunc.fixturenames:
        return
    marked = [
        str(name) for mark in metafunc.definition.iter_markers(matrix.MARKER) for name in mark.args
    ]
    option = metafunc.config.getoption("mockserver_variants", None)
    names = matrix.names_for(option, marked)
    if not names:
        return
    try:
        grid = matrix.cases(names)
    except ValueError as exc:  # an unknown variant: say which, with the closest name
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: {exc}") from None
    metafunc.parametrize(FORMS_FIXTURE, grid, ids=[matrix.case_id(c) for c in grid])


def remember(item: pytest.Item, sandbox: Sandbox, forms: matrix.Case) -> None:
    """The `mockserver` fixture records the test's sandbox and forms for the hooks below."""
    item.stash[SANDBOX_KEY] = sandbox
    if forms:
        item.stash[FORMS_KEY] = forms


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: TestReport = outcome.get_result()
    if report.when != "call":
        return
    forms = item.stash.get(FORMS_KEY, None)
    if forms and report.failed:
        report.sections.append(("mockserver variants", matrix.describe(forms)))
    sandbox = item.stash.get(SANDBOX_KEY, None)
    if sandbox is None:
        return
    try:
        rules = sandbox.control.request("GET", "/lenience")["rules"]
    except Exception:  # the sandbox went away; the test's own outcome says why
        return
    _collect(item.config, item.nodeid, rules)
    if rules and report.passed and item.config.getoption("mockserver_strict", False):
        report.outcome = "failed"
        report.longrepr = "--mockserver-strict: the sandbox accepted what the real service " + (
            "would not:\n" + "\n".join(_line(r) for r in rules)
        )


def _line(rule: dict[str, Any]) -> str:
    real, source = rule["real"], rule["source"]
    return f"  {rule['rule']} (x{rule['count']}): the real service would {real} [{source}]"


def _collect(config: Config, nodeid: str, rules: list[dict[str, Any]]) -> None:
    summary = config.stash.setdefault(REPORT_KEY, {})
    for rule in rules:
        found = summary.get(rule["rule"])
        if found is None:
            summary[rule["rule"]] = {**rule, "first_test": nodeid}
        else:
            found["count"] += rule["count"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist, a worker hands its notes to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["mockserver_lenience"] = list(
            session.config.stash.get(REPORT_KEY, {}).values()
        )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for rule in getattr(node, "workeroutput", {}).get("mockserver_lenience", []):
        config = node.config
        first = rule.pop("first_test")
        _collect(config, first, [rule])


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: Config) -> None:
    summary = config.stash.get(REPORT_KEY, {})
    if not summary or getattr(config, "workerinput", None) is not None:
        return
    total = sum(r["count"] for r in summary.values())
    terminalreporter.section("mockserver lenience")
    terminalreporter.write_line(
        f"{total} call(s) or step(s) got something the real service would refuse "
        "(--mockserver-strict makes each a failure):"
    )
    for rule in sorted(summary.values(), key=lambda r: -r["count"]):
        terminalreporter.write_line(_line(rule))
        terminalreporter.write_line(f"      first in {rule['first_test']}")
