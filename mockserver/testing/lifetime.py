"""What the testing helpers that are started and stopped (the in-process server, the container)
share: `with helper as started:` starts it on the way in and stops it on the way out."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Startable:
    """A base for a helper with `start()` (returning itself once ready) and `stop()`."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
