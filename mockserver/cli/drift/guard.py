"""Everything `mockserver drift` writes to the terminal passes through the redactor: its own
lines, and whatever else reaches stdout or stderr while it runs (a library's log line, a
warning, a traceback), so an unexpected error cannot print the key."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO


class RedactingStream:
    """A text stream that redacts whole lines before passing them on (a secret split between
    two writes of one line is still caught); what is left is written on `flush`."""

    def __init__(self, target: TextIO, redact: Callable[[str], str]) -> None:
        self._target = target
        self._redact = redact
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            complete, _, self._pending = self._pending.rpartition("\n")
            self._target.write(self._redact(complete + "\n"))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(self._redact(self._pending))
            self._pending = ""
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    @property
    def encoding(self) -> str:
        return getattr(self._target, "encoding", "utf-8")


@contextlib.contextmanager
def redacted_output(redact: Callable[[str], str]) -> Iterator[None]:
    """stdout and stderr redacted for the duration (restored, and flushed, afterwards)."""
    saved = sys.stdout, sys.stderr
    out, err = RedactingStream(saved[0], redact), RedactingStream(saved[1], redact)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        out.flush()
        err.flush()
