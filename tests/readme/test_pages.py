"""The README stays the user's path in, and the documentation holds together: the README's size
and first lines, every relative link and `#anchor` of the README and of every page under docs/
(subfolders included), and no table row said twice on one page."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from . import blocks as rb
from . import links as rl

ROOT = rb.ROOT

# Issue 24: the README is the user's path (what it is, run it, the first call per vendor,
# scenarios, QA, pytest, Docker, settings) in at most a third of the 91 KB it had grown to;
# everything else is a page under docs/. A README past this has taken in a reference page.
README_MAX_BYTES = 30_000


def test_the_readme_stays_within_a_third_of_its_old_size() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_MAX_BYTES, (
        f"README.md is {size} bytes, over {README_MAX_BYTES}: move reference material to a page "
        "under docs/ and link it from the README"
    )


def test_the_readme_opens_with_the_two_set_up_commands() -> None:
    """The first thing a reader sees: the title, then a block with `make run` and `make test`,
    nothing else."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = rb.blocks(text)[0]
    before = [x for x in text.splitlines()[: first.line - 1] if x.strip()]
    assert before == ["# mockserver", "<!-- illustrative -->"], before
    assert first.lang == "sh"
    commands = [x.split("#", 1)[0].strip() for x in first.text.splitlines()]
    assert [c for c in commands if c] == ["make run", "make test"]


def test_pages_in_subfolders_of_docs_are_run_and_checked(tmp_path: Path) -> None:
    (tmp_path / "docs" / "words").mkdir(parents=True)
    for page in ("README.md", "docs/a.md", "docs/words/b.md", "docs/words/notes.txt"):
        (tmp_path / page).write_text("# x\n", encoding="utf-8")
    assert rb.pages(tmp_path) == ["README.md", "docs/a.md", "docs/words/b.md"]
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk <= set(rb.pages())
    assert any("/" in p.removeprefix("docs/") for p in rb.pages())  # docs/words/ is covered


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("HITL.sh", "hitlsh"),
        ("Hive Models API", "hive-models-api"),
        ("Mistakes: file, line and key", "mistakes-file-line-and-key"),
        ("The `hitl:` section", "the-hitl-section"),
        ("`when` keys and steps of the Review Feed", "when-keys-and-steps-of-the-review-feed"),
        ("pytest plugin", "pytest-plugin"),
        ("A [linked](other.md) heading", "a-linked-heading"),
        ("Snake_case and dashes - kept", "snake_case-and-dashes---kept"),
    ],
)
def test_anchors_follow_githubs_rules(heading: str, anchor: str) -> None:
    assert rl.slug(heading) == anchor


def test_a_repeated_heading_gets_a_numbered_anchor() -> None:
    page = "# Steps\n\n## Steps\n\n```sh\n# Steps\n```\n\n### Steps\n"
    assert rl.anchors(page) == {"steps", "steps-1", "steps-2"}  # the one in a block is no heading


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# Title\n\n## Docker\n", encoding="utf-8")
    page = (
        "# Page\n\n## Real part\n\n"
        "[ok](../README.md#docker) [ok](#real-part) [ok](../README.md) [ok](https://x.org/#y)\n"
        "| [bad](../README.md#dockers) | [bad](#real_part) | ![bad](gone.png) |\n"
        "`[not a link](nowhere.md)` [bad](../../outside.md)\n\n"
        "```md\n[in a block](nowhere.md)\n```\n"
        "[ref]: missing.md\n"
    )
    (tmp_path / "docs" / "page.md").write_text(page, encoding="utf-8")
    found = rl.links(page, "docs/page.md")
    broken = [(x.line, x.target) for x in found if rl.problem(x, tmp_path)]
    assert broken == [
        (6, "../README.md#dockers"),
        (6, "#real_part"),
        (6, "gone.png"),
        (7, "../../outside.md"),
        (12, "missing.md"),
    ]


def test_every_relative_link_and_anchor_resolves() -> None:
    broken = [
        f"{link.where} {why}"
        for page in rb.pages()
        for link in rl.links((ROOT / page).read_text(encoding="utf-8"), page)
        if (why := rl.problem(link, ROOT)) is not None
    ]
    assert not broken, "links that lead nowhere:\n" + "\n".join(broken)


def test_no_table_row_is_said_twice_on_a_page() -> None:
    """A row said twice (issue 24 found one in the fidelity notes) drifts apart when one copy is
    edited; a header row may repeat (each table has one)."""

    def separator(line: str) -> bool:
        return line.startswith("|") and "-" in line and set(line) <= set("|-: ")

    repeated = []
    for page in rb.pages():
        lines = [*(ROOT / page).read_text(encoding="utf-8").splitlines(), ""]
        rows = [
            line
            for line, after in itertools.pairwise(lines)
            if line.startswith("|") and not separator(line) and not separator(after)
        ]
        repeated += [f"{page}: {row}" for row in sorted(set(rows)) if rows.count(row) > 1]
    assert not repeated, "\n".join(repeated)
