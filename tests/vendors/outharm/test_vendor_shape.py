"""What Outharm declares to the core (issue 12) and what the core derives from it: the words and
statuses `GET /_mockserver/vendors` lists, the `actions` an item offers in each status, the
webhook signature a receiver verifies deliveries with, and change notification on queueing."""

from __future__ import annotations

import asyncio

from mockserver.http import appkeys
from mockserver.records.notifier import Notifier
from mockserver.registry import vendor
from mockserver.vendors.outharm.scenario_schema import section_schema
from tests.support.polling import until

from .conftest import MakeSandbox, Receiver


def test_the_declaration_gives_words_statuses_and_signatures() -> None:
    outharm = vendor("outharm")
    described = outharm.describe()
    assert [a["word"] for a in described["actions"]] == ["decide", "hold"]
    decide = described["actions"][0]
    assert decide["bare"] and "uphold" in decide["settings"]
    assert described["statuses"] == ["scored", "queued", "completed"]
    assert (described["base_path"], described["signatures"]) == ("", ["bearer"])
    assert outharm.section_schema() == section_schema(outharm.words)
    assert outharm.lifecycle.events == ("moderation.manual.completed", "moderation-completed")
    # `fail` is the core's word; what it does here stays described for editors.
    assert "add-to-queue" in outharm.vocabulary().descriptions["fail"]


async def test_an_item_offers_decide_only_while_queued(sandbox: MakeSandbox) -> None:
    api = await sandbox({"manual": [{"otherwise": "hold"}]})
    sub_id = await api.manual({"title": ["x"]})
    assert (await api.item(sub_id))["actions"] == ["decide", "hold"]
    item = await api.control("POST", f"/items/outharm/{sub_id}", "decide")
    assert (item["status"], item["actions"]) == ("completed", ["hold"])
    scored = (await api.automated({"title": ["y"]}))["submission_id"]
    assert (await api.item(scored))["actions"] == ["hold"]


async def test_deliveries_verify_with_the_declared_signature(
    sandbox: MakeSandbox, receiver: Receiver
) -> None:
    (bearer,) = vendor("outharm").webhooks.signatures
    hook = {"url": receiver.url, "secret": "om_whsec"}
    api = await sandbox({"webhook": hook, "manual": [{"otherwise": "decide"}]})
    await api.manual({"title": ["x"]})
    await api.advance("0s")
    ((headers, body),) = receiver.received
    assert bearer.verify(headers, body, "om_whsec") is True
    assert bearer.verify(headers, body, "another") is False


async def registered(notifier: Notifier) -> None:
    """Let a wait reach the server and park (no clock time passes)."""
    await until(notifier.waiting, "the wait parked")


async def test_a_wait_for_queued_wakes_when_an_appeal_is_queued(sandbox: MakeSandbox) -> None:
    # No step runs at once: only queueing itself can wake the wait.
    api = await sandbox({"manual": [{"otherwise": {"decide": {"after": "1h"}}}]})
    notifier = api.client.app[appkeys.WORLDS].get("").notifier
    scored = (await api.automated({"title": ["x"]}))["submission_id"]
    wait = asyncio.create_task(
        api.control("GET", f"/wait/items/outharm/{scored}?status=queued&timeout=2")
    )
    await registered(notifier)
    assert (await api.queue(scored)).status == 200
    assert notifier.wakeups == 1  # woken by the queueing itself, not by the wait's timeout
    assert await wait == {"id": scored, "status": "queued"}


async def test_a_decision_by_the_id_in_capitals_wakes_a_wait_on_the_id(
    sandbox: MakeSandbox,
) -> None:
    api = await sandbox({"manual": [{"otherwise": "hold"}]})
    notifier = api.client.app[appkeys.WORLDS].get("").notifier
    sub_id = await api.manual({"title": ["x"]})
    wait = asyncio.create_task(
        api.control("GET", f"/wait/items/outharm/{sub_id}?status=completed&timeout=2")
    )
    await registered(notifier)
    await api.control("POST", f"/items/outharm/{sub_id.upper()}", "decide")
    assert notifier.wakeups == 1  # ids are matched without case, and so are their waits
    assert await wait == {"id": sub_id, "status": "completed"}
