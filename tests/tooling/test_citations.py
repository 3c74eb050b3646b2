"""Every citation in the repository names something its reader can open: a vendor page's URL,
or a path in a public repository at a commit (issue 24).

The sandbox was written from copies of vendor pages and from notes about the real APIs that
do not ship with the repository; citing those (a notes file, a notes section such as "§2.3" or
"(B.1)", a seed file, a path on one machine) sends the reader nowhere. Each rule below names
what it refuses and what to cite instead.

A HITL.sh documentation page is often cited by its path in github.com/hitl-sh/docs.hitl.sh
(`api-reference/webhooks.mdx`). The rule for such a path, checkable line by line: the line
itself (with the lines around it, for wrapped prose) names the repository and a commit
(`hitl-sh/docs.hitl.sh api-reference/webhooks.mdx @0e23b17`), or the file defines the short form
once, naming `github.com/hitl-sh/docs.hitl.sh` followed by `@<commit>` (a module or page that
cites many pages says, for instance, "pages cited by path are in github.com/hitl-sh/docs.hitl.sh
@0e23b17").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the repository holds: the package, the tests, the docs, the scenarios, the benchmarks,
# the tools, CI, and the top-level build files.
FOLDERS = ("mockserver", "tests", "docs", "scenarios", "bench", "tools", ".ci")
TOP_FILES = (
    "README.md",
    "Dockerfile",
    "Makefile",
    "pyproject.toml",
    ".pre-commit-hooks.yaml",
    ".dockerignore",
    ".gitignore",
)
BINARY = {".png", ".jpg", ".gif", ".ico", ".woff", ".woff2", ".pyc", ".typed"}
THIS_FILE = Path(__file__).resolve()

# (pattern, what it cites and what to cite instead)
NOT_PUBLIC: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?<![\w-])reference/[\w.*-]+\.(?:md|json|txt)\b"),
        "a file of the reference notes: cite the public source the notes give for the fact",
    ),
    (
        re.compile(r"\b(?:hitl-api|outharm-hive-api)\.md\b"),
        "the reference notes by name: cite the public source the notes give for the fact",
    ),
    (
        re.compile(r"(?<![\w-])seeds/"),
        "the seed folder: cite the vendor page the seed copies (its URL)",
    ),
    (
        re.compile(
            r"\b(?:hitl-quickstart|hitl-requests|hive-dashboard-api|outharm-manual-moderation)"
            r"\.txt\b"
        ),
        "a seed file: cite the vendor page it copies (its URL)",
    ),
    (
        re.compile(r"\breference,?\s+(?:notes?\b|§|part\s+[A-C]\b|[A-C](?:\.\d)?\b)", re.I),
        "a section of the reference notes: cite the public source the notes give",
    ),
    (
        re.compile(r"§\s?\d"),
        "a numbered section of the reference notes: cite the public source the notes give",
    ),
    (
        re.compile(r"(?<![\w.])[A-C]\.[1-9](?:\.\d)?\b(?![\w.])"),
        "a section of the reference notes (A. Outharm, B. Hive): cite the vendor page",
    ),
    (
        # (the machine's root folder spelt as a group, so this guard is not itself a hit)
        re.compile(r"/(?:wor[k]/|home/\w|Users/\w)|\.\./shared/(?:reference|seeds)\b"),
        "a path on one machine: cite the public source",
    ),
)

MDX = re.compile(r"[\w./*-]*\.mdx\b")
COMMIT = r"@[0-9a-f]{7,40}\b"
REPO_AND_COMMIT_ON_LINE = re.compile(
    rf"hitl-sh/docs\.hitl\.sh\b.*{COMMIT}|{COMMIT}.*hitl-sh/docs\.hitl\.sh\b"
)
# The definition may wrap: whitespace (and a comment's `#`) between the repository and commit.
DEFINITION = re.compile(rf"github\.com/hitl-sh/docs\.hitl\.sh`?[\s#]*`?{COMMIT}")


def text_files() -> Iterator[Path]:
    """Every file under FOLDERS and TOP_FILES (caches, hidden folders and binary files left out);
    this file is checked through its examples below instead, since its patterns name what they
    refuse."""
    for name in TOP_FILES:
        path = ROOT / name
        if path.is_file():
            yield path
    for folder in FOLDERS:
        for here, dirs, files in os.walk(ROOT / folder):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for name in sorted(files):
                path = Path(here) / name
                if path.suffix in BINARY or path.is_symlink() or path.resolve() == THIS_FILE:
                    continue
                yield path


def problems(text: str) -> list[tuple[int, str, str]]:
    """(line number, line, why) for every citation in `text` that a reader cannot open."""
    lines = text.splitlines()
    defined = DEFINITION.search(text) is not None
    found = []
    for number, line in enumerate(lines, 1):
        why = [why for pattern, why in NOT_PUBLIC if pattern.search(line)]
        wrapped = " ".join(lines[max(number - 2, 0) : number + 1])
        if MDX.search(line) and not defined and not REPO_AND_COMMIT_ON_LINE.search(wrapped):
            why.append(
                "a docs page by bare path: name hitl-sh/docs.hitl.sh and a commit on the line, "
                "or define the short form once in the file"
            )
        if why:
            found.append((number, line.strip(), "; ".join(why)))
    return found


def test_every_citation_in_the_repository_names_something_public() -> None:
    report = []
    for path in text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line, why in problems(text):
            report.append(f"{path.relative_to(ROOT)}:{number}: {why}\n    {line[:120]}")
    assert not report, f"{len(report)} citations a reader cannot open:\n" + "\n".join(report)


def test_the_scan_reaches_every_part_of_the_repository() -> None:
    seen = {path.relative_to(ROOT).parts[0] for path in text_files()}
    assert {"mockserver", "tests", "docs", "scenarios", "bench", "tools", "README.md"} <= seen
    assert {"Dockerfile", "Makefile"} <= seen


@pytest.mark.parametrize(
    "line",
    [
        '"""HITL.sh loops (reference/hitl-api.md §2.1–§2.2)."""',
        "copy of ../shared/reference/hitl-openapi.json), with the relaxations",
        "Vendor facts are from the reference notes (outharm-hive-api.md, part A).",
        "# The seed's examples (hive-dashboard-api.txt), pointed at the sandbox.",
        '"""The Python code blocks of seeds/hitl-quickstart.txt, in order."""',
        "Lifecycle (reference §3, model A with the optional `claimed` state):",
        "the webhook example of reference A.6, value for value",
        "user report names its post or user (B.2 Reports API).",
        "# A.4: score >= threshold is harmful.",
        "read from " + "/".join(("", "work", "shared", "notes.md")),
        "the notes (reference/*.md) say so",
        "`GET /v1/requests/{id}/response` (concepts/integrations.mdx): 200 once decided",
        "a page of hitl-sh/docs.hitl.sh (api-reference/webhooks.mdx), no commit",
    ],
)
def test_a_citation_nobody_can_open_is_refused(line: str) -> None:
    assert problems(line), line


@pytest.mark.parametrize(
    "text",
    [
        "HITL.sh loops (https://docs.hitl.sh/api-reference/loops/create-loop).",
        "(hitl-sh/docs.hitl.sh api-reference/loops/create-loop.mdx @0e23b17)",
        "Pages cited by path are in github.com/hitl-sh/docs.hitl.sh @0e23b17.\n"
        "a claimed request can be cancelled (cancel-request.mdx)",
        "as Hive's task ids are (https://docs.thehive.ai/docs/dashboard-api-reference).",
        "Models API (https://docs.thehive.ai/reference/submit-a-task-synchronously)",
        "scores from the seed's legacy example, version 1.2 of v2.1, HTTP/1.1, 3.11",
        "tests/data/hitl-openapi.json, a copy of github.com/hitl-sh/docs.hitl.sh "
        "api-reference/openapi.json @0e23b17",
    ],
)
def test_a_public_citation_passes(text: str) -> None:
    assert problems(text) == []
