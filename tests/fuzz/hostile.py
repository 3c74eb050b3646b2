"""Hypothesis strategies for what a hostile or buggy client sends, by family: lone surrogates,
NUL and control characters, huge and odd numbers, long runs of one character after a prefix a
scanner looks for, nested brackets, repeated separators, exotic URLs, deep nesting, whole bodies
that are not quite JSON, and multipart text parts in every charset Python knows (and some it
does not).

The runs are long enough (tens of KiB) that a scan quadratic in its input holds the event loop
past the watchdog's budget (tests/conftest.py), and short enough that a linear one costs
a millisecond."""

from __future__ import annotations

import encodings.aliases
import functools
import json
import zlib
from typing import Any

from hypothesis import strategies as st

# What scanners of client text look for: URLs, e-mail addresses, phone numbers, encoded words,
# escapes, markup, numbers, brackets.
PREFIXES = (
    "",
    "http://a",
    "https://x.example/",
    "www.",
    "a@",
    "a@b.",
    "+1 (",
    "=?utf-8?q?",
    "(",
    "[",
    "{",
    "\\",
    "1",
    "-",
    "<a href=",
    "%",
    "idiot ",
)
RUN_CHARACTERS = "a)(.-_ @[]{}\\\"'%+:/;,=?!<>\t\n1\u00e9\u200b\ufffd"
RUN_LENGTHS = (2, 64, 4096, 30_000, 60_000)
# The scanners' own triggers, each followed by a run of what the scanner continues with or
# strips (a URL's trailing punctuation, an address's dots): the families the linear-time
# property (test_linear_scans.py) runs through every scanner, at two sizes.
SCANNER_PREFIXES = ("", "http://a", "www.", "a@", "a@b.", "+1 (", "(", "=?utf-8?q?")
SCANNER_UNITS = (")", "(", ".", ",", "!", "]", "a", "-", "@", " ", "a.", "1-", "\\", "()")
SEPARATORS = (".", "-", " ", "@", "a.", "1-", "\\.", ", ", "://", "%2", "a)", "(a")
EXOTIC_URLS = (
    "http://127.0.0.1:+8080/",
    "http://127.0.0.1:8_080/",
    "http://[::1]:0/",
    "http://user:pass@host/",
    "http://xn--nxasmq6b.example/",
    "http://ex\u0430mple.com/",
    "http://%30x7f.1/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://a/" + "%" * 100,
    "http://" + "a." * 500 + "com",
    "http:" + "/" * 1000,
    "//[x.png",
    "http://\udcff/",
    "\x00http://a/",
    "www." + "a" * 70_000,
)
LONE_SURROGATES = ("a\ud83d", "\udc00", "\ud83d\ud83d", "x\udfffy", "\ud800" * 1000)


def charsets() -> list[str]:
    """Every codec name Python knows (each reached by some alias), plus names it does not."""
    known = sorted(set(encodings.aliases.aliases.values()) | set(encodings.aliases.aliases))
    return [*known, "punycode", "idna", "utf-8-sig", "x-unknown", "", "utf-8\x00", "UTF-8 "]


@st.composite
def runs(draw: st.DrawFn) -> str:
    """A prefix a scanner looks for, then a long run of one character (or a short unit)."""
    prefix = draw(st.sampled_from(PREFIXES))
    unit = draw(st.one_of(st.sampled_from(RUN_CHARACTERS), st.sampled_from(SEPARATORS)))
    count = draw(st.sampled_from(RUN_LENGTHS)) // len(unit)
    return prefix + unit * count + draw(st.sampled_from(("", "x", ")", "\x00")))


@st.composite
def nested(draw: st.DrawFn) -> str:
    """Brackets nested deep, balanced or not."""
    pair = draw(st.sampled_from(("()", "[]", "{}", "<>", '""')))
    opening, closing = pair[0], pair[1]
    depth = draw(st.sampled_from((10, 1000, 30_000)))
    inner = draw(st.sampled_from(("", "http://a", "a@b.co")))
    tail = closing * draw(st.sampled_from((0, depth, depth + 1)))
    return opening * depth + inner + tail


