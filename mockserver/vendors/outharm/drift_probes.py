"""Outharm probes for `mockserver drift` (https://outharm.com/docs/api/manual,
https://outharm.com/docs/api/automated).

One automated moderation call against a schema the user names (`--param schema_id=...`, with
`--param component=...` naming one of its text components, default `title`), and one with an
invalid token. The sandbox side uses the default scenario's schema unless
`--sandbox-param schema_id=...` says otherwise. Automated moderation creates nothing to clean
up; manual moderation (which queues work for human reviewers) is never probed.
"""

from __future__ import annotations

from mockserver.kit.drift_probes import Call, Param, Probe, ProbeSet

_BODY = {
    "schema_id": "{schema_id}",
    "content": {"{component}": ["{tag} an automated drift check, harmless text"]},
}


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


PROBES = ProbeSet(
    vendor="outharm",
    default_base="https://api.outharm.com",
    sandbox_path="",
    auth_headers=_auth,
    probes=(
        Probe("invalid_key", Call("POST", "/moderation/automated", _BODY, auth="invalid")),
        Probe("automated", Call("POST", "/moderation/automated", _BODY)),
    ),
    key_env="OUTHARM_API_TOKEN",
    params=(
        Param(
            "schema_id",
            "the id of one of your schemas (Outharm console)",
            required=True,
            sandbox_default="550e8400-e29b-41d4-a716-446655440000",
        ),
        Param("component", "a text component of that schema", default="title"),
    ),
    pace=1.0,
    max_calls=10,
)
