"""A Pleroma fork's text moderation as a client of the sandbox's Hive Models API.

Facts, from github.com/tank-bohr/pleroma at commit bc730aced8fd1076e3c14ac923722683896f56a9,
`lib/pleroma/hive_moderation.ex`:

- `moderate_text` POSTs to `<base_url>/task/sync` a Tesla multipart body with one field,
  `text_data`, and the headers `accept: application/json`, `authorization: Token <token>`.
  `base_url` is configuration; the answer it parses (kept in the file's comment, a real 2021
  answer) is the Models API's task object, so the base is `https://api.thehive.ai/api/v2`.
- It requires HTTP 200, a `status` list of exactly one element, and reads the first `output`'s
  `classes` into a map class -> score.

On the defaults, with only the origin and the token changed. (Its recorded answer lists five
text classes, an older model's; the sandbox answers the seed's six by default, or those five
under `hive.text_classes: model_2021`: the client reads the classes into a map, so both pass.)
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockserver.testing import Sandbox
from tests.profiles.hive_outharm_support import TIMEOUT, no_lenience, origin

BASE_URL = "https://api.thehive.ai/api/v2"
TOKEN = "pleroma-token"

SCENARIO: dict[str, Any] = {
    "hive": {
        "keys": [TOKEN],
        "text": [
            {"matches": "(?i)slut|cunt|dick", "class": "sexual", "score": 3},
            {"matches": "(?i)cunt", "class": "bullying", "score": 3},
        ],
        "deny_list": ["slut", "cunt", "dick"],
    }
}


def moderate_text(sandbox: Sandbox, text: str) -> dict[str, float]:
    answer = requests.post(
        origin(sandbox, "hive", BASE_URL + "/task/sync"),
        files={"text_data": (None, text)},  # a plain multipart field, as Tesla sends it
        headers={
            "accept": "application/json",
            "authorization": f"Token {sandbox.api_key(TOKEN)}",
            **sandbox.headers,
        },
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    (status,) = answer.json()["status"]
    first = status["response"]["output"][0]
    return {c["class"]: c["score"] for c in first["classes"]}


@pytest.mark.mockserver_scenario(SCENARIO)
def test_text_scores_reach_the_map_it_builds(mockserver: Sandbox) -> None:
    scores = moderate_text(mockserver, "Slut-cunt-dick")
    assert (scores["sexual"], scores["bullying"], scores["spam"]) == (3, 3, 0)
    assert moderate_text(mockserver, "Have a nice day")["sexual"] == 0
    no_lenience(mockserver)


@pytest.mark.mockserver_scenario({**SCENARIO, "variants": {"hive.text_classes": "model_2021"}})
def test_its_recorded_answers_classes_in_their_form(mockserver: Sandbox) -> None:
    assert list(moderate_text(mockserver, "Slut-cunt-dick")) == [
        "spam",
        "sexual",
        "hate",
        "violence",
        "bullying",
    ]
