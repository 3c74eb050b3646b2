"""What a vendor's section parser gets from the loader: positions, errors, rules, reviewers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.base.errors import ScenarioError
from mockserver.scenario import reviewer_refs
from mockserver.scenario.model import Reviewer
from mockserver.scenario.rules import RuleSet, parse_rules
from mockserver.scenario.yamlsource import Path, SourceMap, dotted


class SectionContext:
    """Helpers bound to one vendor section (`path` is the section's key, e.g. ('hitl',))."""

    def __init__(
        self,
        smap: SourceMap,
        path: Path,
        reviewers: tuple[Reviewer, ...],
        declared: Any = None,
    ) -> None:
        self._smap = smap
        self._path = path
        self.reviewers = reviewers
        self._declared = declared  # the file's `reviewers:` as written, for messages

    def where(self, sub: Path = ()) -> str:
        return self._smap.where((*self._path, *sub))

    def fail(self, sub: Path, message: str) -> ScenarioError:
        """An error to raise, naming file:line:col and the dotted key."""
        full = (*self._path, *sub)
        return ScenarioError([f"{self._smap.where(full)}: {dotted(full)}: {message}"])

    def rules(self, sub: Path, data: list[Any] | None) -> RuleSet:
        where: Callable[[Path], str] = lambda p: self.where((*sub, *p))  # noqa: E731
        ruleset = parse_rules(dotted((*self._path, *sub)), data, where)
        for i, rule in enumerate(ruleset.rules):
            key = "otherwise" if rule.otherwise else "then"
            for j, step in enumerate(rule.steps):
                if step.by and step.by != "random" and not self.has_reviewer(step.by):
                    raise self.fail((*sub, i, key, j), self.unknown_reviewer(step.by))
        return ruleset

    def has_reviewer(self, ref: str) -> bool:
        """Whether `ref` is exactly the e-mail or name of a reviewer the scenario declares."""
        return reviewer_refs.is_declared(ref, self.reviewers)

    def unknown_reviewer(self, ref: str) -> str:
        """Why `ref` names nobody: the reviewers the file writes out, and a close one."""
        return reviewer_refs.unknown(ref, self.reviewers, self._declared)
