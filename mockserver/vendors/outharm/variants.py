"""Outharm's documented variants: the API generation a client speaks.

`current` (the default) is what Outharm's own documentation describes today
(https://outharm.com/docs/api/automated, /manual, /webhooks): `/moderation/automated`,
`/moderation/manual`, `/submissions/{id}/moderation/manual` and the `moderation.manual.completed`
webhook. `legacy` is the earlier generation the public demo integration calls
(github.com/deswif/outharm-demo, commit 2c0b50a1b2b9f8c53784fb3a21167be9fdb2612b):
`POST /automated/predict` with a multipart `image`, `/manual/report/{predictionId}`,
`/manual/appeal/{predictionId}` and a `moderation-completed` webhook with camelCase fields
(`legacy.py`). The current docs no longer describe that generation, so it is served only by
name; docs/fidelity.md says why.
"""

from __future__ import annotations

from mockserver.kit.variants import Form, Shape, Variant

GENERATION = "outharm.generation"
CURRENT = "current"
LEGACY = "legacy"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        GENERATION,
        "the API generation: its paths, bodies and webhook",
        "an automated answer (`POST /moderation/automated` or `/automated/predict`)",
        (
            Form(
                CURRENT,
                "https://outharm.com/docs/api/automated, /docs/api/manual, /docs/api/webhooks",
                "/moderation/*, /submissions/{id}/moderation/manual, snake_case answers, "
                "the moderation.manual.completed webhook",
                Shape(has=("submission_id", "is_harmful")),
            ),
            Form(
                LEGACY,
                "github.com/deswif/outharm-demo src/handers/*.ts (commit 2c0b50a)",
                "/automated/predict (multipart image) -> {isHarmful, predictionId}, "
                "/manual/report/{id}, /manual/appeal/{id}, the moderation-completed webhook "
                "{isHarmful, moderationRequestId}",
                Shape(has=("isHarmful", "predictionId")),
            ),
        ),
        default=CURRENT,
    ),
)
