"""The outcome of each probe (same / differs / missing / skipped), the JSON report CI keeps,
and the text a person reads; the user's secrets never appear in either."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

from mockserver.cli.drift.compare import Difference, compare_bodies, compare_headers, rename_keys
from mockserver.cli.drift.target import Answer
from mockserver.kit.drift_probes import MovedOn

REDACTED = "[redacted]"


class Redactor:
    """Replaces every secret (the key, a webhook secret) in text with `[redacted]`: as given,
    in any letter case, and URL-encoded (once or twice, `%2F` or `%2f`, `+` for a space), as a
    service that echoes a key back may have written it."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret or len(secret) < 4:
                continue
            once = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
            forms |= once | {quote(form, safe="") for form in once}
        longest_first = sorted(forms, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(f) for f in longest_first), re.IGNORECASE)
            if longest_first
            else None
        )

    def __call__(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text


@dataclass
class ProbeOutcome:
    name: str
    writes: bool
    outcome: str
    real: Answer
    sandbox: Answer
    differences: list[Difference] = field(default_factory=list)
    notes: list[Difference] = field(default_factory=list)
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "probe": self.name,
            "writes": self.writes,
            "outcome": self.outcome,
            "real": self.real.to_json(),
            "sandbox": self.sandbox.to_json(),
        }
        if self.detail:
            out["detail"] = self.detail
        if self.differences:
            out["differences"] = [d.to_json() for d in self.differences]
        if self.notes:
            out["value_dependent"] = [d.to_json() for d in self.notes]
        return out


def outcome(
    name: str,
    writes: bool,
    real: Answer,
    sandbox: Answer,
    keys: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {}),
) -> ProbeOutcome:
    """Compare one probe's two answers; `keys` renames object keys on each side (see
    `compare.rename_keys`)."""
    if not real.answered and not sandbox.answered:
        why = real.skipped or sandbox.skipped or real.error or sandbox.error or ""
        kind = "skipped" if real.skipped and sandbox.skipped else "missing"
        return ProbeOutcome(name, writes, kind, real, sandbox, detail=why)
    if not real.answered or not sandbox.answered:
        lacking, other = ("real service", real) if not real.answered else ("sandbox", sandbox)
        why = other.skipped or other.error or ""
        if other.skipped:  # not run on that side (a value it was given, a spent budget)
            return ProbeOutcome(name, writes, "skipped", real, sandbox, detail=why)
        return ProbeOutcome(
            name, writes, "missing", real, sandbox, detail=f"no answer from the {lacking}: {why}"
        )
    # Not found (or no such method) on one side, answered on the other: that side lacks it.
    for lacking, this, other in (("real service", real, sandbox), ("sandbox", sandbox, real)):
        if this.status in (404, 405) and other.ok:
            status = Difference("status", str(real.status), str(sandbox.status))
            why = f"the {lacking} answers {this.call} with {this.status}"
            return ProbeOutcome(name, writes, "missing", real, sandbox, [status], detail=why)
    found: list[Difference] = []
    if real.status != sandbox.status:
        found.append(Difference("status", str(real.status), str(sandbox.status)))
    found += compare_headers(real.headers, sandbox.headers)
    if real.is_json != sandbox.is_json:
        found.append(Difference("$", _kind(real), _kind(sandbox)))
    elif real.is_json:
        found += compare_bodies(rename_keys(real.body, keys[0]), rename_keys(sandbox.body, keys[1]))
    hard = [d for d in found if not d.soft]
    soft = [d for d in found if d.soft]
    return ProbeOutcome(name, writes, "differs" if hard else "same", real, sandbox, hard, soft)


def moved(result: ProbeOutcome, moved_on: MovedOn | None) -> ProbeOutcome:
    """`result` as `moved` when the vendor says the real answer differs only because its
    object's state moved on between probes; its differences are kept as notes."""
    if moved_on is None or result.outcome not in ("same", "differs"):
        return result
    real, sandbox = result.real, result.sandbox
    why = moved_on(real.status, real.body, sandbox.status, sandbox.body)
    if why is None:
        return result
    notes = result.differences + result.notes
    return ProbeOutcome(result.name, result.writes, "moved", real, sandbox, [], notes, why)


