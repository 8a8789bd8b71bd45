"""The limits that protect the API, each tried at its edge and just over it: query depth,
aliases, tokens, page sizes, cursors, ids per ``nodes`` call and the number of errors returned.
The limits are those of ``api/settings.py`` (depth 10, 15 aliases, 2000 tokens, pages of 1 to
100, 10 errors)."""

from __future__ import annotations

import asyncio
import base64
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import asyncpg
import orjson
import pytest
from graphql.language import Lexer, Source, TokenKind
from starlette.types import Message
from tortoise.backends.base.config_generator import expand_db_url

from actas.api.db import connection, postgres_connection_args
from actas.api.models import Position
from actas.api.settings import Settings
from actas.schema.http import ActasGraphQL
from tests.factories import build_world, opened
from tests.schema.client import Api, QueryLog, gid, token
from tests.schema.stories import reference, with_arguments

LIMITS = Settings()


def nested(depth: int) -> str:
    """A valid query whose deepest field is at ``depth`` as the limiter counts it (the root field
    is at depth 0): the viewer's organisations' units, then their parents again and again."""
    inner = "id"
    for _ in range(depth - 3):
        inner = f"parent {{ {inner} }}"
    return f"query Deep {{ viewer {{ organisations {{ units {{ {inner} }} }} }} }}"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(count)) + " }"


def token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


def with_tokens(total: int, slug: str) -> str:
    """A valid query of exactly ``total`` tokens: the padding is a long list of states."""

    def query(states: int) -> str:
        return (
            f'{{ organisation(slug: "{slug}") {{ proposals(states: [{" OPEN" * states} ]) '
            "{ nodes { id } } } }"
        )

    padded = query(total - token_count(query(0)))
    assert token_count(padded) == total
    return padded


async def test_a_query_ten_levels_deep_runs_and_eleven_is_refused(api: Api) -> None:
    world = await build_world()
    secret = await token(world, "ana")

    ten = await api.run(nested(LIMITS.max_depth), token=secret)
    eleven = await api.errors(nested(LIMITS.max_depth + 1), token=secret)

    assert len(ten["viewer"]["organisations"][0]["units"]) == len(world.units)
    assert eleven == ["'Deep' exceeds maximum operation depth of 10"]


async def test_fifteen_aliases_run_and_sixteen_are_refused(api: Api) -> None:
    world = await build_world()
    secret = await token(world, "ana")

    fifteen = await api.run(aliased(LIMITS.max_aliases), token=secret)
    sixteen = await api.errors(aliased(LIMITS.max_aliases + 1), token=secret)

    assert len(fifteen) == 15
    assert sixteen == ["16 aliases found. Allowed: 15"]


async def test_a_query_of_2000_tokens_runs_and_one_more_token_is_refused(api: Api) -> None:
    world = await build_world()
    await opened(world)
    secret = await token(world, "ana")

    at_limit = await api.run(with_tokens(LIMITS.max_tokens, world.organisation.slug), token=secret)
    over = await api.errors(
        with_tokens(LIMITS.max_tokens + 1, world.organisation.slug), token=secret
    )

    assert len(at_limit["organisation"]["proposals"]["nodes"]) == 1
    assert over == ["Syntax Error: Document contains more than 2000 tokens. Parsing aborted."]


PROPOSALS = """query($slug: String!, $first: Int!, $after: String) {
  organisation(slug: $slug) { proposals(first: $first, after: $after) { nodes { id } } }
}"""
ARGUMENTS = """query($r: String!, $first: Int!, $after: String) {
  proposal(reference: $r) {
    arguments(first: $first, after: $after) { pageInfo { endCursor } nodes { id } }
  }
}"""


