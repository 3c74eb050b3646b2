"""README, "Use it in your project": a project outside this repository installs the package
with its `pytest` extra into a fresh virtual environment, writes the README's pytest settings
and example, and `pytest` passes there (issue 25).

The environment is made without pip and without this one's site-packages (that would hide a
dependency the extra forgot); pip installs into it offline, from a wheelhouse of the package
built here and of the installed distributions the extra's requirements name (`wheelhouse.py`).
So it runs the same on a CI machine as here, in about 15 seconds, and never skips.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.readme import blocks as rb

from .wheelhouse import build_wheel, pack_closure, pip_environment, requirements_of

ROOT = Path(__file__).resolve().parents[2]
EXTRA = "pytest"


def _readme_project(into: Path) -> Path:
    """The README's pytest section as a user's project: its `pyproject.toml` settings and its
    example as `test_sandbox.py`."""
    found = rb.page_blocks("README.md")
    start = next(b.line for b in found if b.file == "pyproject.toml")
    (settings,) = [b for b in found if b.file == "pyproject.toml"]
    example = next(b for b in found if b.lang == "python" and b.line > start)
    assert not example.illustrative and "mockserver_scenario" in example.text
    into.mkdir()
    (into / "pyproject.toml").write_text(settings.text, encoding="utf-8")
    (into / "test_sandbox.py").write_text(example.text, encoding="utf-8")
    return into


@pytest.mark.timeout(300)
def test_the_readme_example_runs_in_a_fresh_project_with_the_pytest_extra(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    wheel, built = build_wheel(ROOT, tmp_path / "build", wheels)
    # pyproject's license is an SPDX string: no setuptools deprecation box on any build
    assert "deprecat" not in built.lower(), built
    pack_closure(requirements_of(wheel, [EXTRA]), wheels)  # only what the extra names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"),
            *("--no-index", "--find-links", str(wheels), f"mockserver[{EXTRA}]"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=pip_environment(),
    )
    assert install.returncode == 0, install.stdout + install.stderr

    project = _readme_project(tmp_path / "project")
    env = {k: v for k, v in pip_environment().items() if not k.startswith("MOCKSERVER_")}
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTEST_ADDOPTS")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = subprocess.run(
        [str(python), "-c", "import mockserver; print(mockserver.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(env_dir)), where.stdout  # not this checkout
    done = subprocess.run(
        [str(env_dir / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "-n", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # every test of the example ran (an async one a missing setting skips would not count)
    tests = re.findall(r"^(?:async )?def test_", (project / "test_sandbox.py").read_text(), re.M)
    assert len(tests) >= 2 and f"{len(tests)} passed" in done.stdout, done.stdout
    assert "warning" not in done.stdout.lower(), done.stdout  # the settings are all it needs
