"""Mutation testing of the vendor-neutral core and one vendor (`make mutate`; not part of CI).

Each group mutates a few modules with mutmut and runs only the tests that exercise them, in a
copy of the project under build/mutate/<group>/ (mutmut keeps its results there, so a second
run re-tests only what changed). Prints each group's score (killed / mutants) and every
surviving mutant; `--diff` also prints what each survivor changed.

    python tools/mutate.py                  every group
    python tools/mutate.py clock journal    some groups
    python tools/mutate.py --survivors clock re-test only the last run's survivors
    python tools/mutate.py --list           the groups, their modules and tests
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutate"
CORE_TESTS = ["tests/core"]
# Tests that start whole pytest runs in subprocesses: minutes per mutant, and they only repeat
# what the faster tests check.
SLOW_TESTS = ("tests/plugin/test_examples_both_ways.py", "tests/plugin/test_fixtures.py")
# Tests that read the package's source text (module sizes, imports): mutmut's rewritten copies
# are many times longer and import its trampoline, so these fail before any mutant runs.
SOURCE_TESTS = ("tests/core/test_layering.py",)


@dataclass(frozen=True)
class Group:
    modules: list[str]
    tests: list[str]


GROUPS: dict[str, Group] = {
    "clock": Group(["mockserver/records/clock.py"], CORE_TESTS),
    "scenario": Group(
        ["mockserver/scenario/rules.py", "mockserver/scenario/loading/loader.py"],
        [*CORE_TESTS, "tests/tooling/test_validate.py"],
    ),
    "webhooks": Group(
        [
            "mockserver/webhooks/dispatcher.py",
            "mockserver/webhooks/deliveries.py",
            "mockserver/webhooks/signatures.py",
            "mockserver/webhooks/policy.py",
        ],
        [
            *CORE_TESTS,
            "tests/vendors/outharm/test_webhook_retries.py",
            "tests/reliability/test_webhook_faults.py",
            # The receivers' answers (kept, cut, redirects, refusals) and their isolation.
            "tests/reliability/test_receiver_answers.py",
            "tests/reliability/test_receiver_isolation.py",
        ],
    ),
    "journal": Group(
        ["mockserver/records/journal.py"], [*CORE_TESTS, "tests/reliability/test_bounded_logs.py"]
    ),
    "ratelimit": Group(
        ["mockserver/base/ratelimit.py"],
        [
            *CORE_TESTS,
            "tests/vendors/hitl/test_api_auth.py",
            "tests/examples/test_hitl_rate_limit.py",
        ],
    ),
    # The control API's core: reset and scenario, clock, journal and deliveries (the console,
    # reviewer actions and route table are exercised by their own suites, not measured here).
    "control": Group(
        [
            "mockserver/http/control/setup.py",
            "mockserver/http/control/clock_routes.py",
            "mockserver/http/control/logs.py",
        ],
        [
            *CORE_TESTS,
            "tests/plugin",
            # uploads as curl sends them, and the control token
            "tests/tooling/test_first_contact.py",
            "tests/reliability/test_control_token.py",
            # the control routes' other suites: namespaces, bounded logs, bad bodies and
            # queries, slow long-polls, scenario bombs, the log lines, the OpenAPI contract
            "tests/reliability/test_namespace_limits.py",
            "tests/reliability/test_journal_bytes.py",
            "tests/reliability/test_bounded_logs.py",
            "tests/reliability/test_bad_bodies.py",
            "tests/reliability/test_query_params.py",
            "tests/reliability/test_slow_clients.py",
            "tests/reliability/test_yaml_bombs.py",
            "tests/reliability/test_waiters.py",
            "tests/tooling/test_logs.py",
            "tests/openapi/test_control_conforms.py",
            "tests/vendors/outharm/test_webhook_retries.py",
        ],
    ),
    "outharm": Group(
        [
            "mockserver/vendors/outharm/state.py",
            "mockserver/vendors/outharm/actions.py",
            "mockserver/vendors/outharm/matchers.py",
        ],
        ["tests/vendors/outharm"],
    ),
}

# What mutmut's `results --all true` says, and whether the tests caught it.
CAUGHT = {"killed", "timeout", "caught by type check", "segfault", "suspicious"}
LINE = re.compile(r"^\s*(\S+__mutmut_\d+): (.+)$")


def prepare(name: str, group: Group) -> Path:
    """A fresh copy of the project (its tracked files) with this group's mutmut settings."""
    where = WORK / name
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    tops = sorted({Path(f).parts[0] for f in listed if (ROOT / f).exists()})
    for top in tops:
        target = where / top
        if target.is_dir():
            shutil.rmtree(target)
        source = ROOT / top
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            where.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    tests = [t for t in group.tests if (ROOT / t).exists()]
    selection = [*tests, *(f"--ignore={t}" for t in (*SLOW_TESTS, *SOURCE_TESTS))]
    extra = [t for t in tops if t not in ("mockserver", "tests", "pyproject.toml")]
    settings = (ROOT / "pyproject.toml").read_text()
    settings += (
        "\n[tool.mutmut]\n"
        'source_paths = ["mockserver"]\n'
        f"only_mutate = {json.dumps(group.modules)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
        # xdist is for `make test`; mutmut times each mutant itself.
        'pytest_add_cli_args = ["-p", "no:xdist", "--timeout=0", "-q"]\n'
        f"also_copy = {json.dumps(extra)}\n"
        "use_git_change_detection = false\n"
    )
    (where / "pyproject.toml").write_text(settings)
    return where


