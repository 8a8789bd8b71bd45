"""``Idempotency-Key`` on mutations: the same key gets the same answer and the change happens once,
even when the first answer was lost after the change committed, or the request failed midway.

Through the ASGI app over HTTP, on the test database (SQLite, or PostgreSQL with
``ACTAS_DATABASE_URL``). Faults are injected where they happen in production: the viewer re-read
after the change fails (a database restart mid-request), the client is gone when the answer is
sent.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from actas.api import clock
from actas.api.domain.vocabulary import TokenScope
from actas.api.models import IdempotencyKey, Proposal
from actas.api.services import access, idempotency
from actas.api.services.tokens import issue_token
from actas.schema.http import ActasGraphQL
from tests.factories import World, build_world, unique
from tests.schema.client import Api, gid, token

DRAFT = """mutation Draft($input: DraftProposalInput!) {
  draftProposal(input: $input) { ... on Proposal { id reference title } ... on Error { message } }
}"""


async def draft_request(
    api: Api, token: str, title: str, key: str | None, **extra: Any
) -> httpx.Response:
    return await api.client.post(
        "/graphql",
        json={"query": DRAFT, "variables": {"input": {**extra, "title": title, "summary": "S."}}},
        headers={"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})},
    )


async def drafted_with(world: World, title: str) -> int:
    return await Proposal.filter(organisation_id=world.organisation.id, title=title).count()


@pytest.fixture
async def world() -> World:
    return await build_world()


def organisation(world: World) -> dict[str, str]:
    return {"organisation": gid("Organisation", world.organisation.id)}


async def test_a_repeat_with_the_same_key_gets_the_stored_answer_and_changes_nothing(
    api: Api, world: World
) -> None:
    mara, key, title = await token(world, "mara"), unique("key"), unique("Bizum")
    first = await draft_request(api, mara, title, key, **organisation(world))
    again = await draft_request(api, mara, title, key, **organisation(world))

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await drafted_with(world, title) == 1


async def test_a_request_that_fails_after_the_change_rolls_back_whole_and_the_retry_runs_once(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mara, key, title = await token(world, "mara"), unique("key"), unique("Bizum")
    real_load_viewer = access.load_viewer

    async def database_restarting(*args: Any) -> Any:
        raise ConnectionResetError("connection was closed in the middle of operation")

    # The re-read of the viewer after the change (``refresh_viewer``) fails, as it did when
    # PostgreSQL restarted mid-request: without a key, the change stays and the answer is an error.
    monkeypatch.setattr(access, "load_viewer", database_restarting)
    failed = await draft_request(api, mara, title, key, **organisation(world))
    assert failed.status_code == 200 and failed.json()["errors"]
    assert await drafted_with(world, title) == 0  # nothing committed: neither change nor key
    assert not await IdempotencyKey.filter(key=key).exists()

    monkeypatch.setattr(access, "load_viewer", real_load_viewer)
    retried = await draft_request(api, mara, title, key, **organisation(world))
    assert retried.json()["data"]["draftProposal"]["title"] == title
    assert "Idempotent-Replayed" not in retried.headers  # it ran, this time completely
    assert await drafted_with(world, title) == 1


async def test_an_answer_lost_after_the_commit_is_given_again_to_the_retry(
    development_app: ActasGraphQL, api: Api, world: World
) -> None:
    mara, key, title = await token(world, "mara"), unique("key"), unique("Bizum")

    async def client_gone(scope: Scope, receive: Receive, send: Send) -> None:
        async def lost(message: Message) -> None:
            raise ConnectionResetError("the client went away before the answer")

        await development_app(scope, receive, lost)

    async with Api.on(client_gone) as lossy:
        with pytest.raises(ConnectionResetError):
            await draft_request(Api(lossy), mara, title, key, **organisation(world))
    assert await drafted_with(world, title) == 1  # committed, answer never received

    retried = await draft_request(api, mara, title, key, **organisation(world))
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["data"]["draftProposal"]["title"] == title
    assert await drafted_with(world, title) == 1


async def test_the_same_key_with_a_different_request_is_refused_and_runs_nothing(
    api: Api, world: World
) -> None:
    mara, key = await token(world, "mara"), unique("key")
    first, other = unique("First"), unique("Other")
    await draft_request(api, mara, first, key, **organisation(world))
    refused = await draft_request(api, mara, other, key, **organisation(world))

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await drafted_with(world, other) == 0


async def test_keys_belong_to_their_user_and_expire_after_a_day(api: Api, world: World) -> None:
    mara = (await issue_token(world.id("mara"), scope=TokenScope.WRITE, days=3, label="t")).secret
    ana, key = await token(world, "ana"), unique("key")
    title = unique("Shared key")
    await draft_request(api, mara, title, key, **organisation(world))
    theirs = await draft_request(api, ana, title, key, **organisation(world))
    assert "Idempotent-Replayed" not in theirs.headers  # Ana's key is her own
    assert await drafted_with(world, title) == 2

    later = clock.now() + idempotency.KEY_LIFETIME + timedelta(minutes=1)
    with clock.frozen_at(later):
        expired = await draft_request(api, mara, title, key, **organisation(world))
    assert "Idempotent-Replayed" not in expired.headers
    assert await drafted_with(world, title) == 3

    with clock.frozen_at(later):  # the worker forgets expired keys each round
        assert await idempotency.purge_expired() >= 1
    assert not await IdempotencyKey.filter(user_id=world.id("ana"), key=key).exists()
    assert await IdempotencyKey.filter(user_id=world.id("mara"), key=key).exists()  # renewed


async def test_concurrent_requests_with_one_key_run_once_and_get_one_answer(
    api: Api, world: World
) -> None:
    mara, key, title = await token(world, "mara"), unique("key"), unique("Twice at once")
    answers = await asyncio.gather(
        *(draft_request(api, mara, title, key, **organisation(world)) for _ in range(3))
    )
    assert len({a.content for a in answers}) == 1
    assert sum("Idempotent-Replayed" in a.headers for a in answers) == 2
    assert await drafted_with(world, title) == 1


async def test_queries_and_bad_keys(api: Api, world: World) -> None:
    mara = await token(world, "mara")
    query = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { user { name } } }"},
        headers={"Authorization": f"Bearer {mara}", "Idempotency-Key": unique("query")},
    )
    assert query.status_code == 200 and "Idempotent-Replayed" not in query.headers
    assert not await IdempotencyKey.filter(user_id=world.id("mara")).exists()

    title = unique("Bad key")
    bad = await draft_request(api, mara, title, "not a key", **organisation(world))
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()["errors"][0]["message"]
    assert await drafted_with(world, title) == 0
