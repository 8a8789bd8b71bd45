"""Each token's budget of cost points per hour: every query spends max(1, nodes / 100) points;
one the budget cannot pay is refused with 429 and Retry-After and spends nothing. With Redis as
the storage, every server process spends from the same budget."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from actas.api.settings import Settings, SettingsError, load_settings
from actas.schema.http import ActasGraphQL
from tests.factories import build_world
from tests.live.test_live_updates import ACTAS, environment, run, seed, server
from tests.schema.client import GRAPHQL_RESPONSE, Api, token
from tests.schema.stories import reference, with_arguments

VIEWER = "{ viewer { user { name } } }"
PAGE = """query($r: String!) {
  proposal(reference: $r) {
    arguments(first: 100) { nodes { id } }
    events(first: 100) { nodes { seq } }
  }
}"""  # 200 nodes: 2 points


@asynccontextmanager
async def api_with(settings: Settings) -> AsyncIterator[Api]:
    async with Api.on(ActasGraphQL(settings)) as client:
        yield Api(client)


async def test_a_person_spends_their_points_and_is_refused_with_429_when_they_run_out(
    database: Settings,
) -> None:
    world = await build_world()
    proposal = await with_arguments(world, 2)
    ana, teo = await token(world, "ana"), await token(world, "teo")
    page = {"r": reference(world, proposal)}

    async with api_with(replace(database, rate_limit=5)) as api:
        spent = [await api.post(PAGE, page, token=ana) for _ in range(2)]
        refused = await api.post(PAGE, page, token=ana)
        last_point = await api.post(VIEWER, token=ana)
        empty = await api.post(VIEWER, token=ana, accept=GRAPHQL_RESPONSE)
        # A new token is no way round it: the budget is the person's, not the token's.
        fresh = await token(world, "ana")
        new_token = await api.post(VIEWER, token=fresh)
        other_token = await api.post(VIEWER, token=teo)

    assert [r.status_code for r in spent] == [200, 200]
    assert [r.json()["extensions"]["rateLimit"]["remaining"] for r in spent] == [3, 1]
    assert refused.status_code == 429
    body = refused.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["message"].startswith(
        "This query costs 2 points and you have 1 of 5 left this hour, across all your tokens;"
    )
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert error["extensions"]["retryAfter"] == retry_after
    assert body["extensions"]["rateLimit"]["remaining"] == 1  # the refused query spent nothing
    assert last_point.status_code == 200
    assert last_point.json()["extensions"]["rateLimit"]["remaining"] == 0
    assert empty.status_code == 429
    assert empty.headers["content-type"] == GRAPHQL_RESPONSE
    assert new_token.status_code == 429
    assert other_token.status_code == 200
    assert other_token.json()["extensions"]["rateLimit"]["remaining"] == 4


def spend_alternately(bases: list[str], secret: str, times: int) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(timeout=10) as client:
        return [
            client.post(f"{bases[i % 2]}/graphql", json={"query": VIEWER}, headers=headers)
            for i in range(times)
        ]


def two_servers(env: dict[str, str]) -> tuple[ExitStack, list[str]]:
    stack = ExitStack()
    return stack, [stack.enter_context(server(env)) for _ in range(2)]


def remaining(response: httpx.Response) -> Any:
    return response.json()["extensions"]["rateLimit"]["remaining"]


def test_two_server_processes_spend_one_budget_through_redis(tmp_path: Path) -> None:
    env = environment(f"sqlite://{tmp_path / 'budget.sqlite3'}")
    run(env, [*ACTAS, "db", "migrate"])
    tokens = seed(env)["tokens"]
    shared = {**env, "ACTAS_RATE_LIMIT": "6", "ACTAS_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379"}
    apart = {**env, "ACTAS_RATE_LIMIT": "6", "ACTAS_RATE_LIMIT_STORAGE": "memory://"}

    stack, bases = two_servers(shared)
    with stack:
        through_redis = spend_alternately(bases, tokens["author"], 8)
    stack, bases = two_servers(apart)
    with stack:
        in_memory = spend_alternately(bases, tokens["decider"], 8)

    assert [r.status_code for r in through_redis] == [200] * 6 + [429, 429]
    assert [remaining(r) for r in through_redis[:6]] == [5, 4, 3, 2, 1, 0]
    assert 3600 - 60 < int(through_redis[6].headers["Retry-After"]) <= 3600  # a fresh window
    # Each process on its own would have let a token spend twice its budget:
    assert [r.status_code for r in in_memory] == [200] * 8
    assert [remaining(r) for r in in_memory] == [5, 5, 4, 4, 3, 3, 2, 2]


def test_budgets_are_shared_through_redis_by_default_in_production_only() -> None:
    production = {"ACTAS_ENV": "production", "ACTAS_SECRET_KEY": "k" * 40}

    assert load_settings({}).rate_limit_storage == "memory://"
    assert load_settings(production).rate_limit_storage == "redis://127.0.0.1:6379"
    assert (
        load_settings({"ACTAS_RATE_LIMIT_STORAGE": "redis://cache:6380/2"}).rate_limit_storage
        == "redis://cache:6380/2"
    )
    with pytest.raises(SettingsError, match="ACTAS_RATE_LIMIT_STORAGE must start with memory://"):
        load_settings({"ACTAS_RATE_LIMIT_STORAGE": "mongodb://db"})


async def test_without_its_storage_the_api_serves_unmetered_and_says_so_in_the_log(
    database: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    unreachable = "redis://127.0.0.1:1"  # nothing listens on port 1

    async with api_with(replace(database, rate_limit_storage=unreachable)) as api:
        with caplog.at_level(logging.WARNING, logger="actas.ratelimit"):
            response = await api.post(VIEWER, token=secret)

    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"user": {"name": "Ana"}}}
    assert "rateLimit" not in response.json()["extensions"]
    (warning,) = [r for r in caplog.records if r.name == "actas.ratelimit"]
    assert warning.getMessage().startswith(f"Rate limit storage {unreachable} unavailable:")
