"""Which choice of a variant's form wins when several name it: the most specific and latest.
The variant's default < `--variant` (the whole server) < the scenario's `variants:` (the
namespaces that load it) < `PUT /_mockserver/variants` (one namespace, until its next reset or
scenario load). Every combination, read back from the control plane and from the answer a
client gets (docs/fidelity.md, Documented variants)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mockserver.http.settings import Settings
from mockserver.kit.variants import match_forms
from mockserver.vendors.hitl.variants import CREATED_ID, VARIANTS

from .conftest import API, MakeSandbox, Sandbox, scenario_text

CREATED = next(v for v in VARIANTS if v.name == CREATED_ID)
# One distinct form per layer (the default is request_id).
DEFAULT, FLAG, SCENARIO, PUT = "request_id", "request", "id", "merged"
LAYERS = ("flag", "scenario", "put")


async def form_in_use(sandbox: Sandbox) -> tuple[str, list[str]]:
    """The form the control plane says, and the form the create answer has."""
    listed = await sandbox.control("GET", "/variants?vendor=hitl")
    (current,) = [v["current"] for v in listed["variants"] if v["name"] == CREATED_ID]
    loop = await sandbox.new_loop()
    body = {"request_text": "Which form?", "response_type": "boolean", "response_config": {}}
    reply = await sandbox.call("POST", f"{API}/loops/{loop['id']}/requests", json_body=body)
    assert reply.status == 201, reply.body
    return current, match_forms(CREATED, reply.body)


def winner(present: tuple[str, ...]) -> str:
    forms = {"flag": FLAG, "scenario": SCENARIO, "put": PUT}
    chosen = [forms[layer] for layer in LAYERS if layer in present]
    return chosen[-1] if chosen else DEFAULT


COMBINATIONS = [c for n in range(4) for c in itertools.combinations(LAYERS, n)]


@pytest.mark.parametrize("present", COMBINATIONS, ids=lambda c: "+".join(c) or "default")
async def test_the_most_specific_choice_wins(
    make_sandbox: MakeSandbox, present: tuple[str, ...]
) -> None:
    settings = Settings(variant=f"{CREATED_ID}={FLAG}") if "flag" in present else Settings()
    variants = {CREATED_ID: SCENARIO} if "scenario" in present else None
    sandbox = await make_sandbox(
        {"join": "on_create"}, honest=True, settings=settings, variants=variants
    )
    if "put" in present:
        await sandbox.control("PUT", "/variants", {CREATED_ID: PUT})
    expected = winner(present)
    assert await form_in_use(sandbox) == (expected, [expected])

    # A reset forgets the control call; the scenario's choice and the flag stay.
    await sandbox.control("POST", "/reset")
    after_reset = winner(tuple(layer for layer in present if layer != "put"))
    assert await form_in_use(sandbox) == (after_reset, [after_reset])


async def test_loading_a_scenario_forgets_the_control_call_and_takes_its_own_choice(
    make_sandbox: MakeSandbox,
) -> None:
    sandbox = await make_sandbox(
        {"join": "on_create"},
        honest=True,
        settings=Settings(variant=f"{CREATED_ID}={FLAG}"),
    )
    await sandbox.control("PUT", "/variants", {CREATED_ID: PUT})
    assert (await form_in_use(sandbox))[0] == PUT
    await load(sandbox, scenario_text({"join": "on_create"}, honest=True))
    assert await form_in_use(sandbox) == (FLAG, [FLAG])  # no choice of its own: the flag's
    await sandbox.control("PUT", "/variants", {CREATED_ID: PUT})
    text = scenario_text({"join": "on_create"}, honest=True, variants={CREATED_ID: SCENARIO})
    await load(sandbox, text)
    assert await form_in_use(sandbox) == (SCENARIO, [SCENARIO])


async def load(sandbox: Sandbox, text: str) -> Any:
    async with sandbox.client.request("PUT", "/_mockserver/scenario", data=text) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()
