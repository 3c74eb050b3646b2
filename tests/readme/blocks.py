"""The README and every page under docs/ (subfolders included) as executable documentation:
their fenced blocks, how each one is run, and how the output a block shows is compared with
what the sandbox printed.

Every `sh`, `console`, `python`, `yaml` (and `toml`) block is run by `test_readme.py`, unless an
HTML comment on the line above marks it:

- `<!-- illustrative -->`: shown, not run (a Docker command, `make test` itself, a fragment);
- `<!-- file: PATH -->`: written to PATH in the run's working folder (a scenario a later
  `console` block validates, the pytest configuration the pytest example needs).

Comparison: ids (24 hex digits), UUIDs and ISO times are normalised, `...` stands for anything,
and white space is not significant. In `sh` blocks a comment that starts with `{`, `[`, `"` or
`...` (and its indented continuation lines) is the output the commands before it print; in
`console` blocks the lines after a `$ command` are its output, line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RUN_LANGUAGES = {"sh", "bash", "console", "python", "yaml", "toml"}
_FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*(illustrative|file:\s*(\S+))\s*-->\s*$")
_ID = re.compile(r"\b[0-9a-f]{24}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_OUTPUT_START = ("{", "[", '"', "...")


@dataclass
class Block:
    lang: str
    text: str
    line: int  # the line of the opening fence, 1-based
    illustrative: bool = False
    file: str | None = None
    page: str = "README.md"  # the page it is on, relative to the repository's root

    @property
    def slug(self) -> str:
        """A name for the block that no other page's block has (page and line)."""
        stem = self.page.removesuffix(".md").replace("/", "_").replace(".", "_").lower()
        return f"{stem}_{self.line}"

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line} ({self.lang} block)"


@dataclass
class Command:
    """One `$ command` of a console block and the lines it should print."""

    text: str
    output: list[str] = field(default_factory=list)


def blocks(markdown: str, page: str = "README.md") -> list[Block]:
    """Every fenced block in document order, with the marker on the line above it."""
    out: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        above = next((x for x in reversed(lines[:start]) if x.strip()), "")
        marker = _MARKER.match(above.strip())
        block = Block(fence.group(1).lower(), "\n".join(body) + "\n", start + 1, page=page)
        if marker is not None:
            block.illustrative = marker.group(1) == "illustrative"
            block.file = marker.group(2)
        out.append(block)
        i += 1
    return out


def unaccounted(found: list[Block]) -> list[str]:
    """Blocks of a runnable language the test cannot run and nobody marked illustrative."""
    problems = []
    for b in found:
        if b.lang not in RUN_LANGUAGES or b.illustrative or b.file:
            continue
        if b.lang == "toml":
            problems.append(f"{b.where}: a toml block runs only as a file: mark it")
    return problems


def normalise(text: str) -> str:
    """Ids, UUIDs and times replaced by placeholders; no white space."""
    text = _UUID.sub("<uuid>", text)
    text = _ID.sub("<id>", text)
    text = _TIME.sub("<time>", text)
    return re.sub(r"\s+", "", text)


def pattern(expected: str) -> str:
    """A regular expression for `expected` output, with `...` standing for anything."""
    return ".*?".join(re.escape(part) for part in normalise(expected).split("..."))


def matches(expected: str, actual: str, *, whole: bool = False) -> bool:
    regex = pattern(expected)
    flags = re.DOTALL
    if whole:
        return re.fullmatch(regex, normalise(actual), flags) is not None
    return re.search(regex, normalise(actual), flags) is not None


def shell_outputs(script: str) -> list[str]:
    """The output fragments a `sh` block shows, in order (each a group of comment lines)."""
    fragments: list[str] = []
    current: list[str] | None = None
    for line in script.splitlines():
        stripped = line.strip()
        content = stripped[1:] if stripped.startswith("#") else None
        if content is not None and content.strip().startswith(_OUTPUT_START):
            if current is None or not content.startswith("  "):
                current = []
                fragments.append("")
            current.append(content)
            fragments[-1] = "\n".join(current)
        elif content is not None and current is not None and content.startswith("  "):
            current.append(content)
            fragments[-1] = "\n".join(current)
        else:
            current = None
    return fragments


def console_commands(text: str) -> list[Command]:
    """The `$ command` lines of a console block (with `\\` continuations) and their output."""
    commands: list[Command] = []
    continuing = False
    for line in text.splitlines():
        if continuing:
            commands[-1].text += "\n" + line
            continuing = line.endswith("\\")
        elif line.startswith("$ "):
            commands.append(Command(line[2:]))
            continuing = line.endswith("\\")
        elif commands:
            commands[-1].output.append(line)
    return commands


def ids_in(text: str) -> list[str]:
    return _ID.findall(text)


def commands_of(block: Block) -> list[str]:
    """What a reader runs from a `console` block (its `$ ` lines) or a `sh` block (its lines
    that are not comments)."""
    if block.lang == "console":
        return [c.text for c in console_commands(block.text)]
    return [x for x in block.text.splitlines() if not x.lstrip().startswith("#")]


ROOT = Path(__file__).resolve().parents[2]


def pages(root: Path = ROOT) -> list[str]:
    """Every page of executable documentation: the README, then each page under docs/, in
    subfolders too (docs/words/hitl.md), by path."""
    found = (p.relative_to(root).as_posix() for p in (root / "docs").rglob("*.md"))
    return ["README.md", *sorted(found)]


def page_blocks(page: str) -> list[Block]:
    return blocks((ROOT / page).read_text(encoding="utf-8"), page)
