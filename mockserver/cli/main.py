"""The `mockserver` command: `serve`, `validate`, `load`, `trigger`, `health`, `schema`,
`variants`, `hosts`.

Every `serve` setting can also come from a `MOCKSERVER_<NAME>` environment variable; a flag
given on the command line wins over the variable. `health` reads the same variables, so the
Docker image's HEALTHCHECK asks the port the server listens on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mockserver import __version__
from mockserver.base.errors import ScenarioError
from mockserver.base.urls import local_url
from mockserver.cli import load, trigger
from mockserver.cli.drift import command as drift_command
from mockserver.http.settings import Settings

SCHEMA_FILE = "scenario.schema.json"


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the sandbox",
        description="Serve HITL.sh, Outharm and Hive at their real paths on one port. Each "
        "option's help names its environment variable and its default.",
    )
    p.add_argument("--host", help="interface to listen on (env MOCKSERVER_HOST; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (env MOCKSERVER_PORT; default 8080)")
    p.add_argument(
        "--scenario",
        help="scenario file, or folder of scenario files; an empty folder serves the embedded "
        "default scenario until files appear (env MOCKSERVER_SCENARIO; default: the embedded "
        "default scenario)",
    )
    p.add_argument(
        "--scenario-name",
        help="with a folder: the scenario to start with, by its name: or file name (env "
        "MOCKSERVER_SCENARIO_NAME; default: the one named 'default', else the folder's first file)",
    )
    p.add_argument(
        "--seed",
        type=int,
        help="override the scenario's seed (env MOCKSERVER_SEED; default: the scenario's seed)",
    )
    p.add_argument(
        "--clock",
        help="override the scenario's clock: real, manual or scale:N, N times faster (env "
        "MOCKSERVER_CLOCK; default: the scenario's clock)",
    )
    p.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="log level (env MOCKSERVER_LOG_LEVEL; default info)",
    )
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="readable lines or JSON lines (env MOCKSERVER_LOG_FORMAT; default text)",
    )
    p.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        help="the event loop: uvloop needs the extra, pip install 'mockserver[uvloop]' "
        "(env MOCKSERVER_LOOP; default asyncio)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="enforce every documented validation rule, not only what the vendors' own samples "
        "satisfy (env MOCKSERVER_STRICT; default: off)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        default=None,
        help="reload the scenario file or folder when it changes; a broken edit is reported "
        "and the last good scenario stays (env MOCKSERVER_WATCH; default: off)",
    )
    p.add_argument(
        "--rate-limit",
        type=int,
        help="HITL calls allowed per API key per hour (env MOCKSERVER_RATE_LIMIT; default 100, "
        "as the real service)",
    )
    p.add_argument(
        "--variant",
        action="append",
        metavar="VENDOR.NAME=FORM",
        help="answer in this documented form where the vendor's documents disagree; "
        "repeatable (env MOCKSERVER_VARIANT, comma-separated; list: `mockserver variants`)",
    )
    p.add_argument(
        "--host-port",
        action="append",
        metavar="HOST=PORT",
        help="also serve a vendor's real host on a port of its own, answering only as that "
        "host (its paths, auth and errors), so a client switches by origin alone, e.g. "
        "api.thehive.ai=8081; repeatable; `all`: every declared host on the ports after "
        "--port (env MOCKSERVER_HOST_PORTS, comma-separated; hosts: `mockserver hosts`)",
    )
    p.add_argument(
        "--journal-cap",
        type=int,
        help="calls kept in the journal; older ones are dropped and counted "
        "(env MOCKSERVER_JOURNAL_CAP; default 10000)",
    )
    p.add_argument(
        "--delivery-cap",
        type=int,
        help="webhook deliveries kept (env MOCKSERVER_DELIVERY_CAP; default 10000)",
    )
    p.add_argument(
        "--max-pending-deliveries",
        type=int,
        help="webhook deliveries pending (retrying) at once per namespace; past it the oldest is "
        "abandoned and counted (env MOCKSERVER_MAX_PENDING_DELIVERIES; default 5000)",
    )
    p.add_argument(
        "--control-token",
        help="require `Authorization: Bearer TOKEN` on the control plane, health excepted "
        "(env MOCKSERVER_CONTROL_TOKEN, which the CLI and the pytest plugin also send; "
        "default: none)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a host name (or address) the control plane answers to besides its own: loopback, "
        "this machine's names and addresses, and names without a dot (a container's or a "
        "service's) need none; repeatable (env MOCKSERVER_ALLOWED_HOSTS, comma-separated)",
    )
    p.add_argument(
        "--dump-on-exit",
        metavar="PATH",
        help="on shutdown, write every namespace's journal and delivery log to PATH as JSON "
        "(env MOCKSERVER_DUMP_ON_EXIT)",
    )
    p.add_argument(
        "--loop-watchdog-ms",
        type=float,
        metavar="MS",
        help="log a warning, with what ran and its stack, whenever one callback holds the "
        "event loop (every tenant's calls) longer than MS milliseconds "
        "(env MOCKSERVER_LOOP_WATCHDOG_MS; default 0: off)",
    )
    p.add_argument(
        "--loop-watchdog-report",
        metavar="PATH",
        help="with --loop-watchdog-ms, also append each stall to PATH as a JSON line "
        "(env MOCKSERVER_LOOP_WATCHDOG_REPORT)",
    )


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="A local sandbox for the HITL.sh, Outharm and Hive moderation APIs.",
    )
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _serve_parser(sub)
    v = sub.add_parser(
        "validate",
        help="check scenario files; file:line:col messages, exit status 1 on any problem",
        description="Check scenario files against the format and the vendors' rules. Prints "
        "one `file:line:col: key: message` line per problem; exit status 1 if there is any.",
    )
    v.add_argument("paths", nargs="+", help="scenario files or folders (subfolders included)")
    load.add_parser(sub)
    trigger.add_parser(sub, argv)  # its verbs come from the sandbox the command line names
    h = sub.add_parser(
        "health",
        help="exit 0 if a sandbox answers /_mockserver/health (the image's HEALTHCHECK)",
    )
    h.add_argument(
        "--url", help="the sandbox (default: 127.0.0.1 on MOCKSERVER_PORT, else port 8080)"
    )
    sc = sub.add_parser(
        "schema",
        help="print the scenario JSON Schema, or write it next to your scenario files",
        description="Print the scenario JSON Schema. With --write DIR, save it as "
        "DIR/scenario.schema.json, which `# yaml-language-server: $schema=./scenario.schema.json` "
        "at the top of a scenario file in DIR names.",
    )
    sc.add_argument(
        "--write",
        metavar="DIR",
        help="write DIR/scenario.schema.json (DIR is created if needed) instead of printing",
    )
    drift_command.add_parser(sub)
    var = sub.add_parser(
        "variants",
        help="list the documented variants: forms, sources and defaults",
        description="Every place where a vendor's documents disagree, with its forms (and the "
        "document showing each) and the default. Choose a form with `--variant` on serve or "
        "`variants:` in a scenario.",
    )
    var.add_argument("--json", action="store_true", help="print JSON")
    sub.add_parser(
        "hosts",
        help="list the vendors' real hosts, which --host-port serves on ports of their own",
        description="Every real host a vendor declares, with its vendor and the port "
        "`--host-port all` gives it after the main port (8080, or MOCKSERVER_PORT).",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        host=args.host,
        port=args.port,
        scenario=args.scenario,
        scenario_name=args.scenario_name,
        seed=args.seed,
        clock=args.clock,
        log_level=args.log_level,
        log_format=args.log_format,
        strict=args.strict,
        watch=args.watch,
        rate_limit=args.rate_limit,
        journal_cap=args.journal_cap,
        delivery_cap=args.delivery_cap,
        max_pending_deliveries=args.max_pending_deliveries,
        variant=",".join(args.variant) if args.variant else None,
        host_ports=",".join(args.host_port) if args.host_port else None,
        control_token=args.control_token,
        dump_on_exit=args.dump_on_exit,
        allowed_host=",".join(args.allowed_host) if args.allowed_host else None,
        loop_watchdog_ms=args.loop_watchdog_ms,
        loop_watchdog_report=args.loop_watchdog_report,
        loop=args.loop,
    )


def validate(paths: Sequence[str]) -> int:
    """Print every problem in the scenario files; 1 if there is any."""
    from mockserver.registry import vendors
    from mockserver.scenario.loading.checks import check_paths

    problems, checked = check_paths(paths, vendors())
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} scenario file(s)", file=sys.stderr)
        return 1
    print(f"{checked} scenario file(s) OK")
    return 0


def health(url: str | None) -> int:
    """0 when the sandbox answers its health check with status ok, else 1 (reason on stderr)."""
    if url is None:
        try:
            settings = Settings.from_env()
        except ValueError as exc:
            print(f"mockserver health: {exc}", file=sys.stderr)
            return 1
        url = local_url(settings.host, settings.port)
    from mockserver.client.control import ControlClient, ControlError

    client = ControlClient(url, timeout=3.0)
    try:
        answer = client.health()
    except ControlError as exc:
        print(f"mockserver health: {trigger.explain(exc)}", file=sys.stderr)
        return 1
    return 0 if answer.get("status") == "ok" else 1


def list_variants(*, as_json: bool) -> int:
    from mockserver.http.world import variant_registry
    from mockserver.registry import vendors

    registry = variant_registry(vendors())
    if as_json:
        print(json.dumps(registry.to_json(), indent=2))
        return 0
    for variant in registry:
        print(f"{variant.name}: {variant.description}")
        for form in variant.forms:
            mark = "*" if form.name == variant.default else " "
            print(f"  {mark} {form.name}: {form.description}")
            print(f"      source: {form.source}")
        if variant.evidence:
            print(f"    default decided by: {variant.evidence}")
    print("(* the default; choose with --variant NAME=FORM or `variants:` in a scenario)")
    return 0


def list_hosts() -> int:
    """The declared hosts and the ports `--host-port all` gives them."""
    from mockserver.http.hostports import ALL, resolve
    from mockserver.registry import vendors

    try:
        port = Settings.from_env().port
    except ValueError:
        port = Settings.port
    titles = {h.name: h.title for v in vendors() for h in v.hosts}
    for binding in resolve(ALL, vendors(), port):
        where = binding.port or "a free port"
        print(f"{binding.host}  {binding.vendor}  {titles[binding.host]}  (all: {where})")
    print("(serve one with --host-port HOST=PORT; `--host-port all` gives the ports above)")
    return 0


def schema(write: str | None) -> int:
    """Print the scenario JSON Schema, or write it as DIR/scenario.schema.json."""
    from mockserver.registry import vendors
    from mockserver.scenario.loading.schema import scenario_schema

    text = json.dumps(scenario_schema(vendors()), indent=2) + "\n"
    if write is None:
        sys.stdout.write(text)
        return 0
    folder = Path(write)
    target = folder if folder.suffix == ".json" else folder / SCHEMA_FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"mockserver schema: cannot write {target}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point. Output cut short by the reader (`mockserver schema | head`) ends
    quietly, as with any Unix tool."""
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the pipe again while flushing at exit: point stdout at nothing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


def _main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    if args.command == "validate":
        return validate(args.paths)
    if args.command == "load":
        return load.run(args)
    if args.command == "trigger":
        return trigger.run(args)
    if args.command == "health":
        return health(args.url)
    if args.command == "drift":
        return drift_command.run(args)
    if args.command == "variants":
        return list_variants(as_json=args.json)
    if args.command == "hosts":
        return list_hosts()
    if args.command == "schema":
        return schema(args.write)
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    from mockserver.base.eventloop import LoopUnavailable
    from mockserver.http.hostports import HostPortError
    from mockserver.http.server import PortBusy, serve
    from mockserver.kit.variants import VariantError

    try:
        serve(settings)
    except LoopUnavailable as exc:
        print(f"mockserver: --loop: {exc}", file=sys.stderr)
        return 2
    except VariantError as exc:
        print(f"mockserver: --variant: {exc}", file=sys.stderr)
        return 2
    except HostPortError as exc:
        print(f"mockserver: --host-port: {exc}", file=sys.stderr)
        return 2
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    except PortBusy as exc:
        print(f"mockserver: {exc.strerror}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"mockserver: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