async def test_a_page_holds_1_to_100_items(api: Api) -> None:
    world = await build_world()
    busy = await with_arguments(world, 101, decided=False)
    secret = await token(world, "ana")
    slug, ref = world.organisation.slug, reference(world, busy)

    hundred = await api.run(ARGUMENTS, {"r": ref, "first": 100}, token=secret)
    zero = await api.body(ARGUMENTS, {"r": ref, "first": 0}, token=secret)
    too_many = await api.body(ARGUMENTS, {"r": ref, "first": 101}, token=secret)
    listed = await api.run(PROPOSALS, {"slug": slug, "first": 100}, token=secret)
    zero_proposals = await api.body(PROPOSALS, {"slug": slug, "first": 0}, token=secret)
    many_proposals = await api.body(PROPOSALS, {"slug": slug, "first": 101}, token=secret)
    many_members = await api.errors(
        "query($slug: String!) { organisation(slug: $slug) { members(first: 101) { nodes { id } } "
        "} }",
        {"slug": slug},
        token=secret,
    )
    many_hits = await api.errors(
        '{ search(text: "x", first: 101) { nodes { proposal { id } } } }', token=secret
    )

    assert len(hundred["proposal"]["arguments"]["nodes"]) == 100
    assert len(listed["organisation"]["proposals"]["nodes"]) == 1
    for refused, got in [
        (zero, 0),
        (too_many, 101),
        (zero_proposals, 0),
        (many_proposals, 101),
    ]:
        assert [e["message"] for e in refused["errors"]] == [
            f"`first` must be between 1 and 100, got {got}."
        ]
    assert zero["data"] == too_many["data"] == {"proposal": None}
    assert zero_proposals["data"] == many_proposals["data"] == {"organisation": None}
    assert many_members == many_hits == ["`first` must be between 1 and 100, got 101."]


async def test_a_cursor_the_api_did_not_give_out_is_refused(api: Api) -> None:
    world = await build_world()
    debated = await with_arguments(world, 3, decided=False)
    other = await with_arguments(world, 3, decided=False)
    secret = await token(world, "ana")
    slug = world.organisation.slug
    foreign = (await api.run(ARGUMENTS, {"r": reference(world, other), "first": 1}, token=secret))[
        "proposal"
    ]["arguments"]["pageInfo"]["endCursor"]

    garbage = await api.errors(
        PROPOSALS, {"slug": slug, "first": 1, "after": "not a cursor"}, token=secret
    )
    forged = await api.errors(PROPOSALS, {"slug": slug, "first": 1, "after": "Yzp4"}, token=secret)
    elsewhere = await api.errors(
        ARGUMENTS, {"r": reference(world, debated), "first": 1, "after": foreign}, token=secret
    )

    assert garbage == ["'not a cursor' is not a cursor this API gave out."]
    assert forged == ["'Yzp4' is not a cursor this API gave out."]  # base64 of "c:x"
    assert elsewhere == ["That cursor does not belong to this list."]


async def test_nodes_takes_at_most_100_ids(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world)
    secret = await token(world, "ana")
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"

    hundred = await api.run(query, {"ids": [gid("Proposal", proposal.id)] * 100}, token=secret)
    too_many = await api.body(query, {"ids": [gid("Proposal", proposal.id)] * 101}, token=secret)

    assert hundred["nodes"] == [{"id": gid("Proposal", proposal.id)}] * 100
    assert too_many["data"] is None
    assert [e["message"] for e in too_many["errors"]] == ["At most 100 ids at a time."]


async def test_a_flood_of_unknown_directives_or_fields_gets_at_most_ten_errors(api: Api) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    directives = "{ viewer " + " ".join(f"@d{i}" for i in range(60)) + " { user { id } } }"
    fields = "{ viewer { user { " + " ".join(f"f{i}" for i in range(60)) + " } } }"

    by_directive = await api.errors(directives, token=secret)
    by_field = await api.errors(fields, token=secret)

    assert by_directive == [f"Unknown directive '@d{i}'." for i in range(LIMITS.max_errors)]
    assert len(by_field) == LIMITS.max_errors
    assert all(message.startswith("Cannot query field 'f") for message in by_field)


