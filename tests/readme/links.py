"""The links of the README and of the pages under docs/, and the anchors GitHub gives headings,
so that a test can say which relative link or `#anchor` leads nowhere.

GitHub's anchor for a heading (as github-slugger makes it): the heading's text as rendered
(inline code keeps its text, a link keeps its label), in lower case, with every character that
is not a letter, a digit, a space, `-` or `_` dropped, and each space turned into `-`; a second
heading with the same anchor gets `-1`, a third `-2`. Only links to places in the repository
are checked: a link with a scheme (`https:`, `mailto:`) is left to the reader.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [label](target) and ![alt](target), with an optional "title"; the label may hold `code`
_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]"  # the label
    r"\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"  # (target "title")
)
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
_LINE_ANCHOR = re.compile(r"^L\d+(-L\d+)?$")  # GitHub's line anchors on a file that is not a page


@dataclass(frozen=True)
class Link:
    page: str  # the page it is on, relative to the repository's root
    line: int  # 1-based
    target: str  # as written: path, path#anchor or #anchor

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}: ({self.target})"


def _prose_lines(markdown: str) -> list[tuple[int, str]]:
    """The lines outside fenced blocks, numbered from 1."""
    out: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, line))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's source text (before de-duplication)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images: their label
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    kept = (
        ch
        for ch in text.strip().lower()
        if ch in " -_" or unicodedata.category(ch)[0] in "LNM"  # letters, digits, marks
    )
    return "".join(kept).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every anchor a page has: its headings' (de-duplicated as GitHub does) and HTML ones."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in _prose_lines(markdown):
        found.update(_HTML_ANCHOR.findall(line))
        heading = _HEADING.match(line)
        if heading is None:
            continue
        base = slug(heading.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(markdown: str, page: str) -> list[Link]:
    """Every inline, image and reference-definition link outside code, in document order."""
    out: list[Link] = []
    for number, line in _prose_lines(markdown):
        prose = _CODE_SPAN.sub("", line)
        reference = _REFERENCE.match(prose)
        if reference is not None:
            out.append(Link(page, number, reference.group(1)))
            continue
        out.extend(Link(page, number, target) for target in _INLINE_LINK.findall(prose))
    return out


def problem(link: Link, root: Path) -> str | None:
    """Why a link leads nowhere (None when it resolves, or points outside the repository)."""
    if not link.target or _SCHEME.match(link.target):
        return None if link.target else "an empty link"
    path, _, anchor = link.target.partition("#")
    page = root / link.page
    target = (page.parent / path).resolve() if path else page.resolve()
    if not target.is_relative_to(root.resolve()):
        return f"{path} is outside the repository"
    if not target.exists():
        return f"{path} does not exist"
    if not anchor:
        return None
    if target.suffix != ".md":
        return None if _LINE_ANCHOR.match(anchor) else f"#{anchor}: {path} is not a page"
    if anchor not in anchors(target.read_text(encoding="utf-8")):
        return f"#{anchor}: no such heading in {target.relative_to(root.resolve()).as_posix()}"
    return None
