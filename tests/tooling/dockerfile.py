"""Just enough of a Dockerfile reader for the tests: the final stage's base image, ENV, USER,
EXPOSE, HEALTHCHECK command, ENTRYPOINT and CMD, as the image would have them."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


@dataclass
class Image:
    base: str = ""
    env: dict[str, str] = field(default_factory=dict)
    user: str = "root"
    expose: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    exec_form: dict[str, bool] = field(default_factory=dict)

    @property
    def command(self) -> list[str]:
        """What the container runs: ENTRYPOINT followed by CMD."""
        return [*self.entrypoint, *self.cmd]


def _instructions(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def _command(rest: str) -> tuple[list[str], bool]:
    if rest.startswith("["):
        words: list[str] = json.loads(rest)
        return words, True
    return ["/bin/sh", "-c", rest], False


def read(path: Path = DOCKERFILE) -> Image:
    image = Image()
    for word, rest in _instructions(path.read_text(encoding="utf-8")):
        if word == "FROM":
            image = Image(base=rest.split()[0])  # a later stage starts afresh
        elif word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                image.env[key] = value
        elif word == "USER":
            image.user = rest
        elif word == "EXPOSE":
            image.expose += rest.split()
        elif word == "HEALTHCHECK":
            _, _, command = rest.partition("CMD ")
            image.healthcheck, image.exec_form["HEALTHCHECK"] = _command(command.strip())
        elif word in ("ENTRYPOINT", "CMD"):
            words, exec_form = _command(rest)
            image.exec_form[word] = exec_form
            if word == "ENTRYPOINT":
                image.entrypoint, image.cmd = words, []
            else:
                image.cmd = words
    return image