def forged_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


async def test_an_id_or_cursor_no_database_could_hold_is_bad_input_not_an_unexpected_error(
    api: Api,
) -> None:
    world = await build_world()
    proposal = await opened(world)
    secret = await token(world, "ana")
    huge = "9" * 30
    node = "query($id: ID!) { node(id: $id) { id } }"
    open_it = (
        "mutation($p: ID!) { openProposal(input: {proposal: $p}) { ... on Error { message } } }"
    )
    after = base64.urlsafe_b64encode(f"c:{huge}".encode()).decode()

    by_huge_key = await api.errors(node, {"id": forged_id("Proposal", huge)}, token=secret)
    by_garbage = await api.errors(node, {"id": "garbage"}, token=secret)
    by_other_digits = await api.run(node, {"id": forged_id("Proposal", "\u0661")}, token=secret)
    in_a_list = await api.errors(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid("Proposal", proposal.id), forged_id("Proposal", huge)]},
        token=secret,
    )
    mutation = await api.mutate(open_it, {"p": forged_id("Proposal", huge)}, token=secret)
    cursor = await api.errors(
        PROPOSALS, {"slug": world.organisation.slug, "first": 1, "after": after}, token=secret
    )
    reference = await api.run(f'{{ proposal(reference: "ORG-{huge}") {{ id }} }}', token=secret)

    assert by_huge_key == [
        f"`id` of `node` is not an id this API gave out: {forged_id('Proposal', huge)[:40]!r}."
    ]
    assert by_garbage == ["`id` of `node` is not an id this API gave out: 'garbage'."]
    assert by_other_digits == {"node": None}
    assert in_a_list == [
        f"`ids` of `nodes` is not an id this API gave out: {forged_id('Proposal', huge)[:40]!r}."
    ]
    assert mutation == {"message": f"No proposal {forged_id('Proposal', huge)} found."}
    assert cursor == [f"{after!r} is not a cursor this API gave out."]
    assert reference == {"proposal": None}


TAKE_POSITION = """mutation($p: ID!) {
  takePosition(input: {proposal: $p, stance: AGREE}) { ... on Position { stance } }
}"""


@asynccontextmanager
async def write_lock_held(settings: Settings, organisation_id: int) -> AsyncIterator[None]:
    """Another connection holds what a write to the organisation waits for: SQLite's write lock,
    or the organisation's row on PostgreSQL."""
    if settings.is_sqlite:
        path = expand_db_url(settings.database_url)["credentials"]["file_path"]
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    connection = await asyncpg.connect(**postgres_connection_args(settings.database_url))
    transaction = connection.transaction()
    await transaction.start()
    await connection.execute(
        "SELECT id FROM organisation WHERE id = $1 FOR UPDATE", organisation_id
    )
    try:
        yield
    finally:
        await transaction.rollback()
        await connection.close()


async def write_lock_free(settings: Settings, organisation_id: int) -> bool:
    """Whether another connection can take that lock now (waiting a little on SQLite, for a
    rollback still queued behind the stopped request's BEGIN)."""
    if settings.is_sqlite:
        path = expand_db_url(settings.database_url)["credentials"]["file_path"]
        other = sqlite3.connect(path, isolation_level=None, timeout=2)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
    connection = await asyncpg.connect(**postgres_connection_args(settings.database_url))
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT id FROM organisation WHERE id = $1 FOR UPDATE NOWAIT", organisation_id
            )
        return True
    except asyncpg.LockNotAvailableError:
        return False
    finally:
        await connection.close()


@asynccontextmanager
async def api_with(settings: Settings) -> AsyncIterator[Api]:
    async with Api.on(ActasGraphQL(settings)) as client:
        yield Api(client)


