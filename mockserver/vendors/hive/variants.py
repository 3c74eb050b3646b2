"""Hive's documented variants: where its documents disagree (reference/outharm-hive-api.md B).

Defaults follow the seed (seeds/hive-dashboard-api.txt), whose examples are the contract.
"""

from __future__ import annotations

from mockserver.variants import Form, Shape, Variant

TEXT_CLASSES = "hive.text_classes"
TASK_ID = "hive.task_id"

# The seed's legacy example: `output[].classes` in this order, `moderated_classes` in another.
SEED_OUTPUT = ("spam", "sexual", "hate", "violence", "bullying", "promotions")
SEED_MODERATED = ("sexual", "hate", "violence", "bullying", "spam", "promotions")
# docs.thehive.ai classification-text: the multilevel heads plus `drugs`, then the binary ones.
SEVEN_HEADS = ("sexual", "hate", "violence", "bullying", "drugs", "spam", "promotions")

_CLASSES = "status.0.response.output.0.classes"
_MODERATED = "status.0.response.moderated_classes"
_UUID1 = "[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_UUID4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        TEXT_CLASSES,
        "the text classes an answer lists, and their order",
        "a legacy Dashboard answer or Models API text answer",
        (
            Form(
                "seed",
                "seeds/hive-dashboard-api.txt (Example Legacy Response)",
                "six classes: output spam, sexual, hate, violence, bullying, promotions; "
                "moderated_classes sexual, hate, violence, bullying, spam, promotions",
                Shape(equals={_MODERATED: list(SEED_MODERATED)}),
            ),
            Form(
                "seven_heads",
                "docs.thehive.ai classification-text (multilevel heads include drugs)",
                "seven classes, also `drugs`: sexual, hate, violence, bullying, drugs, spam, "
                "promotions",
                Shape(equals={_MODERATED: list(SEVEN_HEADS)}),
            ),
        ),
        default="seed",
    ),
    Variant(
        TASK_ID,
        "the form of a task id",
        "a Dashboard answer (`task_id`)",
        (
            Form(
                "uuid1",
                "seeds/hive-dashboard-api.txt (`538e5b30-4d7a-11ec-a5d3-5de59255ac47`, "
                "a time-based UUID)",
                "a version-1 UUID from the virtual time",
                Shape(pattern={"task_id": _UUID1}),
            ),
            Form(
                "uuid4",
                "reference B.1 (`dd52c0d0-...` task ids of the Models API, version not shown)",
                "a random version-4 UUID",
                Shape(pattern={"task_id": _UUID4}),
            ),
        ),
        default="uuid1",
    ),
)
