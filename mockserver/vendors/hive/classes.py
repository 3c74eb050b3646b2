"""The class catalogue of the emulated Hive models, as Hive publishes it: text heads and visual
heads, each visual head with its classes in the order a real answer lists them.

Text heads return integer severities; visual heads return confidences that sum to 1 per head.

Visual heads, in two groups:

- `MODEL_2023_HEADS`: the heads of a real Visual Moderation answer kept by a production
  integration (bluesky-social/atproto, packages/bsky/tests/auto-moderator/fixtures/
  hiveai_resp_example.json at commit 09596d95fb6baa3a96e4504d3d96c3bb3a800e64, model
  `mod55_dense`), in that answer's order: heads in model order, and within a head the classes
  sorted by name (`general_not_nsfw_not_suggestive`, `general_nsfw`, `general_suggestive`;
  `no_gun` after `gun_not_in_hand`), which is how every real answer quoted in public code
  lists them.
- `DOCUMENTED_HEADS`: heads Hive's class-description pages document that the 2023 answer does
  not carry (breast, genitals, underwear detail, fights, ...); their place after the 2023 heads
  is our reading, their classes sorted by name like the others.

Sources of the heads and their meaning (what each `about` says, in our words):
https://docs.thehive.ai/docs/visual-content-moderation (heads, scores summing to 1),
https://docs.thehive.ai/docs/sexual-content, https://docs.thehive.ai/docs/class-descriptions-
violence-gore, https://docs.thehive.ai/docs/class-descriptions-hate-bullying; text:
https://docs.thehive.ai/docs/classification-text and https://docs.thehive.ai/docs/detailed-
class-descriptions-text-moderation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

VISUAL_DOCS: Final = "https://docs.thehive.ai/docs/visual-content-moderation"
SEXUAL_DOCS: Final = "https://docs.thehive.ai/docs/sexual-content"
VIOLENCE_DOCS: Final = "https://docs.thehive.ai/docs/class-descriptions-violence-gore"
HATE_DOCS: Final = "https://docs.thehive.ai/docs/class-descriptions-hate-bullying"
TEXT_DOCS: Final = "https://docs.thehive.ai/docs/classification-text"

# Text Moderation heads, in the order we report them (TEXT_DOCS). `drugs` is a documented
# multilevel head that the seed's example (https://docs.thehive.ai/docs/dashboard-api-reference)
# does not list (variant `hive.text_classes`).
TEXT_CLASSES: tuple[str, ...] = (
    "sexual",
    "hate",
    "violence",
    "bullying",
    "drugs",
    "spam",
    "promotions",
)

# Binary text heads return only 0 or 3 (TEXT_DOCS).
BINARY_TEXT_CLASSES: frozenset[str] = frozenset({"spam", "promotions"})

# Highest severity of a text head.
MAX_TEXT_SCORE = 3

# Score of every text head when the language is "UNSUPPORTED" (TEXT_DOCS: -1).
UNSUPPORTED_SCORE = -1


@dataclass(frozen=True)
class VisualHead:
    """One head of the Visual Moderation model: its classes in answer order, the class that
    takes nearly all of the head when nothing is found (`negative`), what it detects (`about`,
    our summary of the documentation) and the page that documents it (`source`)."""

    name: str
    classes: tuple[str, ...]
    negative: str
    about: str
    source: str = VISUAL_DOCS


def _yes_no(name: str, about: str, source: str = VISUAL_DOCS) -> VisualHead:
    """A binary head `no_<name>` / `yes_<name>` (sorted by name, as answers list them)."""
    return VisualHead(name, (f"no_{name}", f"yes_{name}"), f"no_{name}", about, source)


MODEL_2023_HEADS: tuple[VisualHead, ...] = (
    VisualHead(
        "general",
        ("general_not_nsfw_not_suggestive", "general_nsfw", "general_suggestive"),
        "general_not_nsfw_not_suggestive",
        "explicit (nudity, sexual activity, sex toys) or suggestive content, or neither",
        SEXUAL_DOCS,
    ),
    _yes_no("female_underwear", "women's underwear or lingerie", SEXUAL_DOCS),
    _yes_no("male_underwear", "men's underwear", SEXUAL_DOCS),
    _yes_no("sex_toy", "sex toys", SEXUAL_DOCS),
    _yes_no("female_nudity", "exposed female breasts, genitals or buttocks", SEXUAL_DOCS),
    _yes_no("male_nudity", "exposed male genitals or buttocks", SEXUAL_DOCS),
    _yes_no("female_swimwear", "women in swimwear", SEXUAL_DOCS),
    _yes_no("male_shirtless", "shirtless men", SEXUAL_DOCS),
    VisualHead("text", ("no_text", "text"), "no_text", "text visible in the image"),
    VisualHead(
        "image_type",
        ("animated", "hybrid", "natural"),
        "natural",
        "a drawing or animation, a photo, or a mix of both",
    ),
    VisualHead(
        "gun",
        ("animated_gun", "gun_in_hand", "gun_not_in_hand", "no_gun"),
        "no_gun",
        "guns, held or not, real or animated",
        VIOLENCE_DOCS,
    ),
    VisualHead(
        "knife",
        (
            "culinary_knife_in_hand",
            "culinary_knife_not_in_hand",
            "knife_in_hand",
            "knife_not_in_hand",
            "no_knife",
        ),
        "no_knife",
        "knives, held or not, kitchen knives apart",
        VIOLENCE_DOCS,
    ),
    VisualHead(
        "blood",
        ("a_little_bloody", "no_blood", "other_blood", "very_bloody"),
        "no_blood",
        "blood and gore, by amount",
        VIOLENCE_DOCS,
    ),
    _yes_no("pills", "pills and capsules"),
    _yes_no("smoking", "smoking and tobacco"),
    VisualHead(
        "injectables",
        ("illicit_injectables", "medical_injectables", "no_injectables"),
        "no_injectables",
        "syringes and injections, illicit or medical",
    ),
    _yes_no("nazi", "Nazi symbols", HATE_DOCS),
    _yes_no("kkk", "Ku Klux Klan symbols", HATE_DOCS),
    _yes_no("middle_finger", "the middle finger gesture", HATE_DOCS),
    _yes_no("terrorist", "terrorist flags and symbols", HATE_DOCS),
    _yes_no("overlay_text", "text overlaid on the image"),
    _yes_no("sexual_activity", "sexual activity", SEXUAL_DOCS),
    VisualHead(
        "hanging",
        ("hanging", "no_hanging_no_noose", "noose"),
        "no_hanging_no_noose",
        "a person hanging, or a noose",
        VIOLENCE_DOCS,
    ),
    _yes_no("realistic_nsfw", "realistic (not drawn) explicit content", SEXUAL_DOCS),
    VisualHead(
        "corpse",
        ("animated_corpse", "human_corpse", "no_corpse"),
        "no_corpse",
        "dead bodies, real or animated",
        VIOLENCE_DOCS,
    ),
    _yes_no("self_harm", "self-harm and its wounds", VIOLENCE_DOCS),
    _yes_no("drawing", "a drawing"),
    _yes_no("emaciated_body", "emaciated bodies", VIOLENCE_DOCS),
    _yes_no("child_present", "a child in the image"),
    _yes_no("sexual_intent", "sexual intent without explicit content", SEXUAL_DOCS),
    VisualHead(
        "animal_genitalia",
        (
            "animal_genitalia_and_human",
            "animal_genitalia_only",
            "animated_animal_genitalia",
            "no_animal_genitalia",
        ),
        "no_animal_genitalia",
        "animal genitalia, with a human, alone or animated",
        SEXUAL_DOCS,
    ),
    _yes_no("gambling", "gambling"),
    _yes_no("undressed", "people undressed without explicit nudity", SEXUAL_DOCS),
    _yes_no("confederate", "the Confederate flag", HATE_DOCS),
    VisualHead(
        "alcohol",
        ("animated_alcohol", "no_alcohol", "yes_alcohol", "yes_drinking_alcohol"),
        "no_alcohol",
        "alcohol, being drunk or not, real or animated",
    ),
    _yes_no("religious_icon", "religious icons"),
)

DOCUMENTED_HEADS: tuple[VisualHead, ...] = (
    _yes_no("genitals", "exposed genitals", SEXUAL_DOCS),
    _yes_no("breast", "exposed breasts", SEXUAL_DOCS),
    _yes_no("butt", "exposed buttocks", SEXUAL_DOCS),
    _yes_no("bulge", "a visible bulge through clothing", SEXUAL_DOCS),
    VisualHead(
        "tongue",
        ("kissing", "licking", "no_tongue"),
        "no_tongue",
        "kissing or licking",
        SEXUAL_DOCS,
    ),
    _yes_no("bra", "bras", SEXUAL_DOCS),
    _yes_no("panties", "panties", SEXUAL_DOCS),
    _yes_no("negligee", "negligees", SEXUAL_DOCS),
    _yes_no("cleavage", "cleavage", SEXUAL_DOCS),
    _yes_no("bodysuit", "bodysuits", SEXUAL_DOCS),
    _yes_no("miniskirt", "miniskirts", SEXUAL_DOCS),
    _yes_no("sports_bra", "sports bras", SEXUAL_DOCS),
    _yes_no("sportswear_bottoms", "sportswear bottoms", SEXUAL_DOCS),
    _yes_no("fight", "people fighting", VIOLENCE_DOCS),
    _yes_no("animal_abuse", "animal abuse", VIOLENCE_DOCS),
    _yes_no("child_safety", "content that endangers children"),
    _yes_no("marijuana", "marijuana"),
    _yes_no("qr_code", "QR codes"),
)

ALL_VISUAL_HEADS: tuple[VisualHead, ...] = MODEL_2023_HEADS + DOCUMENTED_HEADS

# Every visual class -> its head.
VISUAL_CLASS_HEAD: dict[str, VisualHead] = {
    cls: head for head in ALL_VISUAL_HEADS for cls in head.classes
}

VISUAL_CLASSES: tuple[str, ...] = tuple(VISUAL_CLASS_HEAD)

# A visual class counts as "present" for a bare class name in a rule condition from this score.
VISUAL_PRESENT_THRESHOLD = 0.5

ALL_CLASSES: frozenset[str] = frozenset(TEXT_CLASSES) | frozenset(VISUAL_CLASSES)
