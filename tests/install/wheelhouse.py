"""A folder of wheels for an offline `pip install --no-index --find-links`: the package built
from this checkout, and every distribution its requirements need, packed again from the ones
installed in the running environment.

Only what a requirement names (with its extras, markers evaluated here) goes in, followed
through each distribution's own requirements, so the folder holds exactly what an install of
`mockserver[EXTRA]` should need: a dependency the extra forgot is simply not there, and the
install or the import fails, as it would for a user. Nothing is downloaded.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Files of an installed distribution that describe the installation, not the distribution.
_INSTALL_ONLY = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
# What the build of this checkout needs from it (the Dockerfile copies the same).
SOURCE = ("pyproject.toml", "README.md", "mockserver", "scenarios")


def build_wheel(root: Path, work: Path, into: Path) -> tuple[Path, str]:
    """The package's wheel, built from a copy of the checkout with the setuptools installed
    here (no build isolation: nothing to download); also what the build printed."""
    source = work / "source"
    source.mkdir(parents=True)
    for name in SOURCE:
        src = root / name
        if src.is_dir():
            shutil.copytree(
                src, source / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(src, source / name)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("--no-index", "--wheel-dir", str(into), str(source)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=pip_environment(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = into.glob("mockserver-*.whl")
    return wheel, done.stdout + done.stderr


def pip_environment() -> dict[str, str]:
    """The environment pip runs in: no configuration file and no PIP_* variables of this
    machine (no extra index, no wheel folder, no constraints), so nothing but the wheelhouse
    can be found."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def requirements_of(wheel: Path, extras: Iterable[str]) -> list[Requirement]:
    """The requirements a wheel's metadata declares, with `extras` asked for."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8")
    return _wanted(Parser().parsestr(text).get_all("Requires-Dist") or [], set(extras))


def _wanted(lines: Iterable[str], extras: set[str]) -> list[Requirement]:
    out = []
    for line in lines:
        req = Requirement(line)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras | {""}):
            out.append(req)
    return out


def pack_closure(requirements: Iterable[Requirement], into: Path) -> list[str]:
    """Pack every installed distribution the requirements need (followed through their own
    requirements) as a wheel in `into`; their names, or AssertionError naming one missing."""
    todo = [(canonicalize_name(r.name), set(r.extras)) for r in requirements]
    packed: dict[str, set[str]] = {}
    while todo:
        name, extras = todo.pop()
        if name in packed and extras <= packed[name]:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise AssertionError(f"{name} is required but not installed here") from None
        if name not in packed:
            _pack(dist, into)
        packed[name] = packed.get(name, set()) | extras
        for req in _wanted(dist.requires or [], extras):
            todo.append((canonicalize_name(req.name), set(req.extras)))
    return sorted(packed)


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _pack(dist: metadata.Distribution, into: Path) -> Path:
    """One installed distribution as a wheel (the tag its WHEEL file gives); scripts are left
    out (pip makes them again from entry_points.txt), as are compiled caches."""
    files = [f for f in dist.files or [] if not str(f).startswith("..")]
    info_dir = next(str(f).split("/")[0] for f in files if ".dist-info/" in str(f))
    wheel_meta = Path(str(dist.locate_file(f"{info_dir}/WHEEL"))).read_text(encoding="utf-8")
    tag = re.search(r"^Tag: (\S+)$", wheel_meta, re.MULTILINE)
    assert tag, f"{dist.metadata['Name']}: no Tag in its WHEEL file"
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    target = into / f"{name}-{dist.version}-{tag[1]}.whl"
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for item in files:
            rel = str(item)
            if "__pycache__" in rel or rel.endswith(".pyc"):
                continue
            if rel.startswith(info_dir + "/") and rel.split("/", 1)[1] in _INSTALL_ONLY:
                continue
            source = Path(str(dist.locate_file(item)))
            if not source.is_file():
                continue
            data = source.read_bytes()
            archive.writestr(rel, data)
            record.append(_record_line(rel, data))
        record.append(f"{info_dir}/RECORD,,")
        archive.writestr(f"{info_dir}/RECORD", "\n".join(record) + "\n")
    return target
