"""Hive Moderation Dashboard probes for `mockserver drift`
(https://docs.thehive.ai/docs/dashboard-api-reference, the seed).

A sync text task on v1 (the seed's endpoint), v2 and v1 `?legacy=1` (the long classifier
answer), and a call with an invalid key. A text task creates nothing to clean up, but each is
a billed call, so the set stays small: four calls a run (five with `--listen`, which adds an
async task whose callback the run records), at most one a second.
"""

from __future__ import annotations

from mockserver.kit.drift_probes import Call, Probe, ProbeSet, Reveal

_TEXT = {
    "patron_id": "mockserver-drift",
    "post_id": "{run_id}",
    "text_data": "{tag} an automated drift check; reach me at 546-855-5512",
}


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"token {key}"}


PROBES = ProbeSet(
    vendor="hive",
    default_base="https://api.hivemoderation.com",
    sandbox_path="",
    auth_headers=_auth,
    probes=(
        Probe("invalid_key", Call("POST", "/api/v1/task/sync", _TEXT, auth="invalid")),
        Probe("sync_text_v1", Call("POST", "/api/v1/task/sync", _TEXT)),
        Probe("sync_text_v2", Call("POST", "/api/v2/task/sync", _TEXT)),
        # The long classifier answer (seed "Dashboard API Legacy Response").
        Probe("sync_text_legacy", Call("POST", "/api/v1/task/sync", _TEXT, {"legacy": "1"})),
        Probe(
            "async_text_v1",
            Call("POST", "/api/v1/task/async", _TEXT),
            callback_field="callback_url",
            webhook=True,
            listen_only=True,
        ),
    ),
    key_env="HIVE_API_KEY",
    headers=("content-type", "x-ratelimit-*", "retry-after"),
    pace=1.0,
    max_calls=10,
    reveals={
        "hive.text_classes": Reveal("sync_text_legacy"),
        "hive.task_id": Reveal("sync_text_v1"),
    },
)
