"""A tiny, safe condition language for the `if:` of Hive Dashboard rules in a scenario.

    bullying >= 2 or pii
    spam >= 3 and user.trusted != true
    not (general_nsfw or yes_female_nudity) and content.channel == "kids"

Grammar (keywords are case-insensitive; no `eval`, no attribute access beyond metadata keys):

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand (("==" | "!=" | ">=" | ">" | "<=" | "<") operand)?
    operand    := NUMBER | STRING | "true" | "false" | "null" | name | "(" expr ")"
    name       := IDENT ("." IDENT)*

Names: a class name (its score; as a bare condition it holds when the class is present, see
`Env.present`), `pii` / `pii.phone` / `pii.email`, `text_filter` / `text_filter.<type>` and `url`
(counts of matches; a bare count holds when it is above 0), and `content.<key>` / `user.<key>`
for the submitted content and user (patron) metadata, `None` when the key is absent.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final

from .expression_values import Env, Node, compare, constant, is_truthy, lookup

__all__ = ["PII_KINDS", "Condition", "ConditionSyntaxError", "Env", "compile_condition"]

_COUNT_ROOTS: Final = frozenset({"pii", "text_filter", "url"})
_META_ROOTS: Final = frozenset({"content", "user"})
PII_KINDS: Final = frozenset({"phone", "email"})
_KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false", "null"})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<op>==|!=|>=|<=|>|<)
    |(?P<paren>[()])
    |(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_0-9][A-Za-z0-9_-]*)*)
    """,
    re.VERBOSE,
)


class ConditionSyntaxError(ValueError):
    """A condition that does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, text: str, position: int, problem: str) -> None:
        super().__init__(f"invalid condition {text!r}: {problem} at position {position}")
        self.text = text
        self.position = position
        self.problem = problem


@dataclass(frozen=True)
class Condition:
    """A compiled `if:` condition; `names` lists every name it reads (for validation, docs)."""

    source: str
    names: frozenset[str]
    _root: Node = field(repr=False, compare=False)

    def evaluate(self, env: Env) -> bool:
        """Whether the condition holds for this analysis and metadata."""
        return self._root.truthy(env)


def compile_condition(text: str, known_classes: Collection[str] | None = None) -> Condition:
    """Parse a condition once. With `known_classes`, any other bare name is an error."""
    parser = _Parser(text, known_classes)
    root = parser.parse()
    return Condition(source=text, names=frozenset(parser.names), _root=root)


# --- parser -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, op, paren, name, keyword, end
    text: str
    pos: int


class _Parser:
    def __init__(self, text: str, known_classes: Collection[str] | None) -> None:
        self.text = text
        self.known = known_classes
        self.names: set[str] = set()
        self.tokens = self._tokenize()
        self.index = 0

    def error(self, pos: int, problem: str) -> ConditionSyntaxError:
        return ConditionSyntaxError(self.text, pos, problem)

    def _tokenize(self) -> list[_Token]:
        tokens: list[_Token] = []
        pos = 0
        while pos < len(self.text):
            match = _TOKEN.match(self.text, pos)
            if match is None:
                char = self.text[pos]
                if char in "\"'":
                    raise self.error(pos, "unterminated string")
                if char == "=":
                    raise self.error(pos, "unexpected '=' (use '==' to compare)")
                raise self.error(pos, f"unexpected character {char!r}")
            kind = match.lastgroup or ""
            value = match.group()
            if kind == "name" and value.lower() in _KEYWORDS:
                kind, value = "keyword", value.lower()
            if kind != "space":
                tokens.append(_Token(kind, value, pos))
            pos = match.end()
        tokens.append(_Token("end", "", len(self.text)))
        return tokens

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        return self.current.kind == "keyword" and self.current.text == word

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise self.error(0, "empty condition")
        node = self.parse_or()
        if self.current.kind != "end":
            raise self.error(self.current.pos, f"unexpected {self.current.text!r}")
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.at_keyword("or"):
            self.advance()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        items = tuple(parts)

        def holds(env: Env) -> bool:
            return any(part.truthy(env) for part in items)

        return Node(holds, holds)

    def parse_and(self) -> Node:
        parts = [self.parse_not()]
        while self.at_keyword("and"):
            self.advance()
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        items = tuple(parts)

        def holds(env: Env) -> bool:
            return all(part.truthy(env) for part in items)

        return Node(holds, holds)

    def parse_not(self) -> Node:
        if self.at_keyword("not"):
            self.advance()
            inner = self.parse_not()

            def holds(env: Env) -> bool:
                return not inner.truthy(env)

            return Node(holds, holds)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_operand()
        if self.current.kind != "op":
            return left
        op = self.advance().text
        right = self.parse_operand()
        if self.current.kind == "op":
            raise self.error(self.current.pos, "comparisons cannot be chained; use 'and'")

        def holds(env: Env) -> bool:
            return compare(op, left.value(env), right.value(env))

        return Node(holds, holds)

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind == "paren" and token.text == "(":
            self.advance()
            inner = self.parse_or()
            if not (self.current.kind == "paren" and self.current.text == ")"):
                raise self.error(self.current.pos, "expected ')'")
            self.advance()
            return inner
        if token.kind == "number":
            self.advance()
            number = float(token.text) if "." in token.text else int(token.text)
            return constant(number)
        if token.kind == "string":
            self.advance()
            return constant(_unquote(token.text))
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            self.advance()
            return constant({"true": True, "false": False, "null": None}[token.text])
        if token.kind == "name":
            self.advance()
            return self.name_node(token)
        found = "end of condition" if token.kind == "end" else repr(token.text)
        raise self.error(token.pos, f"expected a value, found {found}")

    def name_node(self, token: _Token) -> Node:
        root, *path = token.text.split(".")
        self.names.add(token.text)
        if root in _META_ROOTS:
            if not path:
                raise self.error(token.pos, f"'{root}' needs a key, e.g. '{root}.<key>'")
            return self._meta_node(root, path)
        if root in _COUNT_ROOTS:
            return self._count_node(token, root, path)
        if path:
            raise self.error(token.pos, f"unknown name {token.text!r}")
        if self.known is not None and root not in self.known:
            near = difflib.get_close_matches(root, sorted(self.known), n=3, cutoff=0.5)
            hint = f" (nearest: {', '.join(near)})" if near else ""
            raise self.error(token.pos, f"unknown class {root!r}{hint}")

        def score(env: Env) -> object:
            return env.scores.get(root, 0)

        def present(env: Env) -> bool:
            if env.present is not None:
                return root in env.present
            return env.scores.get(root, 0) > 0

        return Node(score, present)

    def _meta_node(self, root: str, path: list[str]) -> Node:
        def value(env: Env) -> object:
            return lookup(env.content if root == "content" else env.user, path)

        return Node(value, lambda env: is_truthy(value(env)))

    def _count_node(self, token: _Token, root: str, path: list[str]) -> Node:
        if len(path) > 1 or (root == "url" and path):
            raise self.error(token.pos, f"unknown name {token.text!r}")
        sub = path[0] if path else None
        if root == "pii" and sub is not None and sub not in PII_KINDS:
            kinds = ", ".join(sorted(PII_KINDS))
            raise self.error(token.pos, f"unknown PII kind {sub!r} (known: {kinds})")

        def count(env: Env) -> object:
            if root == "url":
                return env.urls
            table = env.pii if root == "pii" else env.text_filters
            return table.get(sub, 0) if sub is not None else sum(table.values())

        return Node(count, lambda env: bool(count(env)))


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])