async def test_an_operation_past_the_time_limit_is_stopped_and_its_connection_serves_the_next(
    database: Settings,
) -> None:
    world = await build_world()
    proposal = await opened(world)
    secret = await token(world, "ana")
    variables = {"p": gid("Proposal", proposal.id)}

    async with api_with(replace(database, time_limit=0.5)) as limited:
        async with write_lock_held(database, world.organisation.id):
            started = time.monotonic()
            with QueryLog.capture() as log:
                cut = await limited.body(TAKE_POSITION, variables, token=secret)
                statements_when_cut = len(log.statements)
                await asyncio.sleep(0.3)
            waited = time.monotonic() - started
        free = await write_lock_free(database, world.organisation.id)
        after = await limited.mutate(TAKE_POSITION, variables, token=secret)

    assert cut == {
        "data": None,
        "errors": [
            {
                "message": "The query took longer than 0.5 s and was stopped; ask for less.",
                "extensions": {"code": "TIME_LIMIT"},
            }
        ],
    }
    assert 0.5 <= waited < 3
    assert len(log.statements) == statements_when_cut  # nothing went on after the answer
    assert free  # the stopped write holds nothing another process would wait for
    assert after == {"stance": "AGREE"}
    assert await Position.filter(proposal_id=proposal.id).count() == 1
    if not database.is_sqlite:
        pool = connection()._pool  # type: ignore[attr-defined]
        assert pool.get_idle_size() == pool.get_size()


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(
    database: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    limit = 10_000

    def body(size: int) -> bytes:
        """A valid request of exactly ``size`` bytes: the query padded with spaces."""
        empty = orjson.dumps({"query": "{ __typename }"})
        return orjson.dumps({"query": "{ __typename }" + " " * (size - len(empty))})

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(limit // 1000 + 1):
            yield b" " * 1000

    async with api_with(replace(database, max_body_bytes=limit)) as limited:
        at_limit = await limited.client.post("/graphql", content=body(limit), headers=headers)
        over = await limited.client.post("/graphql", content=body(limit + 1), headers=headers)
        with caplog.at_level(logging.INFO):
            streamed = await limited.client.post("/graphql", content=chunked(), headers=headers)

    assert at_limit.status_code == 200
    assert at_limit.json()["data"] == {"__typename": "Query"}
    for refused in (over, streamed):
        assert refused.status_code == 413
        assert refused.json() == {
            "errors": [{"message": f"The request body is over the limit of {limit} bytes."}]
        }
    assert not [r for r in caplog.records if r.name.startswith(("strawberry", "actas.graphql"))]


async def test_a_client_that_leaves_before_its_body_is_sent_is_not_an_error(
    development_app: ActasGraphQL, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"authorization", f"Bearer {secret}".encode())],
        "query_string": b"",
    }
    sent: list[Message] = []

    async def leaving() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    with caplog.at_level(logging.DEBUG, logger="actas"):
        await development_app(scope, leaving, send)

    assert sent == []  # nobody to answer
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "actas.http"] == [
        ("INFO", "Client disconnected before sending its whole request")
    ]


async def test_a_request_with_ten_bad_fields_logs_ten_lines_and_no_traceback(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    slug = world.organisation.slug
    bad_pages = " ".join(
        f'p{i}: organisation(slug: "{slug}") {{ members(first: 0) {{ nodes {{ id }} }} }}'
        for i in range(10)
    )

    with caplog.at_level(logging.DEBUG, logger="strawberry"):
        refused = await api.errors(f"{{ {bad_pages} }}", token=secret)
        unknown = await api.errors("{ viewer { nope } }", token=secret)

    logged = [r for r in caplog.records if r.name.startswith("strawberry")]
    assert refused == ["`first` must be between 1 and 100, got 0."] * 10
    assert unknown == ["Cannot query field 'nope' on type 'Viewer'."]
    assert [r.levelname for r in logged] == ["INFO"] * 11
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in logged)
    assert logged[0].getMessage() == (
        "GraphQL error for the client: `first` must be between 1 and 100, got 0."
    )
