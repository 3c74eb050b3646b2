"""Which documented form of each variant the real service speaks, from a drift run's answers.

A vendor's probe set says which answer shows each variant (`reveals`, see `model.Reveal`). The
variants themselves (names, forms, how to recognise a
form) come from the vendors' variant registry, handed in as a `VariantSource`, so this module
knows no vendor and no variant by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockserver.cli.drift.compare import shape
from mockserver.kit.drift_probes import ProbeSet, Reveal

if TYPE_CHECKING:
    from mockserver.cli.drift.listener import Delivery
    from mockserver.cli.drift.target import Answer


@dataclass(frozen=True)
class KnownVariant:
    """A variant as drift needs it: its forms (with the document that shows each), its default,
    and `match(doc)`: the forms a JSON document matches."""

    name: str
    default: str
    sources: Mapping[str, str]
    match: Callable[[Any], list[str]]


VariantSource = Callable[[str], Sequence[KnownVariant]]
"""The variants the sandbox knows for a vendor name."""


@dataclass
class Detection:
    variant: str
    default: str
    evidence: str
    observed: bool = False
    forms: list[str] = field(default_factory=list)
    sandbox_forms: list[str] = field(default_factory=list)
    source: str | None = None
    shape: dict[str, str] | None = None
    why: str = ""
    current: str | None = None
    """The form the sandbox is set to speak (its selection), when known."""

    @property
    def form(self) -> str | None:
        return self.forms[0] if self.forms else None

    @property
    def sandbox_form(self) -> str | None:
        if self.current is not None:
            return self.current
        return self.sandbox_forms[0] if self.sandbox_forms else None

    @property
    def differs(self) -> bool:
        """Observed, and the real service speaks another form than the sandbox (or a new one)."""
        return self.observed and (self.form is None or self.form != self.sandbox_form)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "variant": self.variant,
            "observed": self.observed,
            "form": self.form,
            "default": self.default,
            "evidence": self.evidence,
        }
        if len(self.forms) > 1:
            out["also_matches"] = self.forms[1:]
        if self.source:
            out["source"] = self.source
        if self.observed:
            out["sandbox_form"] = self.sandbox_form
            out["differs"] = self.differs
        if self.shape is not None:
            out["shape"] = self.shape
        if self.why:
            out["why"] = self.why
        return out


def _subject(
    reveal: Reveal, answers: Mapping[str, Answer], hook: Delivery | None
) -> tuple[Any, str]:
    """The document a variant is recognised in, or (None, why not)."""
    for name in reveal.requires_ok:
        needed = answers.get(name)
        if needed is None or not needed.ok:
            return None, f"probe {name} did not succeed"
    if reveal.probe == "webhook":
        if hook is None:
            return None, "no webhook was recorded (run with --listen and --allow-writes)"
        if reveal.path == "headers":
            return {"headers": dict(hook.headers)}, ""
        return _at(hook.body, reveal.path, "the webhook")
    answer = answers.get(reveal.probe)
    if answer is None or answer.skipped:
        why = f": {answer.skipped}" if answer is not None else ""
        return None, f"probe {reveal.probe} did not run{why}"
    if not answer.answered or not answer.is_json:
        return None, f"probe {reveal.probe} got no JSON answer"
    if reveal.status is not None and answer.status != reveal.status:
        return None, f"probe {reveal.probe} answered {answer.status}, not {reveal.status}"
    return _at(answer.body, reveal.path, f"the answer to {reveal.probe}")


def _at(doc: Any, path: str, what: str) -> tuple[Any, str]:
    for part in path.split(".") if path else ():
        doc = doc.get(part) if isinstance(doc, dict) else None
    if doc is None:
        return None, f"{what} has no {path or 'body'}"
    return doc, ""


def detect_variants(
    probe_set: ProbeSet,
    source: VariantSource,
    answers: Mapping[str, Mapping[str, Answer]],
    hooks: Mapping[str, Delivery | None],
    current: Mapping[str, str] | None = None,
) -> list[Detection]:
    """One detection per variant the sandbox knows for this vendor; `current` is the form the
    sandbox is set to for each (else what its answers matched)."""
    out: list[Detection] = []
    for variant in source(probe_set.vendor):
        reveal = probe_set.reveals.get(variant.name)
        found = Detection(variant.name, variant.default, reveal.probe if reveal else "")
        found.current = (current or {}).get(variant.name)
        out.append(found)
        if reveal is None:
            found.why = "no drift probe shows this variant"
            continue
        real, why = _subject(reveal, answers.get("real", {}), hooks.get("real"))
        if real is None:
            found.why = why
            continue
        found.observed = True
        found.forms = variant.match(real)
        sandbox, _ = _subject(reveal, answers.get("sandbox", {}), hooks.get("sandbox"))
        found.sandbox_forms = variant.match(sandbox) if sandbox is not None else []
        if found.form is not None:
            found.source = variant.sources.get(found.form)
        else:
            found.shape = {p: "|".join(sorted(t)) for p, t in list(shape(real).items())[:60]}
            found.why = "matches none of the documented forms: a new form"
    return out


def variants_block(detections: Sequence[Detection]) -> str:
    """The `variants:` block to paste into a scenario: the form the real service spoke for each
    variant it showed; the others as comments saying why."""
    chosen = [d for d in detections if d.observed and d.form is not None]
    if not chosen:
        return ""
    lines = ["variants:"]
    lines += [f"  {d.variant}: {d.form}" for d in chosen]
    for d in detections:
        if d not in chosen:
            lines.append(f"  # {d.variant}: {'a new form' if d.observed else 'not observed'}")
    return "\n".join(lines) + "\n"
