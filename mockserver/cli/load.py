"""`mockserver load`: put scenario files into a sandbox that is already running.

For the CI job whose sandbox could not mount them: a GitHub Actions service container starts
before the repository is checked out, a GitLab CI service sees no job files. After checkout:

    mockserver load scenarios/ --url http://127.0.0.1:8080

1. The files are checked here first, as `mockserver validate` checks them (a folder's
   `*.yaml` / `*.yml` files, one level, as `serve --scenario FOLDER` reads them; two files
   with one `name:` included). Any problem: each is printed, nothing is sent, exit status 1.
2. It waits until the sandbox answers `GET /_mockserver/health` (`--wait`, 30 s by default:
   a container still starting is no failure). None in time: exit status 2.
3. Each file is added to the sandbox's library (`POST /_mockserver/scenarios`), so every
   namespace can switch to it by name, and one is put in use (`PUT /_mockserver/scenario`):
   `--use NAME`, else the one named `default`, else the first file, as `serve` starts with.
   Without `--namespace` it becomes every namespace's scenario (what a fresh test namespace
   of the pytest plugin starts on); with it, that namespace's only.
   The sandbox refuses a call (a missing or wrong control token, 401): exit status 3.

The control token is `MOCKSERVER_CONTROL_TOKEN`, as for every other command. Standard library
and the control client only, plus the scenario loader for the local check.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from mockserver.client.control import ControlClient, ControlError, ScenarioRejected

OK, PROBLEMS, NO_SANDBOX, REFUSED = 0, 1, 2, 3
WAIT_STEP = 0.25


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    port = os.environ.get("MOCKSERVER_PORT") or "8080"
    p = sub.add_parser(
        "load",
        help="check scenario files, then load them into a running sandbox (a CI step)",
        description="Check scenario files as `validate` does, wait for the sandbox to answer, "
        "add every scenario to its library and put one in use. Exit status: 0 loaded, 1 a "
        "scenario has problems (nothing sent), 2 no sandbox answered in time, 3 the sandbox "
        "refused (control token: MOCKSERVER_CONTROL_TOKEN).",
    )
    p.add_argument("paths", nargs="+", help="scenario files or folders (*.yaml, *.yml)")
    p.add_argument("--url", help=f"the sandbox (default http://127.0.0.1:{port})")
    p.add_argument(
        "--namespace",
        help="put the scenario in use in this namespace only (default: every namespace)",
    )
    p.add_argument(
        "--use",
        metavar="NAME",
        help="the scenario to put in use (default: the one named 'default', else the first file)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for the sandbox to answer its health check (default 30)",
    )


def run(args: argparse.Namespace) -> int:
    url = args.url or f"http://127.0.0.1:{os.environ.get('MOCKSERVER_PORT') or '8080'}"
    return load(args.paths, url, namespace=args.namespace or "", use=args.use, wait=args.wait)


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def checked(paths: Sequence[str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """The files the paths name with their text, and every problem found in them."""
    from mockserver.registry import vendors
    from mockserver.scenario.loading.checks import check_files
    from mockserver.scenario.loading.loader import name_clashes

    served = vendors()
    found = check_files(paths, served)
    files, problems = found.texts, found.problems
    if not problems:
        from mockserver.scenario.loading.loader import parse_scenario

        names = [(parse_scenario(t, str(f), served, f.stem).name, str(f)) for f, t in files]
        problems += name_clashes(names)
    return files, problems


def wait_for(client: ControlClient, seconds: float, clock: Callable[[], float]) -> str | None:
    """None once the sandbox answers its health check; else why not, after `seconds`."""
    deadline = clock() + seconds
    while True:
        try:
            client.health()
            return None
        except ControlError as exc:
            reason = exc.message
        if clock() >= deadline:
            return reason
        time.sleep(WAIT_STEP)


def load(
    paths: Sequence[str],
    url: str,
    *,
    namespace: str = "",
    use: str | None = None,
    wait: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """`mockserver load`: the exit status (see the module's docstring)."""
    files, problems = checked(paths)
    if problems:
        for line in problems:
            print(line)
        _say(f"mockserver load: {len(problems)} problem(s): nothing was loaded")
        return PROBLEMS
    client = ControlClient(url, namespace, timeout=10.0)
    reason = wait_for(client, wait, clock)
    if reason is not None:
        _say(f"mockserver load: no sandbox answered at {url} within {wait:g}s: {reason}")
        return NO_SANDBOX
    names: list[str] = []
    try:
        for file, text in files:
            added = client.request("POST", "/scenarios", query={"source": str(file)}, text=text)
            names.append(str(added["name"]))
        chosen = use or ("default" if "default" in names else names[0])
        client.use_scenario(chosen)
    except ScenarioRejected as exc:  # the sandbox's vendors differ from this installation's
        for line in exc.problems:
            print(line)
        _say("mockserver load: the sandbox refused a scenario")
        return PROBLEMS
    except ControlError as exc:
        refused = exc.body.get("problems")
        if exc.status == 400 and isinstance(refused, list):
            for line in refused:
                print(line)
            _say("mockserver load: the sandbox refused a scenario")
            return PROBLEMS
        _say(f"mockserver load: {url} refused: {exc.message}")
        return REFUSED if exc.status in (401, 403) else PROBLEMS
    where = f"namespace {namespace!r}" if namespace else "every namespace"
    print(f"loaded {len(names)} scenario(s) into {url}: {', '.join(names)}")
    print(f"in use in {where}: {chosen}")
    return OK
