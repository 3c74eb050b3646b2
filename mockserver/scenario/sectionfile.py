"""A vendor's default scenario section kept as YAML in its own folder, with positions.

The embedded default scenario (`mockserver/data/default.yaml`) holds only the core's keys (name,
clock, reviewers); `load_default` adds each vendor's `ScenarioSection.default`. A vendor keeps
that section readable, comments and all, in `vendors/<name>/default.yaml` and declares it with
one line, `default=section_file(__package__)`. The file's key positions travel with it, so a
problem in a default section is reported at `vendors/<name>/default.yaml:line:col`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from mockserver.scenario.yamlsource import Path, SourceMap, load_yaml


class SectionFile(dict[str, Any]):
    """A section read from a file: the mapping itself, plus where each of its keys was written
    (`smap`, paths relative to the section)."""

    def __init__(self, data: dict[str, Any], smap: SourceMap) -> None:
        super().__init__(data)
        self.smap = smap


@cache
def section_file(package: str | None, resource: str = "default.yaml") -> SectionFile:
    """The section in `resource` of `package` (a vendor passes its `__package__`); ValueError
    when the file is not one YAML mapping."""
    if not package:
        raise ValueError("section_file needs the vendor's package (its __package__)")
    source = resources.files(package).joinpath(resource)
    data, smap = load_yaml(source.read_text(encoding="utf-8"), str(source))
    if not isinstance(data, dict):
        raise ValueError(f"{source}: a scenario section is a mapping of keys")
    return SectionFile(data, smap)


@dataclass
class ComposedSourceMap(SourceMap):
    """The positions of a document assembled from several files: a path under one of `parts`
    (a top-level key, a vendor's name) is looked up in that part's own map."""

    parts: dict[str, SourceMap] = field(default_factory=dict)

    def _part(self, path: Path) -> SourceMap | None:
        return self.parts.get(path[0]) if path and isinstance(path[0], str) else None

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        part = self._part(path)
        if part is None:
            return super().position(path, key=key)
        return part.position(tuple(path)[1:], key=key)

    def where(self, path: Path, *, key: bool = False) -> str:
        part = self._part(path)
        if part is None:
            return super().where(path, key=key)
        return part.where(tuple(path)[1:], key=key)
