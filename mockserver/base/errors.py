"""Errors raised by handlers and core code; each vendor renders them in its own body shape.

Handlers never format error responses themselves: they raise `ApiError` carrying the HTTP
status, the vendor's error code (if the vendor has codes), a human message and optional data.
The vendor's error renderer turns it into that vendor's exact body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    """An error answer to an API call, rendered by the owning vendor."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.data = data
        self.headers: dict[str, str] = dict(headers or {})

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.message!r}, code={self.code!r}, data={self.data!r})"


class ScenarioError(Exception):
    """A scenario file that does not load; the message names file, line and key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
