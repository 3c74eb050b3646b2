"""The scenarios a server can switch between: the embedded default plus a file or folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mockserver.errors import ScenarioError
from mockserver.scenario.loader import load_default, load_library
from mockserver.scenario.model import Scenario
from mockserver.vendor import Vendor


@dataclass
class ScenarioLibrary:
    default: Scenario
    named: dict[str, Scenario] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(
        cls, vendors: Sequence[Vendor], path: str | None, active: str | None = None
    ) -> ScenarioLibrary:
        """The embedded default, or the file given, or from a folder the scenario named
        `active` (else one named `default`, else the embedded default)."""
        embedded = load_default(vendors)
        if path is None:
            return cls(embedded, {embedded.name: embedded})
        fs = Path(path)
        if not fs.exists():
            raise ScenarioError([f"{path}: no such file or folder"])
        named = load_library(fs, vendors)
        if active is not None:
            if active not in named:
                raise ScenarioError(
                    [f"{path}: no scenario named {active!r} (have: {', '.join(sorted(named))})"]
                )
            default = named[active]
        elif fs.is_file():
            default = next(iter(named.values()))
        else:
            default = named.get("default", embedded)
        named.setdefault(embedded.name, embedded)
        return cls(default, named, fs)
