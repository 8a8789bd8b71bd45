"""Live updates over graphql-transport-ws, against real server processes.

On PostgreSQL an event written through one server process reaches a subscriber connected to
another (LISTEN/NOTIFY); on SQLite, within one process at once and across processes within the
poller's second. These tests always use both databases,
whichever one the rest of the run uses: PostgreSQL through a scratch database of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import websockets

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("ACTAS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PROTOCOL = "graphql-transport-ws"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


ACTAS = [sys.executable, "-c", "from actas.api.cli import main; main()"]


def run(env: dict[str, str], command: list[str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from actas.api.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr:
            process.stderr.close()


def environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "ACTAS_DATABASE_URL": database_url, "ACTAS_ENV": "development"}


@pytest.fixture(scope="module")
def postgres_env() -> Iterator[dict[str, str]]:
    parts = urlsplit(POSTGRES.replace("postgres://", "postgresql://", 1))
    name = f"actas_live_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(urlunsplit(parts))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    env = environment(urlunsplit(parts._replace(path=f"/{name}")))
    try:
        run(env, [*ACTAS, "db", "migrate"])
        yield env
    finally:
        asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_env(tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """A migrated, seeded SQLite file of the test's own, and what the seed made."""
    env = environment(f"sqlite://{tmp_path / 'live.sqlite3'}")
    run(env, [*ACTAS, "db", "migrate"])
    return env, seed(env)


def seed(env: dict[str, str]) -> dict[str, Any]:
    seeded: dict[str, Any] = json.loads(run(env, [sys.executable, "-m", "tests.live.seed"]))
    return seeded


def node_id(type_name: str, key: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@asynccontextmanager
async def subscribed(base: str, token: str, query: str) -> AsyncIterator[Any]:
    url = base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket_:  # type: ignore[list-item]
        await socket_.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await socket_.recv())["type"] == "connection_ack"
        await socket_.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}})
        )
        await asyncio.sleep(0.5)  # let the server register the subscription
        yield socket_


async def next_message(socket_: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket_.recv(), timeout=15))
    return message


async def argue(base: str, token: str, proposal: int, body: str) -> None:
    mutation = """mutation($p: ID!, $b: String!) {
      addArgument(input: {proposal: $p, stance: FOR, body: $b}) { __typename }
    }"""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": mutation, "variables": {"p": node_id("Proposal", proposal), "b": body}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.json()["data"]["addArgument"]["__typename"] == "Argument"


NOTIFICATIONS = "subscription { notifications { reason event { type payload } } }"


async def test_an_event_written_through_one_process_reaches_a_subscriber_of_another(
    postgres_env: dict[str, str],
) -> None:
    seeded = seed(postgres_env)
    tokens = seeded["tokens"]
    proposal = node_id("Proposal", seeded["proposal"])
    events = f'subscription {{ proposalEvents(proposal: "{proposal}") {{ type seq }} }}'
    with server(postgres_env) as first, server(postgres_env) as second:
        async with (
            subscribed(first, tokens["decider"], NOTIFICATIONS) as notifications,
            subscribed(first, tokens["decider"], events) as proposal_events,
        ):
            body = "Written on the other one."
            await argue(second, tokens["author"], seeded["proposal"], body)
            told = await next_message(notifications)
            seen = await next_message(proposal_events)

    assert told["type"] == "next"
    notification = told["payload"]["data"]["notifications"]
    assert notification["event"]["type"] == "argument.added"
    assert notification["event"]["payload"]["body"] == "Written on the other one."
    assert notification["reason"] == "PARTICIPANT"
    assert seen["payload"]["data"]["proposalEvents"]["type"] == "argument.added"


async def test_on_sqlite_live_updates_reach_subscribers_of_the_same_process(
    sqlite_env: tuple[dict[str, str], dict[str, Any]],
) -> None:
    env, seeded = sqlite_env
    tokens = seeded["tokens"]
    with server(env) as only:
        async with subscribed(only, tokens["decider"], NOTIFICATIONS) as notifications:
            await argue(only, tokens["author"], seeded["proposal"], "Same process.")
            told = await next_message(notifications)
    assert told["payload"]["data"]["notifications"]["event"]["payload"]["body"] == "Same process."


