"""Every example in README.md and in each page under docs/ runs as written, in document order
(each page in a shell of its own), against a sandbox this test starts on a free port (the
README's `127.0.0.1:8080` is replaced by it, and each vendor host's port after it by the
sandbox's port for that host), and prints what the README shows. See `blocks.py` for the
markers and how output is compared.

The sandbox's clock runs 100 times faster for the Quickstart, so scripted reviewers who answer
"within seconds" answer within milliseconds; the README's own waits are control-plane waits.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.http import hostports
from mockserver.http.settings import Settings
from mockserver.registry import vendors
from mockserver.testing import ControlClient, InProcessServer

from . import blocks as rb

README_URL = "127.0.0.1:8080"
# The plugins a reader's project has with the `pytest` extra (pyproject.toml), and no others:
# this project's dev tools bring heavy ones (hypothesis, faker, schemathesis, ...) a reader
# would not have, which cost seconds to import.
READER_PLUGINS = (
    "mockserver.testing.plugin",
    "pytest_asyncio.plugin",
    "pytest_aiohttp.plugin",
    "xdist.plugin",
)
ROOT = Path(__file__).resolve().parents[2]


class Shell:
    """One bash process for the whole README, so variables set in one block reach the next."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.run("set -o pipefail; trap 'echo \"<<failed ($?): $BASH_COMMAND>>\"' ERR")
        self.counter = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def run(self, script: str, timeout: float = 60.0) -> str:
        """Run `script` in the shell; everything it printed (stdout and stderr)."""
        self.counter = getattr(self, "counter", 0) + 1
        marker = f"<<done {self.counter}>>"
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{script}\nprintf '\\n%s\\n' '{marker}'\n")
        self.proc.stdin.flush()
        out: list[str] = []
        while True:
            line = self.lines.get(timeout=timeout)
            if line.rstrip("\n") == marker:
                text = "".join(out)
                return text[:-1] if text.endswith("\n") else text
            out.append(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[InProcessServer]:
    server = InProcessServer(Settings()).start()
    yield server
    server.stop()


def _workdir(tmp_path: Path) -> Path:
    """A folder like a fresh clone's root: the shipped scenarios and the virtualenv in reach."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios", symlinks=True)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return tmp_path


def _env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKSERVER_", "PYTEST_"))}
    # no virtualenv on PATH: the README's own `source .venv/bin/activate` step provides
    # `mockserver`, as it must for a reader
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["MOCKSERVER_PORT"] = str(port)  # where `mockserver trigger` looks by default
    env.pop("VIRTUAL_ENV", None)
    return env


def test_every_runnable_block_is_run_or_marked() -> None:
    assert {"README.md", "docs/fidelity.md", "docs/contributing.md"} <= set(rb.pages())
    for page in rb.pages():
        assert rb.unaccounted(rb.page_blocks(page)) == [], page
    found = rb.page_blocks("README.md")
    kinds = {b.lang for b in found if not b.illustrative and not b.file}
    assert {"sh", "console", "python", "yaml"} <= kinds


def test_the_checker_catches_a_wrong_output() -> None:
    assert rb.matches(
        '{... "status": "completed", ...}', '{"id": "x", "status":"completed","n": 1}'
    )
    assert not rb.matches('{... "status": "completed", ...}', '{"status": "pending"}')
    assert rb.matches(
        "hitl 65f1234567890abcdef12345: claimed",
        "hitl 0123456789abcdef01234567: claimed",
        whole=True,
    )
    assert rb.shell_outputs('curl x\n# {"a": 1,\n#  "b": 2}\n# prose\ncurl y\n# ... "c" ...') == [
        ' {"a": 1,\n  "b": 2}',
        ' ... "c" ...',
    ]


def test_no_command_names_an_id_from_another_run() -> None:
    """A pasted command works only with ids of the reader's own run: one a scenario fixes (a
    loop's `id:`) may be written out, any other comes from a variable an earlier command set
    (`REQ=$(curl ...)`). The journey test cannot see this: seeded ids come out the same there."""
    fixed = {i for f in (ROOT / "scenarios").glob("*.yaml") for i in rb.ids_in(f.read_text())}
    for page in rb.pages():
        for block in rb.page_blocks(page):
            if block.lang in ("yaml", "python", "toml"):
                fixed.update(rb.ids_in(block.text))
    stale = [
        f"{block.where}: {command.strip()}"
        for page in rb.pages()
        for block in _runnable(rb.page_blocks(page), "sh", "bash", "console")
        for command in rb.commands_of(block)
        if set(rb.ids_in(command)) - fixed
    ]
    assert not stale, "commands with an id from another run (use a variable):\n" + "\n".join(stale)


def _write_files(found: list[rb.Block], work: Path) -> None:
    """The `<!-- file: PATH -->` blocks, written before anything runs (the README may show a
    configuration after the example that needs it)."""
    for block in found:
        if block.file and not block.illustrative:
            target = work / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")


def _runnable(found: list[rb.Block], *langs: str) -> list[rb.Block]:
    return [b for b in found if b.lang in langs and not b.illustrative and not b.file]


# One journey through a live sandbox, like a reader pasting into a terminal: slower than a unit
# test (a few dozen curl calls and `mockserver` commands), so it has its own time limit.
@pytest.mark.timeout(240)
def test_shell_and_terminal_examples_run_in_order(sandbox: InProcessServer, tmp_path: Path) -> None:
    ControlClient(sandbox.url).set_clock_mode("scaled", 100)
    failures: list[str] = []
    for page in rb.pages():
        work = tmp_path / page.replace("/", "_")
        work.mkdir()
        _run_page(sandbox, rb.page_blocks(page), _workdir(work), failures)
    assert not failures, "\n\n".join(failures)


def _readme_hosts(sandbox: InProcessServer) -> dict[str, str]:
    """Each vendor host's port as the README has it (`make run` and the image: the ports after
    8080, `--host-port all`) -> the same host's port of the in-process sandbox."""
    main = int(README_URL.rsplit(":", 1)[1])
    return {
        f"127.0.0.1:{b.port}": sandbox.host_url(b.host).removeprefix("http://")
        for b in hostports.resolve(hostports.ALL, vendors(), main)
    }


