"""Benchmark of live notifications: from an event written to the in-app notification arriving on
a subscriber's websocket, under concurrent writers, through real server processes.

    python bench/notifications.py [--subscribers 40] [--writers 8] [--events 400] [--pause 0]
                                  # SQLite: one server process (live updates are in-process)
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/notifications.py
                                  # PostgreSQL: subscribers on one server process, writers on
                                  # another (LISTEN/NOTIFY carries every event across)

Every subscriber follows one open proposal and listens to its own ``notifications``
subscription (graphql-transport-ws); writers add arguments to it over HTTP as fast as the
server takes them. Latency is measured from the notification's ``createdAt`` (the moment it
was written, in the event's transaction; same machine, same clock) to its arrival on the socket,
and end to end from the writer sending the mutation. Prints p50/p99 of both, the write rate,
the delivered rate, and how many of the expected notifications never arrived (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets
from scratch import percentile, print_rows, scratch_database

from actas.api import db
from actas.api.domain.vocabulary import EmailMode, TokenScope
from actas.api.services import organisations, preferences, proposals
from actas.api.services.access import load_viewer
from actas.api.services.tokens import issue_token
from actas.api.services.users import find_or_create_user
from actas.api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIPTION = "subscription { notifications { id createdAt event { payload } } }"
ADD_ARGUMENT = """
mutation Add($input: AddArgumentInput!) {
  addArgument(input: $input) { __typename ... on Argument { id } }
}"""


async def seed(subscribers: int, writers: int) -> dict[str, Any]:
    """An organisation, one open proposal everyone sees, subscribers following it, writers."""
    tag = uuid.uuid4().hex[:6]
    admin = await find_or_create_user(f"admin-{tag}@bench.example", name="Admin")
    organisation = await organisations.create_organisation(
        await load_viewer(admin.id), slug=f"live{tag}", name="Live"
    )
    boss = await load_viewer(admin.id)
    people: dict[str, list[int]] = {"subscribers": [], "writers": []}
    for group, count in (("subscribers", subscribers), ("writers", writers)):
        for n in range(count):
            membership = await organisations.add_member(
                boss, organisation.id, email=f"{group}{n}-{tag}@bench.example", name=f"{group} {n}"
            )
            people[group].append(membership.user_id)
    proposal = await proposals.draft_proposal(
        boss,
        organisation.id,
        proposals.ProposalDraft(title="Live", summary="Argue here.", body=""),
    )
    await proposals.open_proposal(boss, proposal.id)
    for user in people["subscribers"]:
        viewer = await load_viewer(user)
        await preferences.follow(viewer, proposal.id, following=True)
        # In-app only: this measures the live path, not the outbox of emails nobody sends.
        await preferences.set_email_mode(viewer, organisation.id, EmailMode.OFF)

    async def tokens(users: list[int]) -> list[str]:
        return [(await issue_token(u, scope=TokenScope.WRITE, days=1)).secret for u in users]

    return {
        "proposal": _global_id("Proposal", proposal.id),
        "subscribers": await tokens(people["subscribers"]),
        "writers": await tokens(people["writers"]),
    }


def _global_id(type_name: str, key: int) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def server(settings: Settings) -> Iterator[str]:
    """``actas serve`` on a free port, in production mode (nothing but the API)."""
    port = _free_port()
    env = {**os.environ, "ACTAS_DATABASE_URL": settings.database_url, "ACTAS_ENV": "production"}
    command = [sys.executable, "-c", "from actas.api.cli import main; main()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


class Subscriber:
    """One websocket listening to one member's notifications."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, datetime, int]] = []  # (arrived, written, argument)
        self.notification_ids: list[int] = []  # in the order they arrived
        self.expected: set[int] | None = None  # the arguments written, once the writers are done
        self.complete = asyncio.Event()

    async def listen(
        self, base: str, token: str, ready: asyncio.Event, stop: asyncio.Event
    ) -> None:
        url = base.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                )
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
            )
            ready.set()
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                arrived = time.time()
                message = json.loads(raw)
                if message["type"] != "next":
                    raise SystemExit(f"unexpected message: {message}")
                note = message["payload"]["data"]["notifications"]
                written = datetime.fromisoformat(note["createdAt"])
                self.arrivals.append((arrived, written, note["event"]["payload"]["argument"]))
                self.notification_ids.append(_database_id(note["id"]))
                self.check()

    def check(self) -> None:
        if self.expected is not None and self.expected <= {a for _, _, a in self.arrivals}:
            self.complete.set()


