"""The `mockserver/` tree reads top-down (issue 12), checked on the source with `ast`.

Layers, lowest first. A module imports (at run time: top-level or inside a function; imports
under `if TYPE_CHECKING:` are annotations only and do not count) only from its own layer or a
lower one, and the modules of one layer import each other without cycles:

1. base: building blocks that know no other part: `errors`, `ids`, `jsonio`, `durations`,
   `boundedlog`, `redaction`, `requestbody`, `appkeys` (typed keys), `gcpolicy`, `cleanup`,
   `lenience`, `ratelimit`, `logsetup`, `variants`, `filters`, the package itself (its version).
2. time and records: `clock`, `clockspec`, `notifier`, `changes`, `journal`.
3. scenario engine: what a loaded scenario is and how it runs: `scenario.model`,
   `scenario.steps`, `scenario.vocabulary`, `scenario.rules`, `scenario.context`,
   `scenario.yamlsource`, `scenario.sectionfile` (vendors build on these).
4. webhooks: `webhooks.*` (signing, retry policy, dispatcher, delivery log, transport).
5. vendor kit: what a vendor declares itself with: `vendor`, `actions`, `matchers`,
   `drift.model` (drift probes).
6. scenario loading: reading scenario files, each vendor's section through the kit:
   `scenario.schema`, `scenario.loader`, `scenario.checks`, `scenario.library`,
   `scenario.files`.
7. vendors: `vendors.<name>.*`; a vendor imports no other vendor.
8. registry: `registry`, the one module that imports the vendors.
9. world: `settings`, `world`, `openapi.*`.
10. control plane: `control.*`.
11. app: `app`, `watch`, `shutdown`, `server`.
12. tools: `cli`, `trigger`, `trigger_verbs`, `control_client`, `control_transport`, `drift.*`
    (but `drift.model`), `testing.*`.

Also checked: no module outside `mockserver/vendors/` and `mockserver/registry.py` names a
vendor in code (identifiers, imports, string constants, URL paths); docstrings, comments and
help or description text may; the reviewer console's files likewise (outside comments). And
every module stays under MAX_LINES lines.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "mockserver"

# (layer, the modules in it): a name ending in `.*` covers a package and everything under it;
# the most specific entry wins (`drift.model` before `drift.*`).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base",
        (
            "mockserver",
            "mockserver.errors",
            "mockserver.ids",
            "mockserver.jsonio",
            "mockserver.durations",
            "mockserver.boundedlog",
            "mockserver.redaction",
            "mockserver.requestbody",
            "mockserver.appkeys",
            "mockserver.gcpolicy",
            "mockserver.cleanup",
            "mockserver.lenience",
            "mockserver.ratelimit",
            "mockserver.logsetup",
            "mockserver.variants",
            "mockserver.filters",  # journal and delivery filters (issue 12, helper core-a)
        ),
    ),
    (
        "time and records",
        (
            "mockserver.clock",
            "mockserver.clockspec",
            "mockserver.notifier",
            "mockserver.changes",
            "mockserver.journal",
        ),
    ),
    (
        "scenario engine",
        (
            "mockserver.scenario",
            "mockserver.scenario.model",
            "mockserver.scenario.steps",
            "mockserver.scenario.vocabulary",
            "mockserver.scenario.rules",
            "mockserver.scenario.context",
            "mockserver.scenario.yamlsource",
            "mockserver.scenario.sectionfile",
        ),
    ),
    ("webhooks", ("mockserver.webhooks.*",)),
    (
        "vendor kit",
        (
            "mockserver.vendor",
            "mockserver.actions",
            "mockserver.matchers",
            "mockserver.drift.model",
        ),
    ),
    (
        "scenario loading",
        (
            "mockserver.scenario.schema",
            "mockserver.scenario.loader",
            "mockserver.scenario.checks",
            "mockserver.scenario.library",
            "mockserver.scenario.files",
        ),
    ),
    ("vendors", ("mockserver.vendors.*",)),
    ("registry", ("mockserver.registry",)),
    ("world", ("mockserver.settings", "mockserver.world", "mockserver.openapi.*")),
    ("control plane", ("mockserver.control.*",)),
    (
        "app",
        ("mockserver.app", "mockserver.watch", "mockserver.shutdown", "mockserver.server"),
    ),
    (
        "tools",
        (
            "mockserver.cli",
            "mockserver.trigger",
            "mockserver.trigger_verbs",
            "mockserver.control_client",  # the control-plane client (issue 12, helper core-a)
            "mockserver.control_transport",
            "mockserver.drift.*",
            "mockserver.testing.*",
        ),
    ),
)

MAX_LINES = 450

# Vendor names and URL paths that only a vendor's folder (and the registry) may spell in code.
# Lower case only at the start of a word (`archive` is no vendor); capitalised anywhere (`toHive`).
VENDOR_WORD = re.compile(r"(?<![a-z])(?:hitl|outharm|hive)|H(?:itl|ITL|ive|IVE)|O(?:utharm|UTHARM)")
VENDOR_PATH = re.compile(r"/v1/|/api/v2/task|/moderation|/submissions", re.IGNORECASE)
# Keyword arguments whose value is text for people (argparse, Action descriptions, ...).
TEXT_KEYWORDS = frozenset({"help", "description", "epilog", "usage"})

# Offenders being removed on other branches, as (module, what) pairs as the failure message
# spells them: the test passes with them and fails on any new one. Empty: the trigger verbs,
# the plugin's per-vendor URLs and the receiver's own signature check, listed here while their
# helpers worked, are gone from main.
KNOWN_OFFENDERS: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{modules()[self.source].relative_to(ROOT)}:{self.line}: imports {self.target}"


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under `node`, function bodies included, skipping `if TYPE_CHECKING:` bodies."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking(child):
            for other in child.orelse:
                yield other
                yield from _statements(other)
            continue
        yield child
        yield from _statements(child)


def _known(dotted: str) -> str | None:
    """The package module `dotted` is, or lives in (`a.b.name` -> `a.b` when name is no module)."""
    while dotted and dotted not in modules():
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imports(source: str) -> list[Import]:
    """The run-time imports of package modules that module `source` makes."""
    path = modules()[source]
    found: list[Import] = []
    for node in _statements(tree(path)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, *([node.module] if node.module else [])])
            # `from a import b`: the module a.b when it is one, else a
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t if t in modules() else base for t in targets]
        else:
            continue
        for target in targets:
            known = _known(target) if target.split(".")[0] == PACKAGE else None
            if known is not None and known != source:
                found.append(Import(source, known, node.lineno))
    return list(dict.fromkeys(found))


def layer_of(module: str) -> int | None:
    """The index in LAYERS of the most specific entry covering `module`."""
    best: tuple[int, int] | None = None  # (specificity, layer)
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if member.endswith(".*"):
                prefix = member[:-2]
                covers = module == prefix or module.startswith(prefix + ".")
                weight = len(prefix)
            else:
                covers = module == member
                weight = len(member) + 1  # an exact name beats a package of the same name
            if covers and (best is None or weight > best[0]):
                best = (weight, index)
    return None if best is None else best[1]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def edges() -> dict[str, set[str]]:
    return {m: {i.target for i in imports(m)} for m in modules()}


def is_vendor_module(module: str) -> bool:
    return module.startswith(f"{PACKAGE}.vendors.")


def vendor_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if is_vendor_module(module) and len(parts) > 2 else None


def test_no_import_cycles() -> None:
    found = cycles(edges())
    assert not found, "import cycles among mockserver modules:\n" + "\n".join(
        " <-> ".join(c) for c in found
    )


def test_every_module_has_a_layer() -> None:
    missing = [m for m in modules() if layer_of(m) is None]
    assert not missing, f"modules with no layer (add them to LAYERS and the docstring): {missing}"


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for module in modules():
        for i in imports(module):
            source, target = layer_of(module), layer_of(i.target)
            if source is not None and target is not None and target > source:
                upward.append(f"{i} ({LAYERS[source][0]} -> {LAYERS[target][0]})")
    assert not upward, "imports upward (see the layers in this module's docstring):\n" + "\n".join(
        upward
    )


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


def _text_nodes(module: ast.Module) -> set[int]:
    """Ids of the string constants that are text for people: docstrings (of modules, classes,
    functions and attributes: any string statement), help or description keyword values, JSON
    Schema `description` values, and pytest marker help (`addinivalue_line("markers", ...)`)."""
    text: set[int] = set()
    for node in ast.walk(module):
        parts: list[ast.AST] = []
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            parts.append(node.value)
        elif isinstance(node, ast.Call):
            parts += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "addinivalue_line"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "markers"
            ):
                parts += node.args
        elif isinstance(node, ast.Dict):
            parts += [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in TEXT_KEYWORDS
            ]
        for part in parts:
            text.update(id(n) for n in ast.walk(part))
    return text


def _spelled(node: ast.AST) -> Iterator[tuple[str, str]]:
    """(kind, text) for every name a node spells in code."""
    if isinstance(node, ast.Name):
        yield "name", node.id
    elif isinstance(node, ast.Attribute):
        yield "name", node.attr
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield "name", node.name
    elif isinstance(node, ast.arg | ast.keyword) and node.arg:
        yield "name", node.arg
    elif isinstance(node, ast.alias):
        yield "import", node.name
        if node.asname:
            yield "name", node.asname
    elif isinstance(node, ast.ImportFrom) and node.module:
        yield "import", node.module


def vendor_names_in_code(path: Path) -> list[tuple[int, str]]:
    """(line, what) for every vendor name or vendor URL path `path` spells in code."""
    module = tree(path)
    text = _text_nodes(module)
    found: list[tuple[int, str]] = []
    for node in ast.walk(module):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in text and (
                VENDOR_WORD.search(node.value) or VENDOR_PATH.search(node.value)
            ):
                found.append((line, f"string {node.value!r}"))
            continue
        for kind, spelled in _spelled(node):
            if VENDOR_WORD.search(spelled):
                found.append((line, f"{kind} {spelled!r}"))
    return found


def vendor_neutral_modules() -> list[Path]:
    return [
        p
        for m, p in modules().items()
        if not is_vendor_module(m) and m not in (f"{PACKAGE}.vendors", f"{PACKAGE}.registry")
    ]


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
        for path in sorted((ROOT / PACKAGE / "console").iterdir())
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
