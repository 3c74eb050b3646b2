"""No sleeps in tests (docs/contributing.md): time moves through the virtual clock, and what
only real time settles (a process starting, bytes crossing a socket) is waited for through
tests/support/polling.py, which polls a condition and fails naming it. A sleep elsewhere is a
guess at how long something takes: too short on a loaded runner (a flake), too long everywhere
else (a slow suite).

The test reads every test module's syntax tree and refuses a call of `time.sleep` or of
`asyncio.sleep` with anything but a literal 0 (a yield to the loop, which takes no time), and
`time.sleep` passed as a value (a callback that sleeps). The few places where a sleep is what
is tested, not a wait, are listed in ALLOWED with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# test file (relative to tests/) -> why it may sleep
ALLOWED_FILES = {
    "support/polling.py": "the suite's one poll: the pause between two looks at a condition",
}
# (test file, function) -> why it may sleep
ALLOWED_FUNCTIONS = {
    (
        "core/test_loopwatch.py",
        "test_a_callback_that_blocks_without_cpu_is_caught_by_the_real_time_budget",
    ): "a callback that blocks without using the CPU is the stall the watchdog must see",
    (
        "core/test_loopwatch.py",
        "test_other_loops_are_not_watched_by_a_loop_watch",
    ): "a stall on one loop that the watch on another loop must not report",
}
# Vendor samples run verbatim but for the lines marked SANDBOX: their `time` is bound to the
# sandbox's clock (its `sleep` advances the manual clock), which this binding must show.
SAMPLES = "data/"
SAMPLE_CLOCK = "time = SANDBOX_TIME"


def sleep_names(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """The names under which this module reaches the modules `time` and `asyncio`, and their
    function `sleep` (`import time as t`, `from asyncio import sleep`): name -> module."""
    modules: dict[str, str] = {}
    functions: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("time", "asyncio"):
                    modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio"):
            for alias in node.names:
                if alias.name == "sleep":
                    functions[alias.asname or alias.name] = node.module
    return modules, functions


def sleeps(tree: ast.Module) -> Iterator[tuple[int, str | None]]:
    """(line, outermost enclosing function) of each sleep in the module."""
    modules, functions = sleep_names(tree)

    def sleep_of(node: ast.AST) -> str | None:
        """The module whose `sleep` `node` names, if it names one."""
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "sleep"
            and isinstance(node.value, ast.Name)
        ):
            return modules.get(node.value.id)
        if isinstance(node, ast.Name):
            return functions.get(node.id)
        return None

    def a_yield(call: ast.Call, module: str) -> bool:
        """`asyncio.sleep(0)`: one turn of the loop, no time (time.sleep(0) gives the thread
        up to the operating system: a real pause)."""
        if module != "asyncio" or len(call.args) != 1 or call.keywords:
            return False
        arg = call.args[0]
        return isinstance(arg, ast.Constant) and arg.value == 0

    def visit(node: ast.AST, function: str | None) -> Iterator[tuple[int, str | None]]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and function is None:
            function = node.name
        if isinstance(node, ast.Call) and (module := sleep_of(node.func)) is not None:
            if not a_yield(node, module):
                yield node.lineno, function
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                yield from visit(argument, function)
            return
        if (
            isinstance(node, ast.expr) and sleep_of(node) is not None
        ):  # passed as a value: a callback that sleeps
            yield node.lineno, function
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, function)

    yield from visit(tree, None)


def found_sleeps() -> list[str]:
    """`file:line (function)` of every sleep the rules do not allow."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        if name in ALLOWED_FILES:
            continue
        source = path.read_text(encoding="utf-8")
        if name.startswith(SAMPLES) and SAMPLE_CLOCK in source:
            continue
        for line, function in sleeps(ast.parse(source, name)):
            if (name, function) not in ALLOWED_FUNCTIONS:
                found.append(f"tests/{name}:{line} ({function or 'module level'})")
    return found


def test_no_test_sleeps_outside_the_poll_helper() -> None:
    assert found_sleeps() == [], (
        "wait on a condition instead (tests/support/polling.py: `until`, `wait_until`, "
        "`serving`, `parked`), or move time with the virtual clock"
    )


def test_the_scan_finds_each_form_of_sleep() -> None:
    """A guard that cannot fail is no guard: each form a sleep takes is found, a yield is
    not."""
    source = (
        "import asyncio, time\n"
        "import time as clock\n"
        "from asyncio import sleep as nap\n"
        "async def f(loop):\n"
        "    await asyncio.sleep(0)\n"  # a yield: allowed
        "    await asyncio.sleep(0.05)\n"
        "    time.sleep(1)\n"
        "    clock.sleep(0)\n"  # time.sleep(0) still gives up the thread to the OS
        "    await nap(0.1)\n"
        "    loop.call_soon(time.sleep, 0.1)\n"
        "    def inner():\n"
        "        time.sleep(2)\n"
    )
    assert list(sleeps(ast.parse(source))) == [
        (6, "f"),
        (7, "f"),
        (8, "f"),
        (9, "f"),
        (10, "f"),
        (12, "f"),
    ]
