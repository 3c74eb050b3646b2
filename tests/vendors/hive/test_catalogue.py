"""Hive's class catalogue (issue 22): every visual class Hive publishes can be scored by a
scenario, an answer lists the classes in the vendor's order, and a typo is refused with
file:line naming the nearest classes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver.http.app import build_app
from mockserver.http.settings import Settings
from mockserver.kit.variants import match_forms
from mockserver.registry import VENDORS
from mockserver.scenario.loading.checks import check_paths
from mockserver.scenario.loading.library import ScenarioLibrary
from mockserver.scenario.loading.loader import parse_scenario
from mockserver.scenario.loading.schema import scenario_schema
from mockserver.vendors.hive.classes import (
    ALL_VISUAL_HEADS,
    DOCUMENTED_HEADS,
    MODEL_2023_HEADS,
    VISUAL_CLASSES,
    VisualHead,
)
from mockserver.vendors.hive.variants import VARIANTS
from mockserver.vendors.hive.variants import VISUAL_CLASSES as VISUAL_VARIANT

ROOT = Path(__file__).resolve().parents[3]

# The classes of a real Visual Moderation answer, in its order, as kept by a production
# integration: bluesky-social/atproto, packages/bsky/tests/auto-moderator/fixtures/
# hiveai_resp_example.json at commit 09596d95fb6baa3a96e4504d3d96c3bb3a800e64.
REAL_ANSWER_ORDER = [
    *("general_not_nsfw_not_suggestive", "general_nsfw", "general_suggestive"),
    *("no_female_underwear", "yes_female_underwear", "no_male_underwear", "yes_male_underwear"),
    *("no_sex_toy", "yes_sex_toy", "no_female_nudity", "yes_female_nudity", "no_male_nudity"),
    *("yes_male_nudity", "no_female_swimwear", "yes_female_swimwear", "no_male_shirtless"),
    *("yes_male_shirtless", "no_text", "text", "animated", "hybrid", "natural", "animated_gun"),
    *("gun_in_hand", "gun_not_in_hand", "no_gun", "culinary_knife_in_hand"),
    *("culinary_knife_not_in_hand", "knife_in_hand", "knife_not_in_hand", "no_knife"),
    *("a_little_bloody", "no_blood", "other_blood", "very_bloody", "no_pills", "yes_pills"),
    *("no_smoking", "yes_smoking", "illicit_injectables", "medical_injectables"),
    *("no_injectables", "no_nazi", "yes_nazi", "no_kkk", "yes_kkk", "no_middle_finger"),
    *("yes_middle_finger", "no_terrorist", "yes_terrorist", "no_overlay_text"),
    *("yes_overlay_text", "no_sexual_activity", "yes_sexual_activity", "hanging"),
    *("no_hanging_no_noose", "noose", "no_realistic_nsfw", "yes_realistic_nsfw"),
    *("animated_corpse", "human_corpse", "no_corpse", "no_self_harm", "yes_self_harm"),
    *("no_drawing", "yes_drawing", "no_emaciated_body", "yes_emaciated_body"),
    *("no_child_present", "yes_child_present", "no_sexual_intent", "yes_sexual_intent"),
    *("animal_genitalia_and_human", "animal_genitalia_only", "animated_animal_genitalia"),
    *("no_animal_genitalia", "no_gambling", "yes_gambling", "no_undressed", "yes_undressed"),
    *("no_confederate", "yes_confederate", "animated_alcohol", "no_alcohol", "yes_alcohol"),
    *("yes_drinking_alcohol", "no_religious_icon", "yes_religious_icon"),
]

# What the public clients read (their repository, path and commit are in tests/profiles).
CLIENT_CLASSES = [
    *("yes_sexual_activity", "animal_genitalia_and_human", "yes_realistic_nsfw"),
    *("general_nsfw", "animated_animal_genitalia", "yes_undressed", "yes_sexual_intent"),
    *("yes_sex_toy", "yes_male_nudity", "yes_female_nudity", "yes_male_underwear"),
    *("yes_female_underwear", "very_bloody", "human_corpse", "hanging", "yes_self_harm"),
]


async def _classes(aiohttp_client: Any, yaml_text: str, url: str) -> list[tuple[str, float]]:
    scenario = parse_scenario(yaml_text, "t.yaml", VENDORS)
    client = await aiohttp_client(build_app(Settings(), VENDORS, ScenarioLibrary(scenario)))
    resp = await client.post(
        "/models/api/v2/task/sync", data={"url": url}, headers={"authorization": "token k"}
    )
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    (variant,) = [v for v in VARIANTS if v.name == VISUAL_VARIANT]
    assert match_forms(variant, body) != []  # the answer is recognised as its form
    return [(c["class"], c["score"]) for c in body["status"][0]["response"]["output"][0]["classes"]]


async def test_an_image_answer_lists_the_classes_in_the_vendors_order(aiohttp_client: Any) -> None:
    answer = await _classes(aiohttp_client, "hive: {}\n", "https://cdn.test/cat.jpg")
    assert [c for c, _ in answer] == REAL_ANSWER_ORDER
    documented = await _classes(
        aiohttp_client,
        "hive: {}\nvariants: {hive.visual_classes: documented}\n",
        "https://cdn.test/cat.jpg",
    )
    names = [c for c, _ in documented]
    assert names[: len(REAL_ANSWER_ORDER)] == REAL_ANSWER_ORDER
    assert names[len(REAL_ANSWER_ORDER) :] == [c for h in DOCUMENTED_HEADS for c in h.classes]


@pytest.mark.parametrize("cls", CLIENT_CLASSES)
async def test_a_scenario_scores_any_class_a_real_client_reads(
    aiohttp_client: Any, cls: str
) -> None:
    scenario = f"hive:\n  visual:\n    - {{url_contains: flagged, class: {cls}, score: 0.96}}\n"
    scores = dict(await _classes(aiohttp_client, scenario, "https://cdn.test/flagged.jpg"))
    assert scores[cls] == 0.96
    (head,) = [h for h in MODEL_2023_HEADS if cls in h.classes]
    assert round(sum(scores[c] for c in head.classes), 4) == 1.0


def test_the_validator_accepts_every_published_class(tmp_path: Path) -> None:
    # Property over the whole catalogue: each class in a visual rule and in a rule condition.
    visual = "\n".join(
        f"    - {{url_contains: x{i}, class: {cls}}}" for i, cls in enumerate(VISUAL_CLASSES)
    )
    condition = " or ".join(f"{cls} >= 0.9" for cls in VISUAL_CLASSES)
    path = tmp_path / "all.yaml"
    path.write_text(f'hive:\n  visual:\n{visual}\n  rules:\n    - {{name: R, if: "{condition}"}}\n')
    assert check_paths([str(path)], VENDORS) == ([], 1)
    assert len(VISUAL_CLASSES) == sum(len(h.classes) for h in ALL_VISUAL_HEADS)  # no repeats


def test_a_typo_is_refused_with_file_line_and_the_nearest_classes(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(
        "hive:\n"
        "  visual:\n"
        "    - {url_contains: x, class: yes_sexual_intnet}\n"
        "    - {url_contains: y, class: hanging}\n"
    )
    problems, _ = check_paths([str(path)], VENDORS)
    assert problems == [
        f"{path}:3:32: hive.visual[0].class: 'yes_sexual_intnet' is not one of the "
        f"{len(VISUAL_CLASSES)} known values; nearest: yes_sexual_intent, no_sexual_intent, "
        "yes_sexual_activity (the schema's enum lists them all)"
    ]
    path.write_text('hive:\n  rules:\n    - {name: R, if: "yes_sex_toi >= 0.9"}\n')
    problems, _ = check_paths([str(path)], VENDORS)
    assert problems == [
        f"{path}:3:21: hive.rules[0].if: invalid condition 'yes_sex_toi >= 0.9': unknown class "
        "'yes_sex_toi' (nearest: yes_sex_toy, yes_sexual_activity, no_sex_toy) at position 0"
    ]


def test_the_published_schema_lists_every_class() -> None:
    schema = json.dumps(scenario_schema(VENDORS))
    assert all(f'"{cls}"' in schema for cls in VISUAL_CLASSES)


def _table(heads: tuple[VisualHead, ...]) -> str:
    rows = [
        "| Head | Classes, in answer order (the negative in bold) | What it detects "
        "| Documented at |",
        "|---|---|---|---|",
    ]
    for head in heads:
        listed = ", ".join(f"**`{c}`**" if c == head.negative else f"`{c}`" for c in head.classes)
        page = head.source.rsplit("/", 1)[1]
        rows.append(f"| `{head.name}` | {listed} | {head.about} | [{page}]({head.source}) |")
    return "\n".join(rows)


def test_the_catalogue_page_lists_every_head_as_the_sandbox_answers() -> None:
    page = (ROOT / "docs" / "hive-classes.md").read_text()
    assert _table(MODEL_2023_HEADS) in page
    assert _table(DOCUMENTED_HEADS) in page
