"""Deterministic, realistic Hive model results for a text or a media URL, and rule evaluation.

Text: every head in `TEXT_CLASSES` gets an integer 0-3 from the scenario's `text` rules (binary
heads only 0 or 3), plus Hive's pattern matches (deny list, PII, URLs). Visual: every head
answered (`classes.py`, variant `hive.visual_classes`) gets confidences summing to 1, its
classes in the vendor's order; a matching `visual` rule sets its class's score and the rest is
spread over the head's other classes, seeded from the URL (same URL, same numbers); with no
rule the head's negative class takes nearly all of it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from .classes import (
    BINARY_TEXT_CLASSES,
    MAX_TEXT_SCORE,
    MODEL_2023_HEADS,
    TEXT_CLASSES,
    UNSUPPORTED_SCORE,
    VISUAL_PRESENT_THRESHOLD,
    VisualHead,
)
from .expressions import Env
from .patterns import PII_KIND, Span, find_filters, find_pii, find_urls
from .scenario_model import HiveConfig, Rule, VisualRule

LANGUAGE_EN: Final = "EN"
LANGUAGE_UNSUPPORTED: Final = "UNSUPPORTED"
PHOTO: Final = "PHOTO"
VIDEO: Final = "VIDEO"
VIDEO_FRAME_TIMES: Final = (0, 1, 2)
_UNITS: Final = 10_000  # visual scores are whole multiples of 0.0001
_MIMETYPES: Final[dict[str, str]] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
}
_VIDEO_EXTENSIONS: Final = frozenset({".mp4", ".mov"})
_LETTER: Final = re.compile(r"[A-Za-z]")

Metadata = Mapping[str, Any] | None


@dataclass(frozen=True)
class TextAnalysis:
    """What the Text Moderation model reports for one text."""

    text: str
    language: str
    moderated_classes: tuple[str, ...]
    classes: tuple[tuple[str, int], ...]  # (class, score) in TEXT_CLASSES order
    text_filters: tuple[Span, ...]
    pii_entities: tuple[Span, ...]
    urls: tuple[Span, ...]

    @property
    def scores(self) -> dict[str, int]:
        """Class name -> score."""
        return dict(self.classes)

    def env(self, content: Metadata = None, user: Metadata = None) -> Env:
        """The rule-condition environment for this text and the request metadata."""
        pii = Counter(PII_KIND.get(span.type, span.type) for span in self.pii_entities)
        return Env(
            scores=self.scores,
            pii=dict(pii),
            text_filters=dict(Counter(span.type for span in self.text_filters)),
            urls=len(self.urls),
            content=dict(content or {}),
            user=dict(user or {}),
        )


@dataclass(frozen=True)
class HeadScores:
    """One visual head in one frame: (class, confidence) pairs summing to 1."""

    head: str
    classes: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Frame:
    """One analysed frame (an image has one, at time 0)."""

    time: int
    heads: tuple[HeadScores, ...]

    def class_list(self) -> list[dict[str, Any]]:
        """All classes of all heads as Hive lists them: [{class, score}]."""
        return [{"class": c, "score": s} for head in self.heads for c, s in head.classes]


@dataclass(frozen=True)
class VisualAnalysis:
    """What the Visual Moderation model reports for one image or video URL."""

    url: str
    media_type: str  # PHOTO or VIDEO
    mimetype: str
    frames: tuple[Frame, ...]

    @property
    def scores(self) -> dict[str, float]:
        """Class name -> highest confidence over all frames."""
        best: dict[str, float] = {}
        for frame in self.frames:
            for head in frame.heads:
                for cls, score in head.classes:
                    best[cls] = max(best.get(cls, 0.0), score)
        return best

    def env(self, content: Metadata = None, user: Metadata = None) -> Env:
        """The rule-condition environment; a class is present from `VISUAL_PRESENT_THRESHOLD`."""
        scores = self.scores
        present = frozenset(c for c, s in scores.items() if s >= VISUAL_PRESENT_THRESHOLD)
        return Env(
            scores=scores, present=present, content=dict(content or {}), user=dict(user or {})
        )


Analysis = TextAnalysis | VisualAnalysis


def analyze_text(
    text: str,
    cfg: HiveConfig,
    output: tuple[str, ...] = TEXT_CLASSES,
    moderated_order: tuple[str, ...] = TEXT_CLASSES,
) -> TextAnalysis:
    """Score a text with the scenario's text rules and run the pattern matchers; `output` and
    `moderated_order` are the classes reported, in order (the `hive.text_classes` variant)."""
    filters = find_filters(text, ((entry.pattern, entry.type) for entry in cfg.deny_list))
    if _LETTER.search(text):
        language, moderated = LANGUAGE_EN, moderated_order
        scores = dict.fromkeys(TEXT_CLASSES, 0)
        for rule in cfg.text:
            if rule.pattern.search(text):
                score = MAX_TEXT_SCORE if rule.cls in BINARY_TEXT_CLASSES else rule.score
                scores[rule.cls] = max(scores[rule.cls], score)
    else:
        # Hive: an unsupported language moderates no class; every head scores -1.
        language, moderated = LANGUAGE_UNSUPPORTED, ()
        scores = dict.fromkeys(TEXT_CLASSES, UNSUPPORTED_SCORE)
    return TextAnalysis(
        text=text,
        language=language,
        moderated_classes=moderated,
        classes=tuple((c, scores[c]) for c in output),
        text_filters=filters,
        pii_entities=find_pii(text),
        urls=find_urls(text),
    )


def analyze_url(
    url: str, cfg: HiveConfig, heads: tuple[VisualHead, ...] = MODEL_2023_HEADS
) -> VisualAnalysis:
    """Score an image or video URL: one frame, or three (times 0, 1, 2) for .mp4 and .mov;
    `heads` are the heads answered, in order (the `hive.visual_classes` variant)."""
    winners: dict[str, VisualRule] = {}
    for rule in cfg.visual:
        if rule.head not in winners and rule.pattern.search(url):
            winners[rule.head] = rule
    extension = _extension(url)
    is_video = extension in _VIDEO_EXTENSIONS
    times = VIDEO_FRAME_TIMES if is_video else (0,)
    frames = tuple(
        Frame(
            time=time,
            heads=tuple(_head_scores(url, time, head, winners.get(head.name)) for head in heads),
        )
        for time in times
    )
    return VisualAnalysis(
        url=url,
        media_type=VIDEO if is_video else PHOTO,
        mimetype=_MIMETYPES.get(extension, "image/jpeg"),
        frames=frames,
    )


def triggered_rules(
    cfg: HiveConfig, analysis: Analysis, *, content: Metadata = None, user: Metadata = None
) -> tuple[Rule, ...]:
    """The scenario's Dashboard rules whose condition holds, in scenario order."""
    env = analysis.env(content, user)
    return tuple(rule for rule in cfg.rules if rule.condition.evaluate(env))


def _extension(url: str) -> str:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:  # an upload's file name is not a URL: "//[x.png"
        path = url.lower()
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""


def _head_scores(url: str, time: int, head: VisualHead, rule: VisualRule | None) -> HeadScores:
    digest = hashlib.sha256(f"{url}\x00{head.name}\x00{time}".encode()).digest()
    if rule is not None:
        winner, units = rule.cls, round(rule.score * _UNITS)
    else:
        # No rule: the head's negative class dominates with 0.9800-0.9989.
        winner, units = head.negative, 9_800 + digest[0] % 190
    classes = head.classes
    others = [cls for cls in classes if cls != winner]
    rest = _UNITS - units
    weights = [1 + digest[1 + i] % 50 for i in range(len(others))]
    shares = [rest * weight // sum(weights) for weight in weights]
    if shares:
        shares[-1] += rest - sum(shares)  # the rounding remainder goes on the last class
    by_class = {winner: units, **dict(zip(others, shares, strict=True))}
    return HeadScores(
        head=head.name, classes=tuple((cls, by_class[cls] / _UNITS) for cls in classes)
    )
