"""One drift run: every probe on the real side and on the sandbox, one after the other, then
the cleanup of both sides, also when the run is interrupted (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from mockserver import __version__
from mockserver.cli.drift.detect import VariantSource, detect_variants, variants_block
from mockserver.cli.drift.listener import Delivery, Listener, compare_deliveries
from mockserver.cli.drift.report import ProbeOutcome, moved, outcome, summary
from mockserver.cli.drift.target import Answer, Limits, Target
from mockserver.http.appkeys import CONTROL_PREFIX
from mockserver.kit.drift_probes import Probe, ProbeSet

SIDES = ("real", "sandbox")


@dataclass
class Options:
    base: str
    key: str
    sandbox_url: str
    sandbox_key: str = "mockserver-drift"
    allow_writes: bool = False
    params: Mapping[str, str] = field(default_factory=dict)
    sandbox_params: Mapping[str, str] = field(default_factory=dict)
    pace: float | None = None
    max_calls: int | None = None
    timeout: float = 30.0
    listen: tuple[str, int] | None = None
    public_url: str | None = None
    listen_timeout: float = 60.0
    webhook_secret: str | None = None
    run_id: str = ""
    scenario: str | None = None


Progress = Callable[[ProbeOutcome], None]


def _values(probe_set: ProbeSet, given: Mapping[str, str], sandbox: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in probe_set.params:
        default = p.sandbox_default if sandbox and p.sandbox_default is not None else p.default
        if default is not None:
            out[p.name] = default
    out.update(given)
    return out


async def run(
    probe_set: ProbeSet,
    opts: Options,
    variants: VariantSource,
    progress: Progress = lambda _: None,
) -> dict[str, Any]:
    """Run the probes and return the report (a JSON-ready dict; secrets not yet redacted)."""
    started = datetime.now(UTC)
    tag = f"[mockserver-drift {opts.run_id}]"
    listener = None
    if opts.listen is not None:
        listener = await Listener(
            opts.listen[0], opts.listen[1], opts.run_id, opts.public_url
        ).start()
    real_limits = Limits(
        pace=probe_set.pace if opts.pace is None else opts.pace,
        max_calls=probe_set.max_calls if opts.max_calls is None else opts.max_calls,
        reserve=probe_set.reserve,
        remaining_header=probe_set.remaining_header,
        timeout=opts.timeout,
    )
    real_values = _values(probe_set, opts.params, sandbox=False)
    sandbox_values = _values(probe_set, {**opts.params, **opts.sandbox_params}, sandbox=True)
    targets = {
        "real": Target(
            "real",
            opts.base,
            opts.key,
            probe_set,
            {**real_values, "tag": tag, "run_id": opts.run_id},
            real_limits,
            listener.url_for("real") if listener else None,
        ),
        "sandbox": Target(
            "sandbox",
            opts.sandbox_url + probe_set.sandbox_path,
            opts.sandbox_key,
            probe_set,
            {**sandbox_values, "tag": tag, "run_id": opts.run_id},
            Limits(timeout=opts.timeout),
            listener.url_for("sandbox") if listener else None,
        ),
    }
    # The user's own values, for `skip_when_given` (not the run's tag or the defaults).
    targets["real"].given = dict(opts.params)
    targets["sandbox"].given = {**opts.params, **opts.sandbox_params}
    # A value the two sides were given differently, used as a JSON key, stands for its name.
    keys = (
        {v: f"{{{k}}}" for k, v in real_values.items() if sandbox_values.get(k) != v},
        {v: f"{{{k}}}" for k, v in sandbox_values.items() if real_values.get(k) != v},
    )
    outcomes: list[ProbeOutcome] = []
    answers: dict[str, dict[str, Answer]] = {side: {} for side in SIDES}
    hooks: dict[str, Delivery | None] = {}
    interrupted = False
    task = asyncio.current_task()
    on_sigterm = _CancelOnSigterm(task)
    async with targets["real"] as real, targets["sandbox"] as sandbox:
        try:
            for probe in probe_set.probes:
                if probe.writes and not opts.allow_writes:
                    skip = Answer(probe.call.label(), skipped="writes; run with --allow-writes")
                    result = outcome(probe.name, True, skip, skip)
                elif probe.listen_only and listener is None:
                    skip = Answer(probe.call.label(), skipped="needs --listen")
                    result = outcome(probe.name, probe.writes, skip, skip)
                elif real.stopped is not None:
                    skip = Answer(probe.call.label(), skipped=f"stopped: {real.stopped}")
                    result = outcome(probe.name, probe.writes, skip, skip)
                else:
                    mark = listener.mark() if listener is not None else {}
                    got = await _both(targets, probe)
                    for side in SIDES:
                        answers[side][probe.name] = got[side]
                    result = outcome(probe.name, probe.writes, got["real"], got["sandbox"], keys)
                    result = moved(result, probe_set.moved_on)
                    if probe.real_only and got["real"].answered:
                        result.outcome = "observed"
                    if probe.webhook and listener is not None and not hooks:
                        hooks = await _deliveries(listener, mark, got, opts)
                outcomes.append(result)
                progress(result)
        except asyncio.CancelledError:
            interrupted = True
            if task is not None:
                task.uncancel()
        finally:
            cleanup = {
                side: [c.to_json() for c in await t.clean_up()]
                for side, t in (("real", real), ("sandbox", sandbox))
            }
        if listener is not None:
            await listener.stop()
    on_sigterm.close()
    webhook = None
    if listener is not None and hooks:
        webhook = compare_deliveries(hooks.get("real"), hooks.get("sandbox"), opts.webhook_secret)
    current = await _sandbox_variants(opts.sandbox_url, probe_set.vendor)
    detected = detect_variants(probe_set, variants, answers, hooks, current)
    report: dict[str, Any] = {
        "tool": f"mockserver drift {__version__}",
        "vendor": probe_set.vendor,
        "base": opts.base,
        "scenario": opts.scenario,
        "run_id": opts.run_id,
        "allow_writes": opts.allow_writes,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "interrupted": interrupted,
        "stopped": targets["real"].stopped,
        "summary": {**summary(outcomes), "variants_differ": sum(d.differs for d in detected)},
        "probes": [o.to_json() for o in outcomes],
        "webhook": webhook,
        "variants": [d.to_json() for d in detected],
        "variants_block": variants_block(detected),
        "cleanup": cleanup,
        "calls": {side: targets[side].calls for side in SIDES},
    }
    return report


async def _both(targets: Mapping[str, Target], probe: Probe) -> dict[str, Answer]:
    """The probe on each side. An interruption lets a call already sent finish first, so what it
    created is known and can be undone."""
    inner = asyncio.ensure_future(_sides(targets, probe))
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await inner
        raise


async def _deliveries(
    listener: Listener, mark: dict[str, int], got: Mapping[str, Answer], opts: Options
) -> dict[str, Delivery | None]:
    """The delivery each side sent after `mark` (a side whose call failed sends none)."""

    async def real() -> Delivery | None:
        if not got["real"].ok:
            return None
        return await listener.next_after("real", mark, opts.listen_timeout)

    async def sandbox() -> Delivery | None:
        # The sandbox runs on a manual clock (no scripted reviewer acts during a run, as no
        # real one does on the probes' requests): move it a virtual second at a time until
        # the webhook is sent (at once for most; a Hive callback after its delay).
        if not got["sandbox"].ok:
            return None
        for step in range(int(opts.listen_timeout) + 1):
            await _advance(opts.sandbox_url, 0 if step == 0 else 1)
            found = await listener.next_after("sandbox", mark, 0.05)
            if found is not None:
                return found
        return None

    found_real, found_sandbox = await asyncio.gather(real(), sandbox())
    return {"real": found_real, "sandbox": found_sandbox}


async def _sandbox_variants(sandbox_url: str, vendor: str) -> dict[str, str]:
    """The form the sandbox is set to speak for each of the vendor's variants."""
    url = f"{sandbox_url}{CONTROL_PREFIX}/variants"
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, params={"vendor": vendor}) as resp,
    ):
        if resp.status != 200:
            return {}
        body = await resp.json()
    return {v["name"]: v["current"] for v in body.get("variants", [])}


async def _advance(sandbox_url: str, seconds: float) -> None:
    """Move the sandbox's virtual clock; returns once what fell due has been sent."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox_url}{CONTROL_PREFIX}/clock/advance", json={"by": seconds}) as resp,
    ):
        await resp.read()


async def _sides(targets: Mapping[str, Target], probe: Probe) -> dict[str, Answer]:
    got = {"real": await targets["real"].run(probe)}
    if probe.real_only:
        got["sandbox"] = Answer(probe.call.label(), skipped="reads the real account only")
    else:
        got["sandbox"] = await targets["sandbox"].run(probe)
    return got


class _CancelOnSigterm:
    """SIGTERM (a CI job stopped, `kill`) interrupts the run like Ctrl-C does: the probes stop
    and the cleanup runs. Only in the main thread, where signals can be handled."""

    def __init__(self, task: asyncio.Task[Any] | None) -> None:
        self.installed = False
        if task is None:
            return
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
            self.installed = True

    def close(self) -> None:
        if self.installed:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
