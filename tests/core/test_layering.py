"""The `mockserver/` tree reads bottom-up (issues 12 and 24), checked on the source with `ast`.

The layers are the packages on disk: a module's layer is its package (the most specific one
`LAYERS` names: `scenario.loading` before `scenario`), and `LAYERS` below is the one place
their order lives, lowest first. What each package is for is its `__init__.py` docstring and
the tree in docs/contributing.md, which lists them in this order (checked here too).

- Every import counts: at run time (top-level or inside a function) and for type checking
  (`if TYPE_CHECKING:`) alike, since a type names what its module depends on.
- A module imports only from its own layer or a lower one, and no modules import each other in
  a circle, within a layer or across.
- Every module is in a layer: a new module goes in the package of its layer (the root package
  holds only its version, and imports nothing of the package); every entry of `LAYERS` is a
  package or module on disk, with a docstring.
- Only `mockserver/registry.py` imports a vendor, and no vendor imports another; no module
  outside `mockserver/vendors/` and the registry names a vendor in code (identifiers, imports,
  string constants, URL paths); docstrings, comments and help or description text may; the
  reviewer console's files likewise (outside comments).
- Every module stays under MAX_LINES lines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .source_graph import (
    PACKAGE,
    ROOT,
    VENDOR_WORD,
    cycles,
    edges,
    imports,
    is_vendor_module,
    modules,
    package_edges,
    tree,
    vendor_names_in_code,
    vendor_neutral_modules,
    vendor_of,
)

# The packages of mockserver/, lowest layer first (names under `mockserver.`).
LAYERS: tuple[str, ...] = (
    "base",  # building blocks that know no other part
    "records",  # the virtual clock, waits, the journal, lenience notes
    "scenario",  # the scenario engine
    "webhooks",  # signatures, retry policy, the dispatcher
    "kit",  # what a vendor author uses: the Vendor contract, its tables, its view of a world
    "scenario.loading",  # scenario files, each vendor's section read through the kit
    "vendors",  # one folder per vendor; none imports another
    "registry",  # the one module that imports the vendors
    "http",  # the server: settings, worlds, the app, the control plane, OpenAPI, the console
    "client",  # the control-plane client
    "testing",  # the pytest plugin
    "cli",  # the `mockserver` command
)

MAX_LINES = 450

# Offenders being removed on other branches, as (module, what) pairs as the failure message
# spells them: the test passes with them and fails on any new one. Empty: the trigger verbs,
# the plugin's per-vendor URLs and the receiver's own signature check, listed here while their
# helpers worked, are gone from main.
KNOWN_OFFENDERS: frozenset[tuple[str, str]] = frozenset()


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the package `module` is in (the most specific entry), -1 for the
    root package itself, None for a module in no layer."""
    if module == PACKAGE:
        return -1
    best: tuple[int, int] | None = None  # (length of the entry, layer)
    for index, entry in enumerate(LAYERS):
        name = f"{PACKAGE}.{entry}"
        if (module == name or module.startswith(name + ".")) and (
            best is None or len(name) > best[0]
        ):
            best = (len(name), index)
    return None if best is None else best[1]


def test_no_import_cycles() -> None:
    found = cycles(edges())
    assert not found, "import cycles among mockserver modules (type-only imports count):\n" + (
        "\n".join(" <-> ".join(c) for c in found)
    )


def test_the_worked_example_has_no_import_cycles_either() -> None:
    """tests/echo_vendor/, the vendor `tools/new_vendor.py` copies, keeps the same rule (it is
    not under mockserver/, so the checks above do not see it)."""
    graph = package_edges("tests/echo_vendor")
    assert "tests.echo_vendor.state" in graph["tests.echo_vendor.routes"]  # it sees the imports
    assert "tests.echo_vendor.scenario" in graph["tests.echo_vendor.webhooks"]  # type-only too
    found = cycles(graph)
    assert not found, "import cycles in tests/echo_vendor/:\n" + "\n".join(
        " <-> ".join(c) for c in found
    )


def test_every_module_has_a_layer() -> None:
    missing = [m for m in modules() if layer_of(m) is None]
    assert not missing, f"modules in no layer (move each into its layer's package): {missing}"


def test_every_layer_is_a_package_on_disk_that_says_what_it_is_for() -> None:
    wrong = []
    for entry in LAYERS:
        name = f"{PACKAGE}.{entry}"
        if name not in modules():
            wrong.append(f"{name}: no such package or module")
        elif not ast.get_docstring(tree(modules()[name])):
            wrong.append(f"{modules()[name].relative_to(ROOT)}: no docstring saying what it is for")
    assert not wrong, "\n".join(wrong)


