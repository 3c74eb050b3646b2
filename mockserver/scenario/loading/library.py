"""The scenarios a server can switch between: the embedded default, a file or folder, and the
ready-made scenarios shipped with the package (the repository's `scenarios/` folder, packaged as
`mockserver/data/scenarios`), which load on first use by name: `use_scenario("hitl-reject")`
works in-process and in the container without mounting anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from mockserver.base.errors import ScenarioError
from mockserver.kit.vendor import Vendor
from mockserver.records.clockmodes import spelled
from mockserver.scenario.loading.loader import (
    EMBEDDED_DEFAULT,
    load_default,
    load_library,
    parse_scenario,
)
from mockserver.scenario.model import Scenario

READY_MADE = Path(__file__).resolve().parents[2] / "data" / "scenarios"


def ready_made() -> dict[str, Path]:
    """The packaged scenario files by name (their file name without `.yaml`)."""
    if not READY_MADE.is_dir():
        return {}
    return {p.stem: p for p in sorted(READY_MADE.glob("*.yaml"))}


def by_name(named: Mapping[str, Scenario], name: str) -> Scenario | None:
    """The scenario called `name`, else the one loaded from the file `name.yaml` / `.yml`."""
    if name in named:
        return named[name]
    return next((s for s in named.values() if PurePath(s.source).stem == name), None)


def starting(named: Mapping[str, Scenario]) -> Scenario:
    """Which of a file's or folder's scenarios a server starts with (and `mockserver load`
    uses): the one named `default`, else the first in file-name order. `named` is in file
    order (`load_library`), so a single file starts with its own scenario."""
    return named.get("default") or next(iter(named.values()))


@dataclass
class ScenarioLibrary:
    default: Scenario
    named: dict[str, Scenario] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(
        cls, vendors: Sequence[Vendor], path: str | None, active: str | None = None
    ) -> ScenarioLibrary:
        """The embedded default, or the file given, or from a folder the scenario named (or
        whose file is named) `active`, else the one named `default`, else the folder's first
        file: a folder serves what it has."""
        embedded = load_default(vendors)
        if path is None:
            return cls(embedded, {embedded.name: embedded})
        fs = Path(path)
        if not fs.exists():
            raise ScenarioError([f"{path}: no such file or folder"])
        named = load_library(fs, vendors)
        if active is not None:
            chosen = by_name(named, active)
            if chosen is None:
                raise ScenarioError(
                    [f"{path}: no scenario named {active!r} (have: {', '.join(sorted(named))})"]
                )
            default = chosen
        else:
            default = starting(named)
        named.setdefault(embedded.name, embedded)
        return cls(default, named, fs)

    def available(self) -> list[str]:
        """Every name `find` knows: the loaded scenarios and the packaged ones."""
        return sorted(set(self.named) | set(ready_made()))

    def ready_made(self) -> list[str]:
        """The packaged scenarios not loaded from the `--scenario` file or folder."""
        return sorted(set(ready_made()) - set(self.named))

    def find(self, name: str, vendors: Sequence[Vendor]) -> Scenario | None:
        """A loaded scenario by name (or file name), else a packaged one; None."""
        found = by_name(self.named, name)
        if found is not None:
            return found
        file = ready_made().get(name)
        if file is None:
            return None
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError([f"scenarios/{file.name}: cannot read: {exc}"]) from None
        # named as in the repository, where users find and copy it
        return parse_scenario(text, f"scenarios/{file.name}", vendors, default_name=name)

    def describe_default(self) -> str:
        """For the start-up log: which scenario is served, from where, on which clock, and
        what else can be switched to by name."""
        d = self.default
        embedded = d.source == str(EMBEDDED_DEFAULT)
        origin = "the embedded default" if embedded else f"from {d.source}"
        line = f"scenario {d.name!r} ({origin}), clock {spelled(d.clock, d.scale)}"
        loaded = [
            n
            for n, s in sorted(self.named.items())
            if n != d.name and s.source != str(EMBEDDED_DEFAULT)
        ]
        if self.path is not None and self.path.is_dir() and loaded:
            line += f"; {self.path} also has: {', '.join(loaded)}"
            line += " (start with another: --scenario-name NAME)"
        if self.ready_made():
            line += f"; ready-made by name: {', '.join(self.ready_made())}"
        return line
