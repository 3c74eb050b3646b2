"""`mockserver drift`: the command line, from flags to a report and an exit status.

Exit status: 0 every probe answered alike (or was skipped, or its real state moved on); 1 a
probe (or the webhook) differs or is missing, or the real service speaks another documented
form than the sandbox; 2 bad usage or the sandbox could not start; 3 something created could not
be undone (listed in the report; what is already gone counts as undone); 4 stopped early to
spare the rate limit or the call budget (what ran matched); 130 interrupted (after the cleanup
ran).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockserver.cli.drift.detect import KnownVariant

if TYPE_CHECKING:
    from mockserver.cli.drift.report import ProbeOutcome, Redactor
    from mockserver.kit.drift_probes import ProbeSet

PACE_ENV = "MOCKSERVER_DRIFT_PACE"


def _probe_sets() -> dict[str, ProbeSet]:
    from mockserver.registry import vendors

    return {v.name: ps for v in vendors() if (ps := v.drift_probes) is not None}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sets = _probe_sets()
    p = sub.add_parser(
        "drift",
        help="compare a real vendor's answers with the sandbox's and say which documented "
        "variants it speaks",
        description="Run a small declared set of probes against the real service and against an "
        "in-process sandbox, compare the answers' structure (status, headers that matter, field "
        "names, JSON types, nesting; not values), detect which documented variant the real "
        "service speaks, and print a `variants:` block for a scenario. Read-only unless "
        "--allow-writes; everything created is tagged and undone at the end, also on Ctrl-C.",
    )
    p.add_argument("--vendor", required=True, choices=sorted(sets))
    p.add_argument("--base", help="the real service's base URL (default: the vendor's own)")
    p.add_argument(
        "--key", help="API key (prefer --key-env: a flag is visible to other users' `ps`)"
    )
    p.add_argument(
        "--key-env",
        help="environment variable holding the key (default: "
        + ", ".join(f"{ps.key_env} for {n}" for n, ps in sorted(sets.items()))
        + ")",
    )
    p.add_argument("--scenario", help="scenario file for the sandbox side (default: embedded)")
    p.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="VENDOR.NAME=FORM",
        help="a documented variant's form for the sandbox side, as on `serve` (repeatable)",
    )
    p.add_argument(
        "--sandbox-key", default="mockserver-drift", help="key the sandbox side is called with"
    )
    p.add_argument(
        "--allow-writes",
        action="store_true",
        help="also run the probes that create, change and delete things (tagged, undone at "
        "the end)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value the probes use, for both sides",
    )
    p.add_argument(
        "--sandbox-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for the sandbox side only",
    )
    seen: set[str] = set()
    for name, ps in sorted(sets.items()):
        for param in ps.params:
            if param.name in seen:
                continue
            seen.add(param.name)
            p.add_argument(
                "--" + param.name.replace("_", "-"),
                dest=f"param_{param.name}",
                metavar="VALUE",
                help=f"{name}: {param.help} (same as --param {param.name}=...)",
            )
    p.add_argument(
        "--pace",
        type=float,
        help=f"least seconds between two calls to the real service (env {PACE_ENV}; default: "
        + ", ".join(f"{ps.pace:g} for {n}" for n, ps in sorted(sets.items()))
        + ")",
    )
    p.add_argument("--max-calls", type=int, help="most calls to the real service in one run")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    p.add_argument(
        "--listen",
        metavar="PORT|HOST:PORT",
        help="record one webhook from each side on this port (the real service must reach it: "
        "see --public-url)",
    )
    p.add_argument("--public-url", help="the URL the real service should call for --listen")
    p.add_argument("--listen-timeout", type=float, default=60.0, help="seconds to wait")
    p.add_argument(
        "--webhook-secret-env",
        help="environment variable with the real webhook secret, to verify the real signature",
    )
    p.add_argument("--report", help="write the JSON report to this file")
    p.add_argument("--run-id", help="tag for this run (default: time and random letters)")


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"{flag}: expected NAME=VALUE, got {item!r}")
        out[name.strip()] = value
    return out


def _listen(value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"--listen: expected PORT or HOST:PORT, got {value!r}") from None
    return (host.strip("[]") or "127.0.0.1", number)


def variant_source(vendor: str) -> list[KnownVariant]:
    """The variants the sandbox knows for `vendor` (its registry), as drift reads them."""
    from mockserver.kit.variants import match_forms
    from mockserver.registry import vendors

    return [
        KnownVariant(
            variant.name,
            variant.default,
            {form.name: form.source for form in variant.forms},
            partial(match_forms, variant),
        )
        for v in vendors()
        if v.name == vendor
        for variant in v.variants
    ]


def run(args: argparse.Namespace) -> int:
    """`mockserver drift`; every message, the report included, with the secrets redacted (in
    any case or URL-encoding), and everything else printed while it runs too."""
    from mockserver.cli.drift.guard import redacted_output
    from mockserver.cli.drift.report import Redactor

    ps = _probe_sets()[args.vendor]
    key_env = args.key_env or ps.key_env
    key = args.key or os.environ.get(key_env, "")
    secret = os.environ.get(args.webhook_secret_env, "") if args.webhook_secret_env else ""
    redact = Redactor([key, secret])
    if not key:
        print(f"mockserver drift: no key: give --key or set {key_env}", file=sys.stderr)
        return 2
    with redacted_output(redact):
        try:
            return _run(args, ps, key, secret, redact)
        except KeyboardInterrupt:
            print("mockserver drift: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # never a traceback, which might show the key
            print(redact(f"mockserver drift: {type(exc).__name__}: {exc}"), file=sys.stderr)
            return 2


def _options(args: argparse.Namespace, ps: ProbeSet) -> dict[str, Any]:
    """The parsed flags `session.Options` takes; ValueError naming a bad one."""
    params = _pairs(args.param, "--param")
    for p in ps.params:
        value = getattr(args, f"param_{p.name}", None)
        if value is not None:
            params[p.name] = value
    missing = [p.name for p in ps.params if p.required and p.name not in params]
    if missing:
        raise ValueError(f"{args.vendor} needs --{missing[0].replace('_', '-')}")
    if args.run_id is not None and not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", args.run_id):
        raise ValueError("--run-id: up to 40 letters, digits, '.', '_' or '-'")
    return {
        "params": params,
        "sandbox_params": _pairs(args.sandbox_param, "--sandbox-param"),
        "pace": args.pace if args.pace is not None else _env_pace(),
        "listen": _listen(args.listen),
    }


def _run(args: argparse.Namespace, ps: ProbeSet, key: str, secret: str, redact: Redactor) -> int:
    from mockserver.base.errors import ScenarioError
    from mockserver.cli.drift import session
    from mockserver.cli.drift.report import dump, render
    from mockserver.http.settings import Settings
    from mockserver.testing.server import InProcessServer

    try:
        parsed = _options(args, ps)
    except ValueError as exc:
        print(redact(f"mockserver drift: {exc}"), file=sys.stderr)
        return 2
    run_id = args.run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%S-") + secrets.token_hex(2)
    try:
        # A manual clock: no scripted reviewer acts during the run, as no real one does on the
        # probes' requests.
        settings = Settings(scenario=args.scenario, clock="manual", variant=",".join(args.variant))
        server = InProcessServer(settings).start()
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    except ValueError as exc:  # a --variant the registry does not know
        print(redact(f"mockserver drift: {exc}"), file=sys.stderr)
        return 2
    opts = session.Options(
        base=args.base or ps.default_base,
        key=key,
        sandbox_url=server.url,
        sandbox_key=args.sandbox_key,
        allow_writes=args.allow_writes,
        max_calls=args.max_calls,
        timeout=args.timeout,
        public_url=args.public_url,
        listen_timeout=args.listen_timeout,
        webhook_secret=secret or None,
        run_id=run_id,
        scenario=args.scenario,
        **parsed,
    )

    def progress(outcome: ProbeOutcome) -> None:
        print(redact(f"  {outcome.outcome:<8} {outcome.name}"), file=sys.stderr, flush=True)

    try:
        report = asyncio.run(session.run(ps, opts, variant_source, progress))
    finally:
        server.stop()
    if args.report:
        Path(args.report).write_text(dump(report, redact), encoding="utf-8")
    sys.stdout.write(render(report, redact))
    return exit_status(report)


def _env_pace() -> float | None:
    raw = os.environ.get(PACE_ENV, "")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{PACE_ENV}: expected seconds, got {raw!r}") from None


def exit_status(report: dict[str, Any]) -> int:
    if report["interrupted"]:
        return 130
    # A cleanup whose object is already gone (deleted with its loop, answered by a person)
    # counts as undone.
    if not all(c.get("undone") for c in report["cleanup"]["real"]):
        return 3
    s = report["summary"]
    webhook = report.get("webhook") or {}
    if s["differs"] or s["missing"] or webhook.get("outcome") in ("differs", "missing"):
        return 1
    if s.get("variants_differ"):
        return 1
    return 4 if report["stopped"] else 0