def test_the_root_package_imports_nothing_of_its_own() -> None:
    """It is below every layer (everything may read its version)."""
    assert imports(PACKAGE) == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for module in modules():
        for i in imports(module):
            source, target = layer_of(module), layer_of(i.target)
            if source is not None and target is not None and target > source:
                upward.append(f"{i} ({LAYERS[source]} -> {LAYERS[target]})")
    assert not upward, "imports upward (LAYERS in tests/core/test_layering.py):\n" + "\n".join(
        upward
    )


def test_the_contributor_guide_shows_the_layers_in_order() -> None:
    """docs/contributing.md's tree of `mockserver/` lists the layers' packages, lowest first."""
    text = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    block = next(
        b
        for b in re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
        if b.startswith("mockserver/")
    )
    shown = [
        line.split()[0].removesuffix("/").removesuffix(".py").replace("/", ".")
        for line in block.splitlines()
        if re.match(r"  \S", line)
    ]
    assert [name for name in shown if name in LAYERS] == list(LAYERS)


def test_the_checks_see_type_only_imports() -> None:
    """An import under `if TYPE_CHECKING:` is an edge like any other (the package has some)."""
    assert any(i.typing_only for m in modules() for i in imports(m))


def test_only_the_registry_imports_vendors_and_no_vendor_imports_another() -> None:
    wrong = [
        str(i)
        for m in modules()
        for i in imports(m)
        if is_vendor_module(i.target)
        and m != f"{PACKAGE}.registry"
        and vendor_of(m) != vendor_of(i.target)
    ]
    assert not wrong, (
        "only mockserver/registry.py imports a vendor; no vendor another:\n" + "\n".join(wrong)
    )


def test_no_module_outside_the_vendors_names_a_vendor_in_code() -> None:
    offenders: set[tuple[str, str]] = set()
    where: dict[tuple[str, str], int] = {}
    for path in vendor_neutral_modules():
        rel = path.relative_to(ROOT).as_posix()
        for line, what in vendor_names_in_code(path):
            offenders.add((rel, what))
            where.setdefault((rel, what), line)
    new = sorted(offenders - KNOWN_OFFENDERS)
    assert not new, "names a vendor in code (keep vendor knowledge in mockserver/vendors/):\n" + (
        "\n".join(f"{rel}:{where[rel, what]}: {what}" for rel, what in new)
    )


def test_the_reviewer_console_names_no_vendor() -> None:
    """The page's own files show every vendor through the view its folder ships
    (`mockserver/vendors/<name>/console.js`); only their comments may name one."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / PACKAGE / "http" / "console").iterdir())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if VENDOR_WORD.search(line) and not line.strip().startswith(("//", "/*", "*", "<!--"))
    ]
    assert not found, "the console names a vendor:\n" + "\n".join(found)


def test_modules_stay_small() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in modules().values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    }
    assert not long, f"modules of {MAX_LINES} lines or more (split them by job): {long}"


@pytest.mark.parametrize(
    ("source", "spelled"),
    [
        ("x = 'hitl'", "string 'hitl'"),
        ("x = f'{a}/api/v2/task/sync'", "string '/api/v2/task/sync'"),
        ("def outharm_url(): pass", "name 'outharm_url'"),
        ("import mockserver.vendors.hive.state", "import 'mockserver.vendors.hive.state'"),
        ("p.add_argument('--x', default='/v1/')", "string '/v1/'"),
        ("x.HiveVendor()", "name 'HiveVendor'"),
        ("def to_Hitl(): pass", "name 'to_Hitl'"),
        ("x.urlOfOutharm", "name 'urlOfOutharm'"),
    ],
)
def test_the_vendor_name_scan_sees_code(tmp_path: Path, source: str, spelled: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    assert [what for _, what in vendor_names_in_code(path)] == [spelled]


@pytest.mark.parametrize(
    "source",
    [
        '"""HITL.sh at /v1/: a docstring."""',
        "class A:\n    x: int\n    '''`hitl.rule`: an attribute docstring'''",
        "# hive\nx = 1",
        "p.add_argument('--x', help='HITL calls per hour')",
        "p = Parser(description='Hive and Outharm')",
        "S = {'path': {'type': 'string', 'description': 'e.g. /v1/api/*'}}",
        "config.addinivalue_line('markers', 'variants (e.g. hitl.webhook_body)')",
        "archive = 'archived'",
    ],
)
def test_the_vendor_name_scan_lets_text_pass(tmp_path: Path, source: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(source)
    assert vendor_names_in_code(path) == []
