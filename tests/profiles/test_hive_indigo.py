"""Bluesky's automod (Go) as a client of the sandbox's Hive Models API, on its own port.

Facts, from github.com/bluesky-social/indigo at commit 00d2c6b7a7e131e9ab2604486b3a5cf3d1abd3e5,
`automod/visual/hiveai_client.go`:

- `LabelBlob` POSTs to `https://api.thehive.ai/api/v2/task/sync` a `mime/multipart` body with
  one file part, `CreateFormFile("media", <blob CID>)` (so the part's type is
  `application/octet-stream`), headers `Authorization: Token <token>`, `Content-Type:` the
  writer's, `Accept: application/json`, `User-Agent: indigo-automod/<version>`.
- Anything but HTTP 200 is an error. The JSON answer is read as `status[].response.output[]`,
  each with `time` and `classes[]` (`{class, score}`), labelled per output:
  `graphic-media` for `very_bloody`, `human_corpse` or `hanging` >= 0.90, `self-harm` for
  `yes_self_harm` >= 0.96, and a sexual label from the same classes as the atproto labeler
  (`porn` for `yes_sexual_activity`, `animal_genitalia_and_human`, `yes_realistic_nsfw` >= 0.90;
  `sexual` for `yes_sexual_intent`, `yes_sex_toy`; `nudity` for `yes_male_nudity`,
  `yes_female_nudity`, `yes_undressed`; `sexual` for `yes_male_underwear`,
  `yes_female_underwear` >= 0.98).

On the defaults, with only the origin and the token changed.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.testing import Sandbox
from tests.profiles.hive_outharm_support import multipart_file, no_lenience, origin, post

HIVE_URL = "https://api.thehive.ai/api/v2/task/sync"
TOKEN = "indigo-token"
CID = "bafkreiam7k6mvkyuoybq4ynhljvj5xa75sdbhjbolzjf5j2udx7vj5gnsy"

SCENARIO: dict[str, Any] = {
    "hive": {
        "keys": [TOKEN],
        "visual": [
            {"url_contains": "gore", "class": "very_bloody", "score": 0.93},
            {"url_contains": "gore", "class": "human_corpse", "score": 0.91},
            {"url_contains": "hang", "class": "hanging", "score": 0.95},
            {"url_contains": "harm", "class": "yes_self_harm", "score": 0.97},
            {"url_contains": "undie", "class": "yes_male_underwear", "score": 0.99},
            {"url_contains": "realistic", "class": "yes_realistic_nsfw", "score": 0.95},
        ],
    }
}


def summarize(answer: dict[str, Any]) -> list[str]:
    """`SummarizeLabels`: the labels of each output of each status (the docstring's rules)."""
    found: list[str] = []
    for status in answer["status"]:
        for out in status["response"]["output"]:
            scores = {c["class"]: c["score"] for c in out["classes"]}
            for cls in ("very_bloody", "human_corpse", "hanging"):
                if scores.get(cls, 0) >= 0.90:
                    found.append("graphic-media")
            if scores.get("yes_self_harm", 0) >= 0.96:
                found.append("self-harm")
            found += sexual(scores)
    return found


def sexual(scores: dict[str, float]) -> list[str]:
    groups = [
        ("porn", ("yes_sexual_activity", "animal_genitalia_and_human", "yes_realistic_nsfw"), 0.9),
        ("sexual", ("yes_sexual_intent", "yes_sex_toy"), 0.9),
        ("nudity", ("yes_male_nudity", "yes_female_nudity", "yes_undressed"), 0.9),
        ("sexual", ("yes_male_underwear", "yes_female_underwear"), 0.98),
    ]
    for label, names, threshold in groups:
        if any(scores.get(name, 0) >= threshold for name in names):
            return [label]
    return []


def label_blob(sandbox: Sandbox, name: str) -> list[str]:
    body, content_type = multipart_file("media", name, b"\x89PNG blob", "application/octet-stream")
    answer = post(
        origin(sandbox, "hive", HIVE_URL),
        {
            "Authorization": f"Token {sandbox.api_key(TOKEN)}",
            "Content-Type": content_type,
            "Accept": "application/json",
            "User-Agent": "indigo-automod/0.0.0",
            **sandbox.headers,
        },
        data=body,
    )
    assert answer.status_code == 200, answer.text  # anything else is an error to the client
    return summarize(answer.json())


@pytest.mark.mockserver_scenario(SCENARIO)
@pytest.mark.parametrize(
    "name, expected",
    [
        (f"{CID}-gore", ["graphic-media", "graphic-media"]),
        (f"{CID}-hang", ["graphic-media"]),
        (f"{CID}-harm", ["self-harm"]),
        (f"{CID}-undie", ["sexual"]),
        (f"{CID}-realistic", ["porn"]),
        (CID, []),
    ],
)
def test_automod_labels_each_blob_as_the_scenario_scores_it(
    mockserver: Sandbox, name: str, expected: list[str]
) -> None:
    assert label_blob(mockserver, name) == expected
    no_lenience(mockserver)