def refresh_copies(mutants: Path, group: Group) -> None:
    """mutmut copies a package file into mutants/ only when it is missing there, so after a
    merge a re-run would test stale copies (an old OpenAPI document, an old helper module):
    drop every copy but the mutated modules and their results, to be copied afresh."""
    keep = {Path(m) for m in group.modules}
    for path in (mutants / "mockserver").rglob("*"):
        relative = path.relative_to(mutants)
        if path.is_file() and relative not in keep and relative.with_suffix("") not in keep:
            path.unlink()


def statuses_of(where: Path, mutmut: str, env: dict[str, str]) -> dict[str, str]:
    """Every mutant mutmut knows in `where`, with its last result."""
    listing = subprocess.run(
        [mutmut, "results", "--all", "true"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {m.group(1): m.group(2).strip() for m in map(LINE.match, listing.splitlines()) if m}


def run(
    name: str, group: Group, children: int, diff: bool, survivors: bool = False
) -> tuple[int, int]:
    mutmut = str(Path(sys.executable).parent / "mutmut")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    again: list[str] = []
    if survivors and (WORK / name / "mutants").is_dir():
        # Re-test only the mutants that survived last time, against the current tests (the
        # test-to-function map is rebuilt, since new tests may cover new functions).
        before = statuses_of(WORK / name, mutmut, env)
        again = sorted(m for m, s in before.items() if s not in CAUGHT)
        (WORK / name / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        refresh_copies(WORK / name / "mutants", group)
    where = prepare(name, group)
    started = time.monotonic()
    log = where / "run.log"
    with log.open("w") as sink:
        subprocess.run(
            [mutmut, "run", "--max-children", str(children), *again],
            cwd=where,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if again:
            # A function edited since (a new pragma, a fix) has new, unchecked mutants: a run
            # without names tests those and keeps every other result.
            subprocess.run(
                [mutmut, "run", "--max-children", str(children)],
                cwd=where,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                check=False,
            )
    statuses = statuses_of(where, mutmut, env)
    caught = sum(1 for s in statuses.values() if s in CAUGHT)
    total = len(statuses)
    minutes = (time.monotonic() - started) / 60
    score = 100 * caught / total if total else 0.0
    print(f"\n== {name}: {caught}/{total} mutants killed = {score:.1f}% ({minutes:.1f} min)")
    print(f"   modules: {' '.join(group.modules)}; tests: {' '.join(group.tests)}")
    if not total:
        print(f"   no mutants: see {log.relative_to(ROOT)}")
    for mutant, status in sorted(statuses.items()):
        if status in CAUGHT:
            continue
        print(f"   {status}: {mutant}")
        if diff:
            shown = subprocess.run(
                [mutmut, "show", mutant], cwd=where, capture_output=True, text=True, check=False
            )
            print("      " + shown.stdout.strip().replace("\n", "\n      "))
    return caught, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP", help=", ".join(GROUPS))
    parser.add_argument("--list", action="store_true", help="show the groups and exit")
    parser.add_argument("--diff", action="store_true", help="print each survivor's change")
    parser.add_argument("--children", type=int, default=2, help="parallel mutants (default 2)")
    parser.add_argument(
        "--survivors", action="store_true", help="re-test only last run's survivors (faster)"
    )
    args = parser.parse_args()
    if args.list:
        for name, group in GROUPS.items():
            print(f"{name}: {' '.join(group.modules)} <- {' '.join(group.tests)}")
        return 0
    unknown = sorted(set(args.groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group(s) {unknown}; choose from {list(GROUPS)}")
    caught = total = 0
    for name in args.groups or list(GROUPS):
        got, of = run(name, GROUPS[name], args.children, args.diff, args.survivors)
        caught, total = caught + got, total + of
    if total:
        print(f"\n== all: {caught}/{total} mutants killed = {100 * caught / total:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