async def test_on_sqlite_what_another_process_writes_arrives_within_a_second_or_two(
    sqlite_env: tuple[dict[str, str], dict[str, Any]],
) -> None:
    env, seeded = sqlite_env
    tokens = seeded["tokens"]
    with server(env) as listening, server(env) as writing:
        async with subscribed(listening, tokens["decider"], NOTIFICATIONS) as notifications:
            await argue(writing, tokens["author"], seeded["proposal"], "From the other process.")
            told = await next_message(notifications)
            # Once, although this process's own poller and hub both could have sent it.
            await argue(listening, tokens["author"], seeded["proposal"], "From this one.")
            local = await next_message(notifications)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(notifications.recv(), timeout=2.5)

    bodies = [
        m["payload"]["data"]["notifications"]["event"]["payload"]["body"] for m in (told, local)
    ]
    assert bodies == ["From the other process.", "From this one."]


async def test_nobody_outside_the_audience_follows_a_proposal_live(
    postgres_env: dict[str, str],
) -> None:
    seeded = seed(postgres_env)
    tokens = seeded["tokens"]
    hidden = node_id("Proposal", seeded["proposal"])
    missing = node_id("Proposal", 10**9)
    with server(postgres_env) as base:
        answers = []
        for proposal in (hidden, missing):
            query = f'subscription {{ proposalEvents(proposal: "{proposal}") {{ type }} }}'
            async with subscribed(base, tokens["outsider"], query) as socket_:
                answers.append(await next_message(socket_))
        async with subscribed(base, tokens["outsider"], NOTIFICATIONS) as notifications:
            await argue(base, tokens["author"], seeded["proposal"], "Not for outsiders.")
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(notifications.recv(), timeout=3)

    # An execution error travels as a `next` message carrying errors and no data.
    assert [a["payload"]["data"] for a in answers] == [None, None]
    hidden_answer = json.dumps(answers[0]["payload"]).replace(hidden, "ID")
    missing_answer = json.dumps(answers[1]["payload"]).replace(missing, "ID")
    assert hidden_answer == missing_answer
    assert "No proposal" in hidden_answer


async def test_a_socket_without_a_valid_token_is_refused(postgres_env: dict[str, str]) -> None:
    with server(postgres_env) as base:
        url = base.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket_:  # type: ignore[list-item]
            await socket_.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})
            )
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket_.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def graphql(
    base: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> Any:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
    return response.json()["data"]


async def test_revoking_the_token_of_a_socket_ends_its_subscriptions(
    sqlite_env: tuple[dict[str, str], dict[str, Any]],
) -> None:
    env, seeded = sqlite_env
    tokens = seeded["tokens"]
    with server(env) as only:
        async with subscribed(only, tokens["decider"], NOTIFICATIONS) as notifications:
            await argue(only, tokens["author"], seeded["proposal"], "Before.")
            before = await next_message(notifications)
            [own] = (await graphql(only, tokens["decider"], "{ viewer { tokens { id } } }"))[
                "viewer"
            ]["tokens"]
            revoke = "mutation($t: ID!) { revokeToken(input: {token: $t}) { __typename } }"
            await graphql(only, tokens["decider"], revoke, {"t": own["id"]})
            await argue(only, tokens["author"], seeded["proposal"], "After.")
            after = await next_message(notifications)
            # Nor can the socket start anything new.
            await notifications.send(
                json.dumps({"id": "2", "type": "subscribe", "payload": {"query": NOTIFICATIONS}})
            )
            refused = await next_message(notifications)

    assert before["payload"]["data"]["notifications"]["event"]["payload"]["body"] == "Before."
    assert after == {"id": "1", "type": "complete"}  # nothing more reaches the socket
    assert refused["id"] == "2" and refused["payload"]["data"] is None
    assert "revoked or has expired" in refused["payload"]["errors"][0]["message"]
