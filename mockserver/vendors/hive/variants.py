"""Hive's documented variants: where its documents disagree (https://docs.thehive.ai/).

Each default is the form with the strongest evidence of what the live service sends: real
answers kept by production integrations first, then the newest docs pages, then the seed
(https://docs.thehive.ai/docs/dashboard-api-reference). docs/fidelity.md gives the deciding
evidence of each.
"""

from __future__ import annotations

from mockserver.kit.variants import Form, Shape, Variant

from .classes import DOCUMENTED_HEADS, MODEL_2023_HEADS

TEXT_CLASSES = "hive.text_classes"
TASK_ID = "hive.task_id"
VISUAL_CLASSES = "hive.visual_classes"

# The seed's legacy example: `output[].classes` in this order, `moderated_classes` in another.
SEED_OUTPUT = ("spam", "sexual", "hate", "violence", "bullying", "promotions")
SEED_MODERATED = ("sexual", "hate", "violence", "bullying", "spam", "promotions")
# https://docs.thehive.ai/docs/classification-text: the multilevel heads plus `drugs`, then the
# binary ones.
SEVEN_HEADS = ("sexual", "hate", "violence", "bullying", "drugs", "spam", "promotions")
# A real 2021 answer kept in tank-bohr/pleroma lib/pleroma/hive_moderation.ex (commit
# bc730aced8fd1076e3c14ac923722683896f56a9): the seed's orders without `promotions`.
MODEL_2021_OUTPUT = ("spam", "sexual", "hate", "violence", "bullying")
MODEL_2021_MODERATED = ("sexual", "hate", "violence", "bullying", "spam")

_CLASSES = "status.0.response.output.0.classes"
_MODERATED = "status.0.response.moderated_classes"
_VISUAL = "status.0.response.output.0.classes"
_2023_COUNT = sum(len(head.classes) for head in MODEL_2023_HEADS)
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
                "https://docs.thehive.ai/docs/dashboard-api-reference (Example Legacy Response)",
                "six classes: output spam, sexual, hate, violence, bullying, promotions; "
                "moderated_classes sexual, hate, violence, bullying, spam, promotions",
                Shape(equals={_MODERATED: list(SEED_MODERATED)}),
            ),
            Form(
                "seven_heads",
                "https://docs.thehive.ai/docs/classification-text (multilevel heads include drugs)",
                "seven classes, also `drugs`: sexual, hate, violence, bullying, drugs, spam, "
                "promotions",
                Shape(equals={_MODERATED: list(SEVEN_HEADS)}),
            ),
            Form(
                "model_2021",
                "a real answer kept by tank-bohr/pleroma, lib/pleroma/hive_moderation.ex "
                "(commit bc730ac)",
                "five classes, no promotions: output spam, sexual, hate, violence, bullying; "
                "moderated_classes sexual, hate, violence, bullying, spam",
                Shape(equals={_MODERATED: list(MODEL_2021_MODERATED)}),
            ),
        ),
        default="seed",
    ),
    Variant(
        VISUAL_CLASSES,
        "the visual heads an image or video answer lists",
        "a Models API or legacy Dashboard answer for a url or media",
        (
            Form(
                "model_2023",
                "a real answer kept by bluesky-social/atproto, packages/bsky/tests/"
                "auto-moderator/fixtures/hiveai_resp_example.json (commit 09596d9)",
                f"the {len(MODEL_2023_HEADS)} heads of that answer ({_2023_COUNT} classes), "
                "in its order",
                Shape(
                    has=(f"{_VISUAL}.{_2023_COUNT - 1}",),
                    lacks=(f"{_VISUAL}.{_2023_COUNT}",),
                ),
            ),
            Form(
                "documented",
                "Hive's class descriptions (https://docs.thehive.ai/docs/sexual-content, "
                "https://docs.thehive.ai/docs/class-descriptions-violence-gore, "
                "https://docs.thehive.ai/docs/class-descriptions-hate-bullying)",
                f"also the {len(DOCUMENTED_HEADS)} heads those pages add (genitals, breast, "
                "bra, fight, ...), after the others",
                Shape(equals={f"{_VISUAL}.{_2023_COUNT}.class": DOCUMENTED_HEADS[0].classes[0]}),
            ),
        ),
        default="model_2023",
    ),
    Variant(
        TASK_ID,
        "the form of a task id",
        "a Dashboard answer (`task_id`)",
        (
            Form(
                "uuid1",
                "https://docs.thehive.ai/docs/dashboard-api-reference "
                "(`538e5b30-4d7a-11ec-a5d3-5de59255ac47`, "
                "a time-based UUID)",
                "a version-1 UUID from the virtual time",
                Shape(pattern={"task_id": _UUID1}),
            ),
            Form(
                "uuid4",
                "https://docs.thehive.ai/reference/submit-a-task-asynchronously (`dd52c0d0-...` "
                "task ids of the Models API, version not shown)",
                "a random version-4 UUID",
                Shape(pattern={"task_id": _UUID4}),
            ),
        ),
        default="uuid1",
    ),
)
