"""The CI recipes of docs/ci.md are real files (docs/ci/*.yml), and each is checked: the YAML
parses into the shape its CI expects, every `mockserver` command it runs (in a step, a script,
a health check or a container's command) parses with the real command line, every extra it
installs exists, and every scenario folder it loads or mounts validates (issue 25)."""

from __future__ import annotations

import re
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.cli.main import build_parser
from mockserver.registry import vendors
from mockserver.scenario.loading.checks import check_paths

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "docs" / "ci"
PAGE = ROOT / "docs" / "ci.md"


def _load(name: str) -> Any:
    return yaml.safe_load((RECIPES / name).read_text(encoding="utf-8"))


def commands(text: str) -> Iterator[list[str]]:
    """Each simple command of a shell line (split at `&&`, `||`, `;`, `|`, quotes kept
    whole), and those inside a `sh -c '...'` too."""
    lexer = shlex.shlex(text.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words: list[str] = []
    for token in [*lexer, ";"]:
        if token not in ("&&", "||", ";", "|", "&"):
            words.append(token)
            continue
        if words[:2] == ["sh", "-c"] and len(words) > 2:
            yield from commands(words[2])
        elif words:
            yield words
        words = []


def mockserver_calls(lines: list[str]) -> list[list[str]]:
    """The arguments of every `mockserver ...` among the commands of `lines`."""
    found = []
    for line in lines:
        for words in commands(line):
            if words[0] == "mockserver":
                found.append(words[1:])
            elif words[0] == "--health-cmd" or "--health-cmd" in words:
                at = words.index("--health-cmd")
                found += [c[1:] for c in commands(words[at + 1]) if c[0] == "mockserver"]
    return found


def check_calls(calls: list[list[str]], base: Path) -> None:
    """Each call parses with the real command line; the scenarios `load` and `validate` are
    given (relative to the repository, where the recipe's `scenarios/` is ours) validate."""
    assert calls
    for argv in calls:
        try:
            args = build_parser(["health"]).parse_args(argv)  # no sandbox is asked for verbs
        except SystemExit:
            pytest.fail(f"`mockserver {' '.join(argv)}` is not a valid command")
        if args.command in ("load", "validate"):
            problems, checked = check_paths([str(base / p) for p in args.paths], vendors())
            assert (problems, checked > 0) == ([], True), problems


def check_installs(lines: list[str]) -> None:
    """Every `mockserver[EXTRA]` a recipe installs names an extra the package has."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    wanted = [m for line in lines for m in re.findall(r"mockserver\[(\w+)\]", line)]
    assert wanted and set(wanted) <= set(extras), wanted


def test_github_actions_loads_the_scenarios_into_its_service_container() -> None:
    flow = _load("github-actions.yml")
    (job,) = flow["jobs"].values()
    service = job["services"]["mockserver"]
    assert service["image"] and service["ports"] == ["8080:8080"]
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    runs = [step["run"] for step in steps if "run" in step]
    calls = mockserver_calls([*runs, service["options"]])
    assert ["health"] in calls  # the service's health check
    loads = [c for c in calls if c[0] == "load"]
    assert loads and job["env"]["MOCKSERVER_URL"] == "http://127.0.0.1:8080"
    # loading comes after the checkout (a service container cannot mount the repository)
    load_step = next(i for i, s in enumerate(steps) if "mockserver load" in s.get("run", ""))
    assert load_step > 0
    check_calls(calls, ROOT)
    check_installs(runs)


def test_gitlab_ci_loads_the_scenarios_into_its_service() -> None:
    job = _load("gitlab-ci.yml")["integration"]
    (service,) = job["services"]
    assert job["variables"]["MOCKSERVER_URL"] == f"http://{service['alias']}:8080"
    calls = mockserver_calls(job["script"])
    assert any(c[0] == "load" for c in calls)
    check_calls(calls, ROOT)
    check_installs(job["script"])


def test_docker_compose_waits_for_the_health_check_and_mounts_scenarios_that_validate() -> None:
    compose = _load("docker-compose.yml")["services"]
    sandbox, tests = compose["mockserver"], compose["tests"]
    check = sandbox["healthcheck"]["test"]
    assert check[0] == "CMD" and mockserver_calls([shlex.join(check[1:])]) == [["health"]]
    assert tests["depends_on"]["mockserver"]["condition"] == "service_healthy"
    assert tests["environment"]["MOCKSERVER_URL"] == "http://mockserver:8080"
    mounts = [v.split(":") for v in sandbox["volumes"]]
    (scenarios,) = [m[0] for m in mounts if m[1] == "/scenarios"]
    problems, checked = check_paths([str(ROOT / scenarios)], vendors())
    assert problems == [] and checked > 0
    calls = mockserver_calls([tests["command"]])
    check_calls([["health"], *calls], ROOT)
    check_installs([tests["command"]])


def test_the_page_shows_each_recipe_as_it_is_and_the_readme_links_it() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for recipe in sorted(RECIPES.glob("*.yml")):
        assert f"```yaml\n{recipe.read_text(encoding='utf-8')}```" in page, recipe.name
        assert f"(ci/{recipe.name})" in page
    assert "(docs/ci.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_checker_catches_a_wrong_command() -> None:
    with pytest.raises(pytest.fail.Exception, match="not a valid command"):
        check_calls(mockserver_calls(["mockserver load scenarios/ --urll x"]), ROOT)
    with pytest.raises(AssertionError):
        check_calls(mockserver_calls(["mockserver load tests/examples/scenarios/"]), ROOT)
    assert mockserver_calls(["sh -c 'pip install x && mockserver health'"]) == [["health"]]
