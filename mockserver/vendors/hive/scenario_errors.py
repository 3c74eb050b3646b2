"""Problems in the `hive:` scenario section, with the key path that lets the loader show
`file:line:col: hive.rules[1].if: ...`."""

from __future__ import annotations

KeyPath = tuple[str | int, ...]


def dotted(path: KeyPath) -> str:
    """`hive.rules[1].if` for a path below the section."""
    return "hive" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


class SectionError(ValueError):
    """A semantic problem in the section; `path` is the key path below `hive`."""

    def __init__(self, path: KeyPath, problem: str) -> None:
        super().__init__(f"{dotted(path)}: {problem}")
        self.path = path
        self.problem = problem