def _variant_line(v: dict[str, Any]) -> str:
    if not v["observed"]:
        return f"not observed ({v.get('why', '')})"
    if not v["form"]:
        return "a new form, none of the documented ones"
    sandbox = v.get("sandbox_form")
    same = "the sandbox too" if sandbox == v["form"] else f"the sandbox: {sandbox or '-'}"
    return f"{v['form']} ({same}; default {v['default']})"


def _kind(answer: Answer) -> str:
    return "json" if answer.is_json else ("empty" if answer.body is None else "text")


def summary(outcomes: Iterable[ProbeOutcome]) -> dict[str, int]:
    counts = {"same": 0, "differs": 0, "missing": 0, "skipped": 0, "observed": 0, "moved": 0}
    for o in outcomes:
        counts[o.outcome] += 1
    return counts


def dump(report: dict[str, Any], redact: Redactor) -> str:
    return redact(json.dumps(report, indent=2, ensure_ascii=False, default=str)) + "\n"


def render(report: dict[str, Any], redact: Redactor) -> str:
    """The report as a person reads it: one line per probe, its differences indented."""
    lines = [
        f"mockserver drift: {report['vendor']} at {report['base']} vs the sandbox "
        f"(run {report['run_id']}{', writes allowed' if report['allow_writes'] else ', read-only'})"
    ]
    for p in report["probes"]:
        status = " ".join(
            f"{side} {p[side].get('status', 'error' if p[side].get('error') else '-')}"
            for side in ("real", "sandbox")
        )
        lines.append(f"  {p['outcome']:<8} {p['probe']:<32} {status}")
        if p.get("detail"):
            lines.append(f"           {p['detail']}")
        for d in p.get("differences", []):
            lines.append(f"           {d['path']}: real {d['real']}, sandbox {d['sandbox']}")
    hook = report.get("webhook")
    if hook:
        lines.append(f"  {hook['outcome']:<8} webhook delivery")
        for d in hook.get("differences", []):
            lines.append(f"           {d['path']}: real {d['real']}, sandbox {d['sandbox']}")
        if hook.get("detail"):
            lines.append(f"           {hook['detail']}")
    for v in report.get("variants", []):
        lines.append(f"  variant  {v['variant']}: {_variant_line(v)}")
        if v["observed"] and not v["form"] and v.get("shape"):
            lines.append(f"           the real answer's shape: {json.dumps(v['shape'])[:400]}")
    if report.get("variants_block"):
        lines += ["", "Paste into the scenario so the sandbox answers like the real service:"]
        lines += ["  " + line for line in report["variants_block"].splitlines()]
    cleanup = report.get("cleanup", {}).get("real", [])
    failed = [c for c in cleanup if not c.get("undone")]
    gone = sum(1 for c in cleanup if c.get("gone"))
    if cleanup:
        already = f" ({gone} already gone or decided)" if gone else ""
        lines.append(f"cleanup: {len(cleanup) - len(failed)} of {len(cleanup)} undone{already}")
        lines += [
            f"  NOT undone: {c['call']} ({c.get('error') or c.get('status')})" for c in failed
        ]
    s = report["summary"]
    if s.get("variants_differ"):
        lines.append(f"{s['variants_differ']} variant(s) in another form than the sandbox's")
    moved_note = f", {s['moved']} moved on (state, not drift)" if s.get("moved") else ""
    lines.append(
        f"{s['same']} same, {s['differs']} differ, {s['missing']} missing, "
        f"{s['skipped']} skipped, {s['observed']} observed on the real side only{moved_note}; "
        f"{report['calls']['real']} calls to the real service"
    )
    if report.get("stopped"):
        lines.append(f"stopped early: {report['stopped']}")
    return redact("\n".join(lines)) + "\n"
