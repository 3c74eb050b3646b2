"""Regular expressions written in scenario files: checked with the other problems, and
explained in a QA engineer's words rather than Python's.

A vendor marks a key that holds a regular expression with `regex_schema(description)`: the
schema carries the keyword `x-regex`, which editors ignore and the loader's validator checks
(see `loader.scenario_validator`), so a broken pattern is one more `file:line:col` line beside
every other problem of the file. Two kinds of mistake are caught:

- a pattern that cannot be read (`(kill`, `*spam`): the message says what is wrong and where,
  never an engine's own wording ("nothing to repeat at position 0");
- a lookaround or back-reference: patterns are matched with RE2 in time linear in the text
  (`mockserver/base/userregex.py`), which has neither;
- a backspace character, which is what YAML makes of `\\b` inside double quotes: `"\\bword\\b"`
  is valid and never matches a word boundary. The message says to use single quotes.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.base.userregex import UserPattern, UserRegexError, compile_user_pattern

REGEX_KEYWORD = "x-regex"
"""The schema keyword that marks a string as a regular expression (checked by the loader)."""

_BACKSPACE = "\x08"


def regex_schema(description: str) -> dict[str, Any]:
    """The JSON Schema of a key whose value is a regular expression."""
    return {"type": "string", "description": description, REGEX_KEYWORD: True}


def _explain(error: re.error, pattern: str) -> str:
    """Python's `re.error` as a sentence about the pattern as the user wrote it."""
    pos = error.pos if error.pos is not None else 0
    at = f"character {pos + 1}"
    char = pattern[pos] if pos < len(pattern) else ""
    msg = error.msg
    if msg == "nothing to repeat":
        return (
            f"'{char}' at {at} has nothing before it to repeat "
            f"(to match a '{char}' itself, write '\\{char}')"
        )
    if msg == "multiple repeat":
        return f"two repeat marks in a row at {at} (to match '{char}' itself, write '\\{char}')"
    if msg.startswith("missing ), unterminated subpattern"):
        return f"the '(' at {at} is never closed with ')'"
    if msg == "unbalanced parenthesis":
        return f"the ')' at {at} has no '(' before it (to match a ')' itself, write '\\)')"
    if msg == "unterminated character set":
        return f"the '[' at {at} is never closed with ']'"
    if msg.startswith("bad escape"):
        escape = pattern[pos : pos + 2]
        if escape == "\\" or pos + 1 >= len(pattern):
            return "the pattern ends with a lone '\\' (to match a backslash, write '\\\\')"
        return f"'{escape}' at {at} is not a known escape (to match a backslash, write '\\\\')"
    if msg.startswith("bad character range"):
        return f"the range '{msg.rsplit(' ', 1)[-1]}' at {at} runs backwards (write it low-high)"
    if msg.startswith("global flags not at the start"):
        return f"a flag like '(?i)' must come first in the pattern; here it is at {at}"
    if msg.startswith("look-behind requires fixed-width"):
        return f"a look-behind '(?<=...)' must match a fixed number of characters ({at})"
    if "group" in msg:
        return f"a named group or back-reference at {at} is not valid"
    return f"it cannot be read at {at}"


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with `pattern` as a regular expression (None: nothing)."""
    if _BACKSPACE in pattern:
        shown = pattern.replace(_BACKSPACE, "\\b")
        return (
            f"'{shown}' holds a backspace character: in double quotes YAML reads \\b as one; "
            f"write the pattern in single quotes ('{shown}') or double each backslash"
        )
    try:
        compile_user_pattern(pattern)
    except UserRegexError as exc:
        return f"{pattern!r} is not a valid regex: {_why_not(pattern, exc)}"
    return None


def _why_not(pattern: str, exc: UserRegexError) -> str:
    """Why RE2 refused `pattern`, in words: a syntax mistake as `_explain` says it (Python's
    parser gives the position), else what RE2 leaves out (lookarounds, back-references)."""
    try:
        re.compile(pattern)
    except re.error as error:
        return _explain(error, pattern)
    except (OverflowError, RecursionError):
        return "it is too large or too deeply nested"
    return str(exc)


def compile_pattern(pattern: str) -> UserPattern:
    """The compiled pattern; ValueError with `pattern_problem`'s words when it is not one."""
    problem = pattern_problem(pattern)
    if problem is not None:
        raise ValueError(problem)
    return compile_user_pattern(pattern)
