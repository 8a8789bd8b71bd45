"""The live hub: what reaches this process's subscribers, once."""

from __future__ import annotations

import asyncio

from actas.api.services.live import Hub, Signal


async def test_a_signal_reaches_the_subscribers_of_its_topic_only() -> None:
    hub = Hub()
    async with hub.subscribe("user:7") as mine, hub.subscribe("user:8") as theirs:
        hub.deliver([Signal("user:7", 1), Signal("user:8", 2), Signal("user:9", 4)])
        hub.deliver([Signal("user:7", 3)])

        assert [mine.get_nowait() for _ in range(mine.qsize())] == [1, 3]
        assert [theirs.get_nowait() for _ in range(theirs.qsize())] == [2]
    assert hub.topics == 0


async def test_a_subscriber_that_falls_far_behind_loses_the_oldest() -> None:
    hub = Hub()
    async with hub.subscribe("proposal:1") as queue:
        hub.deliver(Signal("proposal:1", key) for key in range(queue.maxsize + 5))
        assert queue.qsize() == queue.maxsize
        assert queue.get_nowait() == 5
    await asyncio.sleep(0)
