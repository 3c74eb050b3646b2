"""Bluesky's labeler as a client of the sandbox's Hive Models API, on its own port.

Facts, from github.com/bluesky-social/atproto at commit 0fbad1c72009fcffe3888f1f4a417b4d7115c401,
`packages/bsky/src/labeler/hive.ts`:

- `HIVE_ENDPOINT = 'https://api.thehive.ai/api/v2/task/sync'`; `makeHiveReq` POSTs a
  `form-data` body with the image blob as the `media` part, headers `Content-Type:
  multipart/form-data` (axios puts the form's boundary in it), `authorization: token <key>`,
  `accept: application/json`, and reads the answer's JSON (`data`).
- `respToClasses` reads `status[].response.output[].classes[]` (`{class, score}`), and
  `summarizeLabels` labels from these classes: `porn` when `yes_sexual_activity`,
  `animal_genitalia_and_human` or `yes_realistic_nsfw` >= 0.9 (or `general_nsfw` >= 0.9 with
  `animated_animal_genitalia` >= 0.5, or `yes_undressed` and `yes_sexual_activity` > 0.9),
  else `sexual` when `yes_sexual_intent` or `yes_sex_toy` >= 0.9 (or `yes_undressed` >= 0.9 with
  `yes_sex_toy` > 0.75), else `nudity` when `yes_male_nudity`, `yes_female_nudity` or
  `yes_undressed` >= 0.9, else `sexual` and `underwear` when `yes_male_underwear` or
  `yes_female_underwear` >= 0.9; then `gore` for `very_bloody`, `corpse` for `human_corpse` or
  `hanging` (>= 0.9), `self-harm` for `yes_self_harm` >= 0.96.
- The recorded answer its tests use (`packages/bsky/tests/auto-moderator/fixtures/
  hiveai_resp_example.json`, commit 09596d95fb6baa3a96e4504d3d96c3bb3a800e64) is the order the
  sandbox answers in (tests/vendors/hive/test_catalogue.py).

On the defaults, with only the origin and the key changed: the sandbox's `api.thehive.ai` port
answers the Models API at the client's own path (on the main port the same call is the
Dashboard's, which refuses `media`), and a scenario scores each class the client reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.testing import Sandbox
from tests.profiles.hive_outharm_support import multipart_file, no_lenience, origin, post

HIVE_ENDPOINT = "https://api.thehive.ai/api/v2/task/sync"
KEY = "bsky-hive-key"

# A file name (the client sends the blob; the sandbox scores uploads by name) -> its class.
SCENARIO: dict[str, Any] = {
    "hive": {
        "keys": [KEY],
        "visual": [
            {"url_contains": "explicit", "class": "yes_sexual_activity", "score": 0.97},
            {"url_contains": "animal", "class": "animal_genitalia_and_human", "score": 0.95},
            {"url_contains": "intent", "class": "yes_sexual_intent", "score": 0.93},
            {"url_contains": "toy", "class": "yes_sex_toy", "score": 0.91},
            {"url_contains": "statue", "class": "yes_male_nudity", "score": 0.96},
            {"url_contains": "lingerie", "class": "yes_female_underwear", "score": 0.95},
            {"url_contains": "hanging", "class": "hanging", "score": 0.92},
            {"url_contains": "bloody", "class": "very_bloody", "score": 0.94},
            {"url_contains": "cuts", "class": "yes_self_harm", "score": 0.97},
        ],
    }
}


def classes(answer: dict[str, Any]) -> dict[str, float]:
    """`respToClasses`: every `{class, score}` of every output of every status."""
    return {
        c["class"]: c["score"]
        for status in answer["status"]
        for out in status["response"]["output"]
        for c in out["classes"]
    }


def labels(scores: dict[str, float]) -> list[str]:
    """The labels the labeler gives these scores (the module docstring's thresholds)."""

    def at(name: str) -> float:
        return scores.get(name, 0.0)

    found: list[str] = []
    porn = ("yes_sexual_activity", "animal_genitalia_and_human", "yes_realistic_nsfw")
    if any(at(c) >= 0.9 for c in porn):
        found = ["porn"]
    elif at("yes_sexual_intent") >= 0.9 or at("yes_sex_toy") >= 0.9:
        found = ["sexual"]
    elif any(at(c) >= 0.9 for c in ("yes_male_nudity", "yes_female_nudity", "yes_undressed")):
        found = ["nudity"]
    elif at("yes_male_underwear") >= 0.9 or at("yes_female_underwear") >= 0.9:
        found = ["sexual", "underwear"]
    gore = {"very_bloody": "gore", "human_corpse": "corpse", "hanging": "corpse"}
    found += [label for cls, label in gore.items() if at(cls) >= 0.9]
    if at("yes_self_harm") >= 0.96:
        found.append("self-harm")
    return found


def label_image(sandbox: Sandbox, filename: str, url: str = HIVE_ENDPOINT) -> dict[str, Any]:
    """`makeHiveReq`: the blob as the `media` part, the client's three headers."""
    body, content_type = multipart_file("media", filename, b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")
    answer = post(
        origin(sandbox, "hive", url),
        {
            "Content-Type": content_type,
            "authorization": f"token {sandbox.api_key(KEY)}",
            "accept": "application/json",
            **sandbox.headers,
        },
        data=body,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.mark.mockserver_scenario(SCENARIO)
@pytest.mark.parametrize(
    "filename, expected",
    [
        ("explicit.jpg", ["porn"]),
        ("animal.jpg", ["porn"]),
        ("intent.jpg", ["sexual"]),
        ("toy.jpg", ["sexual"]),
        ("statue.jpg", ["nudity"]),
        ("lingerie.jpg", ["sexual", "underwear"]),
        ("hanging.jpg", ["corpse"]),
        ("bloody.jpg", ["gore"]),
        ("cuts.jpg", ["self-harm"]),
        ("cat.jpg", []),
    ],
)
def test_the_labeler_labels_each_image_as_the_scenario_scores_it(
    mockserver: Sandbox, filename: str, expected: list[str]
) -> None:
    assert labels(classes(label_image(mockserver, filename))) == expected
    no_lenience(mockserver)


@pytest.mark.mockserver_scenario(SCENARIO)
def test_on_the_main_port_the_same_call_lands_on_the_dashboard(mockserver: Sandbox) -> None:
    # What the issue saw: with the origin swapped for the main port, the path is the
    # Dashboard's, which takes no `media`.
    body, content_type = multipart_file("media", "cat.jpg", b"\xff\xd8", "image/jpeg")
    answer = post(
        mockserver.url + "/api/v2/task/sync",
        {"Content-Type": content_type, "authorization": f"token {KEY}", **mockserver.headers},
        data=body,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_input"
