"""Live updates: telling connected clients, in any server process, that something happened.

A change names what it touched (``proposal:<id>`` gets the new event ids, ``user:<id>`` the new
notification ids). On PostgreSQL the names travel with ``pg_notify`` inside the change's own
transaction, so they are delivered exactly when (and only if) it commits, to every process that
``LISTEN``s — API servers and workers alike. SQLite has no LISTEN: each API process reads
what is new (ids above the last it read) at once after its own commits and every second for
other processes' (another API process, ``actas worker``'s reminders), so every update goes out
once and in commit order. Messages carry ids only: each subscriber reads the object back
through its own viewer's visibility.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

import asyncpg
import orjson

from actas.api.db import connection, is_postgres, postgres_connection_args
from actas.api.models import Event, Notification
from actas.api.settings import Settings

log = logging.getLogger("actas.live")

CHANNEL = "actas_live"
NOTIFY_LIMIT = 7000  # bytes; PostgreSQL refuses payloads of 8000 or more
QUEUE_SIZE = 1000  # per subscriber; a subscriber that falls this far behind loses the oldest
POLL_INTERVAL = 1.0  # seconds between SQLite reads of what other processes wrote


@dataclass(frozen=True)
class Signal:
    """Something new under a topic: the id of an event or of a notification."""

    topic: str
    key: int


class Hub:
    """This process's subscribers, by topic."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[int]]:
        queue: asyncio.Queue[int] = asyncio.Queue(QUEUE_SIZE)
        self._queues[topic].add(queue)
        try:
            yield queue
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                del self._queues[topic]

    def deliver(self, signals: Iterable[Signal]) -> None:
        for signal in signals:
            for queue in self._queues.get(signal.topic, ()):
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(signal.key)

    @property
    def topics(self) -> int:
        return len(self._queues)


hub = Hub()


async def signals_of(events: Sequence[Event]) -> list[Signal]:
    """What ``events`` and the notifications just written for them mean to live subscribers."""
    if not events:
        return []
    signals = [Signal(f"proposal:{e.proposal_id}", e.id) for e in events if e.proposal_id]
    rows = await Notification.filter(event_id__in=[e.id for e in events]).values("id", "user_id")
    signals += [Signal(f"user:{row['user_id']}", row["id"]) for row in rows]
    return signals


def encode(signals: Iterable[Signal]) -> list[str]:
    """Payloads for ``pg_notify``, each under PostgreSQL's size limit."""
    payloads: list[str] = []
    batch: list[list[object]] = []
    size = 2
    for signal in signals:
        item: list[object] = [signal.topic, signal.key]
        item_size = len(signal.topic) + 16
        if batch and size + item_size > NOTIFY_LIMIT:
            payloads.append(orjson.dumps(batch).decode())
            batch, size = [], 2
        batch.append(item)
        size += item_size
    if batch:
        payloads.append(orjson.dumps(batch).decode())
    return payloads


def decode(payload: str) -> list[Signal]:
    return [Signal(str(topic), int(key)) for topic, key in orjson.loads(payload)]


async def announce_in_transaction(events: Sequence[Event]) -> None:
    """On PostgreSQL, queue the events' signals with the transaction (sent when it commits)."""
    if events and is_postgres():
        for payload in encode(await signals_of(events)):
            await connection().execute_query("SELECT pg_notify($1, $2)", [CHANNEL, payload])


def announce_after_commit(events: Sequence[Event]) -> None:
    """On SQLite, have this process read what is new now that the change is committed."""
    if events and not is_postgres():
        poller.wake()


class Listener:
    """One PostgreSQL connection per process that LISTENs and feeds the hub, and comes back
    after the server restarts."""

    RETRY = 2.0  # seconds between reconnection attempts

    def __init__(self) -> None:
        self._connection: asyncpg.Connection | None = None
        self._connect_args: dict[str, object] = {}
        self._stopping = False
        self._reconnecting: asyncio.Task[None] | None = None

    async def start(self, settings: Settings) -> None:
        if settings.is_sqlite:
            return
        self._connect_args = postgres_connection_args(settings.database_url)
        self._stopping = False
        await self._connect()

    async def _connect(self) -> None:
        self._connection = await asyncpg.connect(**self._connect_args)
        self._connection.add_termination_listener(self._lost)
        await self._connection.add_listener(CHANNEL, self._received)

    def _lost(self, _connection: object) -> None:
        if not self._stopping and self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.RETRY)
            try:
                await self._connect()
                log.info("Live updates listening again.")
                break
            except (OSError, asyncpg.PostgresError):
                log.warning("Live updates: the database is still unreachable.")
        self._reconnecting = None

    def _received(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            hub.deliver(decode(payload))
        except (ValueError, TypeError):
            log.warning("Ignored a malformed live payload: %r", payload[:200])

    async def stop(self) -> None:
        self._stopping = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._connection is not None:
            await self._connection.close()
            self._connection = None


listener = Listener()


class Poller:
    """On SQLite, where there is no LISTEN: read the events and notifications committed since
    the last read, in id order, and hand them to the hub — at once when this process commits,
    every second for what other processes commit. SQLite serialises writers, so ids grow in
    commit order and "newer than the last read" misses nothing. While nobody here listens, only
    the newest ids are read, so a new subscriber misses nothing either."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._woken: asyncio.Event | None = None  # made in the loop that runs the poller

    async def start(self, settings: Settings) -> None:
        if settings.is_sqlite:
            self._woken = asyncio.Event()
            # Read before the server takes requests: what they commit is then all "new".
            seen = await _newest()
            self._task = asyncio.get_running_loop().create_task(self._run(self._woken, seen))

    def wake(self) -> None:
        if self._woken is not None:
            self._woken.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._woken = None

    async def _run(self, woken: asyncio.Event, seen: tuple[int, int]) -> None:
        """``seen``: the newest event and notification ids read so far."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), POLL_INTERVAL)
            woken.clear()
            try:
                if not hub.topics:
                    seen = await _newest()
                else:
                    seen = await _deliver_newer_than(seen)
            except Exception:  # a locked or closing database: try again next time
                log.warning("Live updates could not read what is new.", exc_info=True)


async def _newest() -> tuple[int, int]:
    event = await Event.all().order_by("-id").first().values("id")
    notification = await Notification.all().order_by("-id").first().values("id")
    return (event or {}).get("id", 0), (notification or {}).get("id", 0)


async def _deliver_newer_than(seen: tuple[int, int]) -> tuple[int, int]:
    events = await Event.filter(id__gt=seen[0]).order_by("id").values_list("id", "proposal_id")
    notifications = (
        await Notification.filter(id__gt=seen[1]).order_by("id").values_list("id", "user_id")
    )
    hub.deliver(
        [Signal(f"proposal:{proposal}", key) for key, proposal in events if proposal]
        + [Signal(f"user:{user}", key) for key, user in notifications]
    )
    return (
        events[-1][0] if events else seen[0],
        notifications[-1][0] if notifications else seen[1],
    )


poller = Poller()


async def start(settings: Settings) -> None:
    """Start this process's live updates: LISTEN on PostgreSQL, the poller on SQLite."""
    await listener.start(settings)
    await poller.start(settings)


async def stop() -> None:
    await poller.stop()
    await listener.stop()