def family(prefix: str, unit: str, size: int, tail: str = "") -> str:
    """`prefix`, then `unit` repeated to about `size` characters, then `tail` (a character
    that ends no match makes a backtracking scan try every way first)."""
    return prefix + unit * (size // len(unit)) + tail


@st.composite
def scanner_runs(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(SCANNER_PREFIXES))
    unit = draw(st.sampled_from(SCANNER_UNITS))
    tail = draw(st.sampled_from(("", "\x00", "x")))
    return family(prefix, unit, draw(st.sampled_from((30_000, 60_000))), tail)


def strings() -> st.SearchStrategy[str]:
    """Hostile text of every family, and plain text with control characters mixed in."""
    return st.one_of(
        scanner_runs(),
        st.sampled_from(LONE_SURROGATES),
        st.text(
            st.characters(codec=None, categories=["Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"]),
            max_size=40,
        ),
        st.text(max_size=40).map(lambda s: s + "\x00"),
        runs(),
        nested(),
        st.sampled_from(EXOTIC_URLS),
        st.sampled_from(charsets()),
    )


HUGE_NUMBERS = (10**30, -(10**30), 2**63, 2**64 + 1, 10**4000 // 10**3990, 1e308, -0.0, 5e-324)
# Number tokens a JSON encoder would not write but a client's hand may: spliced in as raw text.
RAW_NUMBERS = ("1e999999", "-1e999999", "1" * 5000, "0." + "0" * 5000 + "1", "-0", "1E+2")


def values() -> st.SearchStrategy[Any]:
    """A hostile JSON value: a string, a number, or a structure nested deep."""
    leaf = st.one_of(strings(), st.sampled_from(HUGE_NUMBERS), st.none(), st.booleans())
    deep = st.integers(min_value=1, max_value=110).map(lambda n: _deep(n))
    return st.one_of(leaf, leaf, deep, st.sampled_from(RAW_NUMBERS).map(RawNumber))


class RawNumber(str):
    """A number token written into the body as is (`json_text` splices it in)."""


def _deep(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def json_text(value: Any) -> str:
    """`value` as JSON text as a JavaScript client writes it (lone surrogates as `\\uXXXX`
    escapes), with every RawNumber spliced in as its raw token."""
    raws: list[str] = []

    def swap(node: Any) -> Any:
        if isinstance(node, RawNumber):
            raws.append(str(node))
            return f"__raw_{len(raws) - 1}__"
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(value), ensure_ascii=True)
    for index, raw in enumerate(raws):
        text = text.replace(f'"__raw_{index}__"', raw)
    return text


# Whole bodies that are not quite JSON: deep brackets, odd encodings, stray bytes.
RAW_BODIES = (
    b"[" * 5000,
    b'{"a":' * 200 + b"1" + b"}" * 200,
    b"\xef\xbb\xbf{}",
    '{"text_data": "x"}'.encode("utf-16"),
    b'{"a": "\xed\xa0\xbd"}',
    b'{"a": "\xff\xfe"}',
    b'{"a": 1}\x00',
    b"\x00" * 1000,
    b'{"a": NaN, "b": Infinity}',
    b'{"a": 1, "a": 2}',
    b'{"' + b"a" * 100_000 + b'": 1}',
    b"{" + b'"k":0,' * 50_000 + b'"z":1}',
)


# One value of each family, every operation gets each in `make test` (test_fuzz_hostile.py),
# whatever the random draws: the families that broke the sandbox before (issue 23) stay covered.
CORE: tuple[tuple[str, Any], ...] = (
    ("lone surrogate", "a\ud83d"),
    ("NUL and controls", "a\x00\x1b\x7f\u2028b"),
    ("white space only", " \x85\u2028\u3000"),
    ("URL then a run of brackets", "see http://a.example/x" + ")" * 30_000),
    ("huge integer", 10**30),
    ("number beyond a double", RawNumber("1e999999")),
    ("nested past the cap", _deep(101)),
    ("exotic URL", "http://127.0.0.1:+8080/_mockserver/reset?all=1"),
    ("run of dots after an address", "a@b" + "." * 30_000),
)


@functools.cache
def gzip_bomb() -> bytes:
    """64 KiB of gzip that inflates to 64 MiB of zeros (64 times the default body cap; made
    once per process, in about half a second)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 24)
    return b"".join(packer.compress(chunk) for _ in range(4)) + packer.flush()


# Charsets every multipart operation gets in `make test`: one that decodes slowly, one whose
# decoder cannot replace, one that does not exist.
CORE_CHARSETS = ("punycode", "idna", "x-unknown")
