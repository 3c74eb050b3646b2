"""YAML loading that remembers where every key and value came from.

PyYAML's composed node tree carries line and column marks; building plain Python objects from it
ourselves lets every later error name `file:line:col` for any path into the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

# libyaml's parser when PyYAML was built with it: the same marks, several times faster
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Bounds on the document as built, aliases expanded: an alias (`*name`) repeats the whole node
# it names, so a few hundred bytes of nested aliases ("billion laughs") would build gigabytes,
# and an alias inside its own anchor would never end. Real scenarios stay far below both.
MAX_NODES = 20_000
MAX_DEPTH = 32
# `<<: *name` merges the keys of the mapping `name` into this one (YAML's merge key,
# https://yaml.org/type/merge.html); keys written beside it win.
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class SourceMap:
    """Where each path of a loaded document was written."""

    filename: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path` (of its key when `key`), else of its nearest ancestor."""
        probe = tuple(path)
        if key and probe in self.keys:
            return self.keys[probe]
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def where(self, path: Path, *, key: bool = False) -> str:
        line, col = self.position(path, key=key)
        return f"{self.filename}:{line}:{col}"


def dotted(path: Path) -> str:
    """`hitl.rules[0].then` for error messages; `(top level)` for the root."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# What PyYAML says, and what it usually means in a hand-edited scenario file.
_CAUSES = (
    (
        "mapping values are not allowed",
        "a ': ' (colon and space) inside a value; put the value in quotes, like "
        'text_contains: "note: spam"',
    ),
    (
        "did not find expected key",
        "the indentation does not line up: the keys of one mapping, and the '- ' items of one "
        "list, must start in the same column (or a quote or bracket is left open above)",
    ),
    (
        "did not find expected '-' indicator",
        "a list item is indented differently from the items before it",
    ),
    (
        "expected <block end>",
        "the indentation does not line up with the lines above (keys of one mapping start in "
        "the same column)",
    ),
    (
        "could not find expected ':'",
        "a line is not `key: value` (a missing ': ', or a quote left open on a line above)",
    ),
    ("found unexpected end of stream", "a quote or bracket is opened and never closed"),
    (
        "did not find expected ',' or '}'",
        "inside { }, a value holds ': ' or ',' (put it in quotes) or a comma is missing",
    ),
    (
        "did not find expected ',' or ']'",
        "inside [ ], a value holds ',' or ': ' (put it in quotes) or a comma is missing",
    ),
    (
        "found unknown escape character",
        "a backslash in double quotes; use single quotes for regular expressions",
    ),
)


def plain_words(exc: yaml.MarkedYAMLError, text: str) -> str:
    """A YAML syntax error as a reader acts on it: the usual cause first, the parser's own
    words after (they are what a search engine knows)."""
    said = str(exc.problem or exc.context or "syntax error")
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    here = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "\t" in here or "'\\t'" in said:
        cause = "a tab character: YAML indents with spaces only; replace the tab with spaces"
    else:
        cause = next((why for key, why in _CAUSES if key in said), "")
    if not cause:
        return f"not valid YAML: {said}"
    return f"not valid YAML: {cause} (YAML parser: {said})"


class YamlProblem(Exception):
    def __init__(self, filename: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{filename}:{line}:{col}: {message}")


def load_yaml(text: str, filename: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain objects plus a SourceMap; YamlProblem on bad YAML."""
    smap = SourceMap(filename)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(filename, line, col, plain_words(exc, text)) from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        raise YamlProblem(filename, 1, 1, f"not valid YAML: {exc}") from None
    if node is None:
        return {}, smap
    constructor = yaml.SafeLoader("")
    built = [0]
    merging: set[int] = set()  # the mappings being merged now (a merge of itself never ends)

    def build(n: yaml.Node, path: Path) -> Any:
        smap.values[path] = (n.start_mark.line + 1, n.start_mark.column + 1)
        built[0] += 1
        if built[0] > MAX_NODES or len(path) > MAX_DEPTH:
            line, col = n.start_mark.line + 1, n.start_mark.column + 1
            if built[0] > MAX_NODES:
                raise YamlProblem(
                    filename,
                    line,
                    col,
                    f"the document expands to more than {MAX_NODES} values: each alias "
                    "(*name) repeats everything its anchor (&name) holds",
                )
            raise YamlProblem(
                filename,
                line,
                col,
                f"{dotted(path[:6])}...: nested more than {MAX_DEPTH} levels deep "
                "(an alias (*name) inside its own anchor (&name) never ends)",
            )
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            pairs = [(k, v) for k, v in n.value if k.tag != MERGE_TAG]
            for key_node, value_node in n.value:
                if key_node.tag == MERGE_TAG:
                    merge(out, value_node, path)
            written: set[Any] = set()
            for key_node, value_node in pairs:
                key = (
                    scalar(key_node)
                    if isinstance(key_node, yaml.ScalarNode)
                    else None  # never built: an aliased key could be any size
                )
                if not isinstance(key, str | int | float | bool) or key is None:
                    raise YamlProblem(
                        filename,
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        "keys must be plain words",
                    )
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in written:
                    line = key_node.start_mark.line + 1
                    raise YamlProblem(
                        filename,
                        line,
                        key_node.start_mark.column + 1,
                        f"{dotted(child)}: duplicate key {key!r}",
                    )
                smap.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                written.add(key)
                out[key] = build(value_node, child)  # a key written here wins over a merged one
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        return scalar(n)

    def merge(out: dict[Any, Any], source: yaml.Node, path: Path) -> None:
        """`<<: *name` (or `<<: [*a, *b]`): the keys of the mapping(s) named, each built at
        `path` (and counted against the bounds) with the line where it was written; with a
        list, a key of an earlier mapping wins."""
        sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
        here = smap.values.get(path)
        for mapping in sources:
            if id(mapping) in merging:
                raise YamlProblem(
                    filename,
                    mapping.start_mark.line + 1,
                    mapping.start_mark.column + 1,
                    f"{dotted(path)}: `<<` merges a mapping into itself, which never ends",
                )
            if not isinstance(mapping, yaml.MappingNode):
                raise YamlProblem(
                    filename,
                    mapping.start_mark.line + 1,
                    mapping.start_mark.column + 1,
                    f"{dotted(path)}: `<<` merges a mapping: give it an alias of one (<<: *name) "
                    "or a list of them",
                )
            merging.add(id(mapping))
            try:
                built_keys = build(mapping, path)
            finally:
                merging.discard(id(mapping))
            for key, value in built_keys.items():
                out.setdefault(key, value)
        if here is not None:
            smap.values[path] = here  # the mapping is where it was written, not its anchor

    def scalar(n: yaml.Node) -> Any:
        try:
            value = constructor.construct_object(n, deep=True)
        except ValueError:  # shaped like a timestamp but no date (2026-13-01): keep the text
            return str(n.value)
        # YAML turns unquoted timestamps into datetimes; the scenario wants the text.
        if hasattr(value, "isoformat"):
            return str(n.value)
        return value

    try:
        return build(node, ()), smap
    except yaml.YAMLError as exc:
        raise YamlProblem(filename, 1, 1, f"not valid YAML: {exc}") from None
