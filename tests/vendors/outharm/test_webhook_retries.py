"""Webhook delivery through the shared dispatcher: retries on the virtual clock (the sandbox's
choice; Outharm documents none, https://outharm.com/docs/api/webhooks), the scenario's retry
override, faked receiver answers, and redelivery from the control plane."""

from __future__ import annotations

from .conftest import MakeSandbox, Receiver


def section(url: str) -> dict[str, object]:
    return {"webhook": {"url": url, "secret": "om_whsec"}, "manual": [{"otherwise": "decide"}]}


async def test_a_500_then_200_receiver_is_retried(sandbox: MakeSandbox, receiver: Receiver) -> None:
    receiver.answers = [500]
    api = await sandbox(section(receiver.url))
    sub_id = await api.manual({"title": ["x"]})
    await api.advance("0s")
    (delivery,) = await api.deliveries()
    assert delivery["state"] == "pending"
    assert [a["status"] for a in delivery["attempts"]] == [500]
    assert delivery["next_attempt_at"] == "2026-01-01T09:00:15Z"  # the default schedule: 15 s

    await api.advance("15s")
    (delivery,) = await api.deliveries(subject=sub_id)
    assert delivery["state"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]
    first, second = receiver.received
    assert first[1] == second[1]  # the same bytes each time
    assert second[0]["Authorization"] == "Bearer om_whsec"


async def test_the_scenario_sets_the_retry_schedule(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    receiver.answers = [503, 502]
    api = await sandbox(section(receiver.url), webhooks={"retry": ["5s"]})
    await api.manual({"title": ["x"]})
    await api.advance("5s")
    (delivery,) = await api.deliveries()
    assert delivery["state"] == "failed"
    assert [a["status"] for a in delivery["attempts"]] == [503, 502]

    again = await api.control("POST", f"/deliveries/{delivery['id']}/redeliver")
    assert again["redelivery_of"] == delivery["id"]
    await api.advance("0s")
    assert len(receiver.received) == 3
    assert (await api.control("GET", f"/deliveries/{again['id']}"))["state"] == "delivered"


async def test_faked_receiver_answers(sandbox: MakeSandbox, receiver: Receiver) -> None:
    faults = [{"webhook": receiver.url, "answers": [500, "timeout"]}]
    api = await sandbox(section(receiver.url), faults=faults)
    await api.manual({"title": ["x"]})
    await api.advance("2m")
    (delivery,) = await api.deliveries()
    attempts = delivery["attempts"]
    assert [(a["status"], a["simulated"]) for a in attempts] == [
        (500, True),
        (None, True),
        (200, False),
    ]
    assert len(receiver.received) == 1
