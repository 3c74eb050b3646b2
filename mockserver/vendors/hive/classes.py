"""The class catalogue of the emulated Hive models: text heads and visual heads.

Text heads return integer severities; visual heads return confidences that sum to 1 per head.
Names follow Hive's documentation (reference B.1); where the docs list a head only in prose, the
class strings are our best reading and are noted as such in the README's fidelity notes.
"""

from __future__ import annotations

# Text Moderation heads, in the order we report them (reference B.1). `drugs` is a documented
# multilevel head that the seed's example does not list; we moderate it anyway.
TEXT_CLASSES: tuple[str, ...] = (
    "sexual",
    "hate",
    "violence",
    "bullying",
    "drugs",
    "spam",
    "promotions",
)

# Binary text heads return only 0 or 3 (reference B.1, classification-text).
BINARY_TEXT_CLASSES: frozenset[str] = frozenset({"spam", "promotions"})

# Highest severity of a text head.
MAX_TEXT_SCORE = 3

# Score of every text head when the language is "UNSUPPORTED" (reference B.1: -1).
UNSUPPORTED_SCORE = -1

# Visual Moderation heads: name -> classes, the negative ("nothing found") class last.
VISUAL_HEADS: dict[str, tuple[str, ...]] = {
    "general": ("general_nsfw", "general_suggestive", "general_not_nsfw_not_suggestive"),
    "female_nudity": ("yes_female_nudity", "no_female_nudity"),
    "male_nudity": ("yes_male_nudity", "no_male_nudity"),
    "sexual_activity": ("yes_sexual_activity", "no_sexual_activity"),
    "sexual_display": ("yes_sexual_display", "no_sexual_display"),
    "undressed": ("yes_undressed", "no_undressed"),
    "gun": ("gun_in_hand", "animated_gun", "gun_not_in_hand", "no_gun"),
    "knife": ("knife_in_hand", "knife_not_in_hand", "culinary_knife_in_hand", "no_knife"),
    "blood": ("very_bloody", "a_little_bloody", "other_blood", "no_blood"),
    "corpse": ("human_corpse", "animated_corpse", "no_corpse"),
    "self_harm": ("yes_self_harm", "no_self_harm"),
    "pills": ("yes_pills", "no_pills"),
    "smoking": ("yes_smoking", "no_smoking"),
    "nazi": ("yes_nazi", "no_nazi"),
    "kkk": ("yes_kkk", "no_kkk"),
    "confederate": ("yes_confederate", "no_confederate"),
    "middle_finger": ("yes_middle_finger", "no_middle_finger"),
    "gambling": ("yes_gambling", "no_gambling"),
}

# Every visual class -> the head it belongs to.
VISUAL_CLASS_HEAD: dict[str, str] = {
    cls: head for head, classes in VISUAL_HEADS.items() for cls in classes
}

VISUAL_CLASSES: tuple[str, ...] = tuple(VISUAL_CLASS_HEAD)

# A visual class counts as "present" for a bare class name in a rule condition from this score.
VISUAL_PRESENT_THRESHOLD = 0.5

ALL_CLASSES: frozenset[str] = frozenset(TEXT_CLASSES) | frozenset(VISUAL_CLASSES)
