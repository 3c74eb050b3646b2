"""The `when` keys of `echo.rules`: one common matcher from the core, read from a message."""

from __future__ import annotations

from typing import Any

from mockserver.kit.matchers import MatcherTable, text_contains


def _text(message: Any) -> str:
    return str(message.text)


MATCHERS = MatcherTable([text_contains(_text, "the message text contains (any of)")])
