"""The example suite (tests/examples, written as a user would) passes in-process and against a
separately started sandbox (`python -m mockserver.cli.main serve`) shared by two xdist workers.

In-process it runs inline (`pytester`), which costs no new interpreter; `make test` also runs
tests/examples in-process under `-n 2`. Against the sandbox process it runs in a subprocess
with two xdist workers sharing that sandbox.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.testing import ControlClient
from tests.support.polling import serving

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "examples"
EXAMPLE_TESTS = 6  # not counting the httpx one, skipped where httpx is not installed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what pytest, xdist or a sandbox URL put in it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "MOCKSERVER_")) and k != "COV_CORE_SOURCE"
    }
    return {**env, **extra}


@pytest.fixture
def sandbox_process() -> Iterator[str]:
    """A sandbox in its own process, as the container would run it; its URL."""
    port = free_port()
    command = [sys.executable, "-m", "mockserver.cli.main", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--log-level", "warning"],
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            serving(url, proc)
        except AssertionError as failed:
            proc.kill()
            errors = proc.stderr.read().decode() if proc.stderr else ""
            raise AssertionError(f"{failed}\n{errors}") from None
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def run_examples(env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    """pytest on tests/examples with only the plugins the examples use: importing every
    installed plugin (hypothesis, schemathesis, ...) would cost seconds in each process."""
    command = [sys.executable, "-m", "pytest", str(EXAMPLES), "-q", *options, "-W", "error"]
    plugins = (
        "mockserver.testing.plugin",
        "pytest_asyncio.plugin",
        "xdist.plugin",
        "pytest_timeout",
    )
    for plugin in plugins:
        command += ["-p", plugin]
    return subprocess.run(
        [*command, "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_all_passed(result: subprocess.CompletedProcess[str]) -> None:
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout + result.stderr
    passed = int(summary.split(" passed")[0].split()[-1]) if " passed" in summary else 0
    assert passed >= EXAMPLE_TESTS and "failed" not in summary and "error" not in summary, summary


def test_examples_pass_in_process(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOCKSERVER_URL", raising=False)
    # pytest 9 marks an editable install's plugin package (mockserver) for assertion
    # rewriting in the inner run too; this process imported it already, so it warns (an error
    # under the suite's filterwarnings). Only the plugin's own asserts go un-rewritten.
    result = pytester.runpytest_inprocess(
        str(EXAMPLES),
        *("-p", "no:xdist", "-p", "no:cacheprovider"),
        *("-W", "ignore::pytest.PytestAssertRewriteWarning"),
    )
    outcomes = result.parseoutcomes()
    assert result.ret == 0 and outcomes["passed"] >= EXAMPLE_TESTS, outcomes


def test_examples_pass_against_a_separately_started_sandbox(sandbox_process: str) -> None:
    env = clean_env(MOCKSERVER_URL=sandbox_process, MOCKSERVER_KEEP_NAMESPACES="1")
    assert_all_passed(run_examples(env, "-n", "2"))
    namespaces = ControlClient(sandbox_process).health()["namespaces"]
    assert {n.split("-")[1] for n in namespaces} == {"gw0", "gw1"}, namespaces
