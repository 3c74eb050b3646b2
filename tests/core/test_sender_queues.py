"""The sender's queues by (url, subject): one key's attempts go out one at a time in order,
different keys' together, and attempts that are no longer to be sent are dropped when the
queues pass their limit, a key's next attempt taking the place of a dropped first one."""

from __future__ import annotations

import asyncio

from mockserver.webhooks.sender import Key, Sender

Job = tuple[str, str, int]  # (url, subject, number)
URL = "http://receiver.invalid/hook"


def key(job: Job) -> Key:
    return job[0], job[1]


class Receiver:
    """The sender's `send`: records each batch, and holds it until let go."""

    def __init__(self) -> None:
        self.batches: list[list[Job]] = []
        self.gate = asyncio.Event()

    async def send(self, jobs: list[Job]) -> None:
        self.batches.append([job for job in jobs])
        await self.gate.wait()


async def settle(sender: Sender[Job]) -> None:
    for _ in range(100):
        await asyncio.sleep(0)
        if not sender.workers():
            return


async def test_one_keys_attempts_go_one_at_a_time_in_order_with_other_keys_together() -> None:
    receiver = Receiver()
    receiver.gate.set()
    sender: Sender[Job] = Sender(receiver.send, key, 1, 1, lambda _url: 32)
    for job in [(URL, "a", 1), (URL, "a", 2), (URL, "b", 1), (URL, "a", 3), (URL, "c", 1)]:
        sender.put(job)
    await settle(sender)
    assert receiver.batches == [
        [(URL, "a", 1), (URL, "b", 1), (URL, "c", 1)],
        [(URL, "a", 2)],
        [(URL, "a", 3)],
    ]
    assert sender.waiting() == 0 and not sender._queues and not sender._ready


async def test_attempts_no_longer_to_be_sent_are_dropped_past_the_limit_in_order() -> None:
    receiver = Receiver()
    dead: set[Job] = set()
    sender: Sender[Job] = Sender(
        receiver.send, key, 1, 1, lambda _url: 32, alive=lambda job: job not in dead, most=6
    )
    sender.put((URL, "busy", 1))
    await asyncio.sleep(0)  # its batch is sending (and held): what follows waits
    jobs = [(URL, s, n) for s in "abc" for n in (1, 2)]
    for job in jobs:
        sender.put(job)
    dead.update({(URL, "a", 1), (URL, "b", 1), (URL, "b", 2), (URL, "c", 2)})
    sender.put((URL, "d", 1))  # past the limit: the dead are dropped
    assert sender.waiting() == 1 + 3
    receiver.gate.set()
    await settle(sender)
    assert receiver.batches == [
        [(URL, "busy", 1)],
        [(URL, "a", 2), (URL, "c", 1), (URL, "d", 1)],
    ]
    assert sender.waiting() == 0 and not sender._queues and not sender._ready
