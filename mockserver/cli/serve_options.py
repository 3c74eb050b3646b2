"""What `mockserver serve` takes: its options, and the settings they make.

Every option can also come from a `MOCKSERVER_<NAME>` environment variable; a flag given on the
command line wins over the variable (`Settings.from_env`).
"""

from __future__ import annotations

import argparse

from mockserver.http.settings import Settings


def add_serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `serve` command and its options (each also a `MOCKSERVER_<NAME>` variable)."""
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


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings `serve` runs with: its flags over the `MOCKSERVER_*` variables."""
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
