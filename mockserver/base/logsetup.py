"""Log output: one readable line per API call and per webhook attempt, or JSON lines.

Text (the default) is for a terminal: `21:45:07 INFO    hitl GET /v1/test -> 200`, with
`[NAME] ` before the message for anything in a named namespace.
JSON lines (`--log-format json`) are for log collectors: one object per line with `time`,
`level`, `logger` and `message`, plus the fields call sites pass with `extra={...}`: `vendor`,
`method`, `path`, `status`, `namespace`, `item`, `event` (API calls, webhook attempts, scripted
reviewer steps, scenario loads, resets and clock changes).

Client text reaches log lines (a path, a namespace name, an error message): in text lines every
control character of a record (a line break, a carriage return, an escape sequence, Unicode's
line separators) is written as an escape (`\n`, `\x1b`, `\u2028`), so one record is one line
and no client forges another; a traceback's lines are indented under their record. JSON lines
escape them already.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


# Every character that ends a line or steers a terminal: C0, DEL, C1, and Unicode's line and
# paragraph separators; each becomes its Python escape.
_CONTROL = {c: repr(chr(c))[1:-1] for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


def printable(text: str) -> str:
    """`text` with every control character written as its escape (linear in its length)."""
    return text.translate(_CONTROL)


class JsonLines(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


class TextLines(logging.Formatter):
    """`21:45:07 INFO    [NAME] message`; no brackets for the default namespace."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, "%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:
        namespace = getattr(record, "namespace", "")
        line = printable(super().formatMessage(record))
        if not namespace:
            return line
        head = f"{record.asctime} {record.levelname:<7} "
        return f"{head}[{printable(str(namespace))}] {line[len(head) :]}"

    def formatException(self, ei: Any) -> str:
        """The traceback, each line indented (its text is escaped but for the line breaks)."""
        text = super().formatException(ei)
        return "\n".join("  " + printable(line) for line in text.splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("  " + printable(line) for line in stack_info.splitlines())


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for `text` or `json`."""
    if fmt == "json":
        return JsonLines()
    return TextLines()


def configure(level: str = "info", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Send every log record to `stream` (standard error by default) in `fmt`, at `level`."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
