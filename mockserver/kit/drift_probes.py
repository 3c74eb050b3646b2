"""What a vendor declares for `mockserver drift`: its probes (the HTTP calls, whether they write,
what they create and how to undo it) and how to call it (base URL, auth, pacing).

Strings in a call's path, query and body may hold `{name}` placeholders: the run's `{tag}`
(`[mockserver-drift <run-id>]`, put in the text of everything a probe creates), `{run_id}`,
the user's parameters (`--param NAME=VALUE`) and values saved from earlier answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Auth = Literal["key", "invalid", "none"]
INVALID_KEY = "mockserver-drift-invalid-key"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Call:
    """One HTTP call, relative to the target's base URL."""

    method: str
    path: str
    body: Any = None
    query: Mapping[str, str] = field(default_factory=dict)
    auth: Auth = "key"

    def placeholders(self) -> set[str]:
        found: set[str] = set()
        for text in _strings((self.path, dict(self.query), self.body)):
            found.update(_PLACEHOLDER.findall(text))
        return found

    def render(self, values: Mapping[str, str]) -> Call:
        """This call with every known placeholder replaced."""
        return Call(
            self.method,
            fill(self.path, values),
            fill(self.body, values),
            {k: fill(v, values) for k, v in self.query.items()},
            self.auth,
        )

    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Probe:
    """One step of a drift run.

    `writes`: creates, changes or deletes something (runs only with `--allow-writes`).
    `saves`: value name -> JSON paths (dotted, tried in order) to read from the answer.
    `cleanup`: the call that undoes what this probe created; queued as soon as the probe's
    saved values are known, run at the end of the run (also after Ctrl-C) unless a later probe
    made exactly that call successfully.
    `skip_when_given`: a parameter that, when the user gives it, makes this probe pointless
    (say, creating a loop when the user names one).
    `callback_field`: with `--listen`, the body key that gets the run's webhook URL.
    `webhook`: this probe makes the vendor send a webhook (awaited with `--listen`).
    `listen_only`: runs only with `--listen`.
    `real_only`: reads something only the user's real account has (`--request-id`): runs on
    the real side only, to show a variant's form; its outcome is `observed`, not compared.
    """

    name: str
    call: Call
    writes: bool = False
    saves: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cleanup: Call | None = None
    skip_when_given: str | None = None
    callback_field: str | None = None
    webhook: bool = False
    listen_only: bool = False
    real_only: bool = False
    description: str = ""

    def needs(self) -> set[str]:
        needed = self.call.placeholders()
        if self.cleanup is not None:
            needed |= self.cleanup.placeholders() - set(self.saves)
        return needed - RUN_VALUES


RUN_VALUES = frozenset({"tag", "run_id"})


@dataclass(frozen=True)
class Param:
    """A value the user gives with `--param NAME=VALUE` (same for both sides unless
    `--sandbox-param NAME=VALUE`); `default` applies to both sides when the user gives none,
    `sandbox_default` to the sandbox side (say, the default scenario's schema id)."""

    name: str
    help: str
    required: bool = False
    default: str | None = None
    sandbox_default: str | None = None


@dataclass(frozen=True)
class Reveal:
    """Where a variant's form shows: the answer to `probe` (or `webhook`, the delivery a probe
    caused), the part at dotted `path` (for a webhook, `headers` means its headers), and only
    when every probe in `requires_ok` succeeded on that side (an answer that failed for
    another reason, say a loop without members, says nothing about the form)."""

    probe: str
    path: str = ""
    requires_ok: tuple[str, ...] = ()
    status: int | None = None
    """Only an answer with this status tells (say, 200 for a decided request's answer)."""


def gone_when_not_found(status: int, body: Any) -> str | None:
    """A cleanup answered 404 or 410: what it was to undo is already gone."""
    return "already gone" if status in (404, 410) else None


MovedOn = Callable[[int, Any, int, Any], "str | None"]
"""(real status, real body, sandbox status, sandbox body) -> why the real answer differs only
because its object's state moved on between probes, or None."""


@dataclass(frozen=True)
class ProbeSet:
    """Everything `drift` needs to know about one vendor.

    `sandbox_path` is appended to the sandbox's root URL to get the base the probes' paths are
    relative to (HITL.sh: `/v1`). `headers` are glob patterns (lower case) of the answer
    headers whose presence is compared. Pacing: at least `pace` seconds between two calls to
    the real service, at most `max_calls` calls in one run (cleanups included), and no new
    probe once the `remaining_header` says `reserve` calls or fewer are left this hour.
    `reveals` maps a variant name to where its form shows. `moved_on` tells state that moved on
    from drift: when it explains a pair of answers (a person answered the real request between
    two probes), the probe is `moved`, not a difference. `gone` says why a cleanup that failed
    still leaves nothing to undo (already deleted, already decided): it counts as undone.
    """

    vendor: str
    default_base: str
    sandbox_path: str
    auth_headers: Callable[[str], dict[str, str]]
    probes: tuple[Probe, ...]
    key_env: str
    params: tuple[Param, ...] = ()
    headers: tuple[str, ...] = ("content-type",)
    pace: float = 1.0
    max_calls: int = 30
    reserve: int = 0
    remaining_header: str | None = None
    reveals: Mapping[str, Reveal] = field(default_factory=dict)
    notes: str = ""
    moved_on: MovedOn | None = None
    gone: Callable[[int, Any], str | None] = gone_when_not_found


def fill(value: Any, values: Mapping[str, str]) -> Any:
    """`value` with `{name}` replaced in every string it holds (unknown names are kept)."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    if isinstance(value, dict):
        return {fill(k, values): fill(v, values) for k, v in value.items()}
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    return []
