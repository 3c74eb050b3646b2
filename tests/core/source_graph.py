"""Reading the package's source for tests/core/test_layering.py: its modules, the imports each
makes (at run time or for type checking alike), import cycles, and where code (not text for
people) names a vendor."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "mockserver"

# Vendor names and URL paths that only a vendor's folder (and the registry) may spell in code.
# Lower case only at the start of a word (`archive` is no vendor); capitalised anywhere (`toHive`).
VENDOR_WORD = re.compile(r"(?<![a-z])(?:hitl|outharm|hive)|H(?:itl|ITL|ive|IVE)|O(?:utharm|UTHARM)")
VENDOR_PATH = re.compile(r"/v1/|/api/v2/task|/moderation|/submissions", re.IGNORECASE)
# Keyword arguments whose value is text for people (argparse, Action descriptions, ...).
TEXT_KEYWORDS = frozenset({"help", "description", "epilog", "usage"})


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
    typing_only: bool = False
    """Under `if TYPE_CHECKING:`: still an edge (a type names what it depends on)."""

    def __str__(self) -> str:
        kind = "imports for type checking" if self.typing_only else "imports"
        return f"{modules()[self.source].relative_to(ROOT)}:{self.line}: {kind} {self.target}"


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST, typing_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """(node, whether under `if TYPE_CHECKING:`) for every node under `node`, function bodies
    included."""
    for child in ast.iter_child_nodes(node):
        under = typing_only
        if isinstance(child, ast.If) and _type_checking(child):
            for other in child.body:
                yield other, True
                yield from _statements(other, True)
            for other in child.orelse:
                yield other, under
                yield from _statements(other, under)
            continue
        yield child, under
        yield from _statements(child, under)


def _known(dotted: str, known: dict[str, Path]) -> str | None:
    """The module `dotted` is, or lives in (`a.b.name` -> `a.b` when name is no module)."""
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imports(source: str) -> list[Import]:
    """The imports of package modules that module `source` makes: at run time (top-level or
    inside a function) and for type checking (`if TYPE_CHECKING:`) alike."""
    return _imports(source, modules(), PACKAGE)


def _imports(source: str, known: dict[str, Path], package: str) -> list[Import]:
    """The imports of the modules in `known` (those of `package`) that `source` makes."""
    path = known[source]
    found: list[Import] = []
    for node, typing_only in _statements(tree(path)):
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
            targets = [t if t in known else base for t in targets]
        else:
            continue
        for target in targets:
            inside = target == package or target.startswith(package + ".")
            found_module = _known(target, known) if inside else None
            if found_module is not None and found_module != source:
                found.append(Import(source, found_module, node.lineno, typing_only))
    return list(dict.fromkeys(found))


def package_edges(folder: str) -> dict[str, set[str]]:
    """The import graph of another package of the repository (`tests/echo_vendor`), type-only
    imports included."""
    known = {module_name(p): p for p in sorted((ROOT / folder).rglob("*.py"))}
    package = folder.replace("/", ".")
    return {m: {i.target for i in _imports(m, known, package)} for m in known}


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
