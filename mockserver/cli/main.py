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
from mockserver.cli.serve_options import add_serve_parser, settings_from
from mockserver.http.settings import Settings

SCHEMA_FILE = "scenario.schema.json"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="A local sandbox for the HITL.sh, Outharm and Hive moderation APIs.",
    )
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_parser(sub)
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
        settings = settings_from(args)
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