def _run_page(
    sandbox: InProcessServer, found: list[rb.Block], work: Path, failures: list[str]
) -> None:
    """One page's `sh` and `console` blocks in order, in one shell, as a reader pastes them."""
    port = sandbox.port
    local = f"127.0.0.1:{port}"
    hosts = _readme_hosts(sandbox)
    _write_files(found, work)
    shell = Shell(work, _env(port))

    # Only the address changes: a command runs as a reader pastes it, so one that names an id
    # from another run (rather than a variable an earlier block set) fails here as it would
    # for them.
    def here(text: str) -> str:
        for readme_host, real in hosts.items():
            text = text.replace(readme_host, real)
        return text.replace(README_URL, local)

    def back(text: str) -> str:
        for readme_host, real in hosts.items():
            text = text.replace(real, readme_host)
        return text.replace(local, README_URL)

    try:
        for block in _runnable(found, "sh", "bash", "console"):
            if block.lang == "console":
                for command in rb.console_commands(block.text):
                    out = back(shell.run(here(command.text)))
                    _check_console(block, command, out, failures)
            else:
                out = back(shell.run(here(block.text)))
                _check_shell(block, out, failures)
    finally:
        shell.close()


def test_scenario_examples_load(sandbox: InProcessServer) -> None:
    failures: list[str] = []
    found = [b for page in rb.pages() for b in rb.page_blocks(page)]
    for block in _runnable(found, "yaml"):
        _check_scenario(block, block.text, ControlClient(sandbox.url), failures)
    assert not failures, "\n\n".join(failures)


@pytest.mark.timeout(180)
def test_pytest_examples_pass(tmp_path: Path) -> None:
    failures: list[str] = []
    found = [b for page in rb.pages() for b in rb.page_blocks(page)]
    _write_files(found, tmp_path)
    _check_pytest(_runnable(found, "python"), tmp_path, failures)
    assert not failures, "\n\n".join(failures)


def _check_shell(block: rb.Block, out: str, failures: list[str]) -> None:
    problems = []
    if "<<failed" in out:
        problems.append("a command failed")
    flat = rb.normalise(out)
    if ('"error":"' in flat or '"error":true' in flat) and '"error"' not in block.text:
        problems.append("the sandbox answered an error")
    expected = rb.shell_outputs(block.text)
    if expected and not rb.matches("...".join(expected), out):
        problems.append(
            "the output differs from the comments that show it:\n" + "\n".join(expected)
        )
        problems.append(_first_difference(expected, out))
    if problems:
        failures.append(f"{block.where}: {'; '.join(problems)}\n--- printed:\n{out}")


def _check_console(block: rb.Block, command: rb.Command, out: str, failures: list[str]) -> None:
    # the shell's note on a non-zero exit status is not part of what the command printed
    actual = [x for x in out.splitlines() if x.strip() and not x.startswith("<<failed")]
    expected = [line for line in command.output if line.strip()]
    ok = len(actual) == len(expected) and all(
        rb.matches(e, a, whole=True) for e, a in zip(expected, actual, strict=True)
    )
    if not ok:
        failures.append(
            f"{block.where}: $ {command.text}\n--- README shows:\n"
            + "\n".join(expected)
            + "\n--- printed:\n"
            + out
        )


def _check_scenario(
    block: rb.Block, text: str, control: ControlClient, failures: list[str]
) -> None:
    """A scenario block loads (in a namespace of its own, so the shell's state stays)."""
    from mockserver.testing import ControlError

    client = ControlClient(control.url, f"readme-{block.slug}")
    try:
        client.load_scenario(text)
    except ControlError as exc:
        failures.append(f"{block.where}: the scenario does not load: {exc}")
    finally:
        with contextlib.suppress(ControlError):
            client.drop_namespace()


def _check_pytest(found: list[rb.Block], work: Path, failures: list[str]) -> None:
    """Each block as a test file of one project, run by one pytest as a reader runs theirs."""
    files = {f"test_readme_{block.slug}.py": block for block in found}
    for name, block in files.items():
        (work / name).write_text(block.text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKSERVER_", "PYTEST_"))}
    plugins = [arg for plugin in READER_PLUGINS for arg in ("-p", plugin)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins, *files],
        cwd=work,
        env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        failing = [b.where for name, b in files.items() if name in done.stdout] or ["?"]
        failures.append(f"{', '.join(failing)}: the tests fail:\n{done.stdout}\n{done.stderr}")
        return
    # every test ran (one a missing plugin or setting skips would not count)
    tests = sum(len(re.findall(r"^(?:async )?def test_", b.text, re.M)) for b in found)
    passed = re.search(r"(\d+) passed", done.stdout)
    if passed is None or int(passed[1]) < tests or "skipped" in done.stdout:
        where = ", ".join(b.where for b in found)
        failures.append(f"{where}: not every test ran ({tests} written):\n{done.stdout}")


def _first_difference(expected: list[str], out: str) -> str:
    """Which shown fragment is the first one the output does not contain (in order)."""
    for n in range(1, len(expected) + 1):
        if not rb.matches("...".join(expected[:n]), out):
            return f"first missing: {expected[n - 1].strip()}"
    return ""