async def write(
    base: str, token: str, proposal: str, count: int, sent: dict[int, float], pause: float
) -> list[float]:
    """Add ``count`` arguments one after another, ``pause`` seconds apart; returns each
    mutation's round trip (ms)."""
    trips = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for n in range(count):
            start = time.time()
            response = await client.post(
                "/graphql",
                json={
                    "query": ADD_ARGUMENT,
                    "variables": {
                        "input": {"proposal": proposal, "stance": "COMMENT", "body": f"Point {n}."}
                    },
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            trips.append((time.time() - start) * 1000)
            result = response.json()["data"]["addArgument"]
            if result["__typename"] != "Argument":
                raise SystemExit(f"the write failed: {result}")
            sent[_database_id(result["id"])] = start
            await asyncio.sleep(pause)
    return trips


async def measure(
    settings: Settings, subscribers: int, writers: int, events: int, pause: float
) -> list[tuple[str, str]]:
    await db.open_database(settings)
    try:
        seeded = await seed(subscribers, writers)
    finally:
        await db.close_database()
    postgres = settings.database_url.startswith("postgres")
    with contextlib.ExitStack() as stack:
        listening = stack.enter_context(server(settings))
        writing = stack.enter_context(server(settings)) if postgres else listening
        ready = [asyncio.Event() for _ in range(subscribers)]
        stop = asyncio.Event()
        listeners = [Subscriber() for _ in range(subscribers)]
        tasks = [
            asyncio.create_task(s.listen(listening, token, r, stop))
            for s, token, r in zip(listeners, seeded["subscribers"], ready, strict=True)
        ]
        await asyncio.gather(*(r.wait() for r in ready))
        await asyncio.sleep(1)  # every subscription registered on the server
        sent: dict[int, float] = {}
        started = time.time()
        trips = await asyncio.gather(
            *(
                write(writing, token, seeded["proposal"], events // writers, sent, pause)
                for token in seeded["writers"]
            )
        )
        written = time.time() - started
        expected = subscribers * len(sent)
        for listener in listeners:
            listener.expected = set(sent)
            listener.check()
        with contextlib.suppress(TimeoutError):  # what has not arrived in 30 s is reported lost
            await asyncio.wait_for(asyncio.gather(*(s.complete.wait() for s in listeners)), 30)
        stop.set()
        await asyncio.gather(*tasks)
    arrivals = [a for s in listeners for a in s.arrivals]
    delivered = max(arrived for arrived, _, _ in arrivals) - started
    missing = sum(len(set(sent) - {a for _, _, a in s.arrivals}) for s in listeners)
    repeated = sum(len(s.arrivals) - len({a for _, _, a in s.arrivals}) for s in listeners)
    out_of_order = sum(
        sum(1 for a, b in itertools.pairwise(s.notification_ids) if b < a) for s in listeners
    )
    from_write = [(arrived - at.timestamp()) * 1000 for arrived, at, _ in arrivals]
    end_to_end = [(arrived - sent[argument]) * 1000 for arrived, _, argument in arrivals]
    mutation = [t for ts in trips for t in ts]
    return [
        ("database", "postgres (2 server processes)" if postgres else "sqlite (1 server process)"),
        ("subscribers / concurrent writers", f"{subscribers} / {writers}"),
        ("pause between a writer's writes", f"{pause * 1000:.0f} ms"),
        ("events written / notifications expected", f"{len(sent)} / {expected}"),
        (
            "never arrived / arrived twice / out of order",
            f"{missing} / {repeated} / {out_of_order}",
        ),
        (
            "written → on the socket p50 / p99",
            f"{percentile(from_write, 0.5):.1f} / {percentile(from_write, 0.99):.1f} ms",
        ),
        (
            "mutation sent → on the socket p50 / p99",
            f"{percentile(end_to_end, 0.5):.1f} / {percentile(end_to_end, 0.99):.1f} ms",
        ),
        (
            "addArgument round trip p50 / p99",
            f"{percentile(mutation, 0.5):.1f} / {percentile(mutation, 0.99):.1f} ms",
        ),
        ("write rate", f"{len(sent) / written:.0f} events/s"),
        (
            "delivered, first write to last arrival",
            f"{len(arrivals) / delivered:.0f} notifications/s",
        ),
    ]


def _database_id(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":", 1)[1])


async def main(subscribers: int, writers: int, events: int, pause: float) -> None:
    async with scratch_database() as settings:
        rows = await measure(settings, subscribers, writers, events, pause)
    print_rows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=40)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between a writer's writes (0: flat out)"
    )
    options = parser.parse_args()
    asyncio.run(main(options.subscribers, options.writers, options.events, options.pause))
