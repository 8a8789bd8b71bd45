"""What a query may cost, priced before it runs (GitHub's node model): each connection costs its
``first`` times what its enclosing connections may return. A query over ``max_cost`` nodes is
refused before any SQL runs; every answer reports its price in ``extensions``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager

from actas.api.settings import Settings
from actas.schema.context import Context
from actas.schema.http import ActasGraphQL
from actas.schema.loaders import Loaders
from actas.schema.root import build_schema
from tests.factories import build_world, opened
from tests.schema.client import Api, QueryLog, gid, token
from tests.schema.stories import reference, with_arguments

LIMITS = Settings()

PROPOSAL_PAGE = """query($r: String!) {
  proposal(reference: $r) {
    title state summary body version
    versions { number changeNote author { name } }
    participants { role user { name } }
    arguments(first: 100) { nodes { id parentId depth stance body author { name } } }
    positions { nodes { stance reason user { name } } }
    events(first: 100) { nodes { seq type actor { name } } }
  }
}"""


def nested_organisations(slug: str, aliases: int, first: str = "100") -> str:
    """The stalling query of issue 8: organisation → proposals → organisation → … three
    connections deep under ``aliases`` aliases, within the depth and alias limits."""
    level = f"proposals(first: {first}) {{ nodes {{ id }} }}"
    for _ in range(2):
        level = f"proposals(first: {first}) {{ nodes {{ organisation {{ {level} }} }} }}"
    fields = " ".join(f'a{i}: organisation(slug: "{slug}") {{ {level} }}' for i in range(aliases))
    variables = "($first: Int! = 100)" if first.startswith("$") else ""
    return f"query{variables} {{ {fields} }}"


async def test_the_proposal_page_runs_and_reports_its_cost_and_rate_limit(api: Api) -> None:
    world = await build_world()
    proposal = await with_arguments(world, 5)
    secret = await token(world, "ana")

    response = await api.post(PROPOSAL_PAGE, {"r": reference(world, proposal)}, token=secret)
    body = response.json()

    assert "errors" not in body, body
    assert len(body["data"]["proposal"]["arguments"]["nodes"]) == 5
    # arguments 100 + positions (default page 100) + events 100
    assert body["extensions"]["cost"] == {"requested": 300, "limit": LIMITS.max_cost}
    rate = body["extensions"]["rateLimit"]
    assert rate["limit"] == LIMITS.rate_limit
    assert rate["cost"] == 3
    assert rate["remaining"] == LIMITS.rate_limit - 3
    assert rate["resetAt"].endswith("+00:00")


async def test_nested_connections_multiply_and_the_stalling_query_is_refused_before_any_sql(
    api: Api,
) -> None:
    world = await build_world()
    await opened(world)
    secret = await token(world, "ana")
    slug = world.organisation.slug
    await api.run("{ __typename }", token=secret)  # the token's first use, to compare with

    with QueryLog.capture() as baseline:
        await api.run("{ __typename }", token=secret)
    with QueryLog.capture() as refused:
        response = await api.post(nested_organisations(slug, LIMITS.max_aliases), token=secret)
    body = response.json()

    per_alias = 100 + 100 * 100 + 100 * 100 * 100
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [
        f"This query may return up to {15 * per_alias} nodes; the limit is {LIMITS.max_cost}. "
        "Ask for smaller pages (`first`) or fewer nested connections."
    ]
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["extensions"]["cost"] == {"requested": 15 * per_alias, "limit": LIMITS.max_cost}
    assert "rateLimit" not in body["extensions"]  # a refused query spends nothing
    assert len(refused.statements) == len(baseline.statements)  # authentication only


async def test_the_cost_follows_variables_even_for_a_query_already_validated(api: Api) -> None:
    world = await build_world()
    await opened(world)
    secret = await token(world, "ana")
    query = nested_organisations(world.organisation.slug, 1, first="$first")

    small = await api.post(query, {"first": 5}, token=secret)
    large = await api.post(query, {"first": 100}, token=secret)
    default = await api.post(query, token=secret)

    assert "errors" not in small.json()
    assert small.json()["extensions"]["cost"]["requested"] == 5 + 25 + 125
    assert large.json()["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert default.json()["extensions"]["cost"]["requested"] == 100 + 100**2 + 100**3


async def test_fragments_cost_what_they_select_where_they_are_spread(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world)
    secret = await token(world, "ana")
    slug = world.organisation.slug
    spread = """query($slug: String!) {
      organisation(slug: $slug) { proposals(first: 10) { nodes { ...Debate } } }
    }
    fragment Debate on Proposal {
      arguments(first: 30) { nodes { id } }
      ... on Proposal { events(first: 2) { nodes { seq } } }
    }"""
    by_id = """query($ids: [ID!]!) {
      nodes(ids: $ids) { ... on Proposal { events { nodes { seq } } } }
    }"""

    spread_cost = (await api.post(spread, {"slug": slug}, token=secret)).json()["extensions"]
    ids_cost = (
        await api.post(by_id, {"ids": [gid("Proposal", proposal.id)] * 3}, token=secret)
    ).json()["extensions"]

    assert spread_cost["cost"]["requested"] == 10 + 10 * 30 + 10 * 2
    assert ids_cost["cost"]["requested"] == 3 + 3 * 100  # events default to pages of 100


async def test_a_list_that_takes_first_multiplies_what_its_items_select(api: Api) -> None:
    world = await build_world()
    await opened(world, title="Abrir los domingos")
    secret = await token(world, "ana")
    similar = """query($o: ID!) { similarProposals(organisation: $o, text: "domingos", first: 20) {
        proposal { arguments(first: 100) { nodes { id } } similar(first: 10) { sharedWords } }
    } }"""
    themes = """query($s: String!) { organisation(slug: $s) { themes(first: 10) {
        proposals(first: 50) { events(first: 100) { nodes { seq } } } } } }"""

    priced = (
        await api.post(similar, {"o": gid("Organisation", world.organisation.id)}, token=secret)
    ).json()["extensions"]["cost"]["requested"]
    themed = (await api.post(themes, {"s": world.organisation.slug}, token=secret)).json()

    assert priced == 20 + 20 * 100 + 20 * 10
    assert themed["extensions"]["cost"]["requested"] == 10 + 10 * 50 + 10 * 50 * 100
    assert themed["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


async def test_a_limit_set_lower_refuses_what_the_default_allows(database: Settings) -> None:
    world = await build_world()
    proposal = await with_arguments(world, 2)
    secret = await token(world, "ana")
    variables = {"r": reference(world, proposal)}

    async with api_with(Settings(database_url=database.database_url, max_cost=299)) as strict:
        refused = await strict.body(PROPOSAL_PAGE, variables, token=secret)

    assert refused["errors"][0]["message"].startswith(
        "This query may return up to 300 nodes; the limit is 299."
    )


async def test_an_over_long_search_text_or_cursor_is_bad_input_not_an_unexpected_error(
    api: Api,
) -> None:
    world = await build_world()
    await opened(world)
    secret = await token(world, "ana")
    search = "query($text: String!) { search(text: $text) { nodes { proposal { id } } } }"
    listing = (
        'query($after: String) { organisation(slug: "%s") '
        "{ proposals(after: $after) { nodes { id } } } }"
    )
    limit = LIMITS.max_argument_length

    at_limit = await api.run(search, {"text": "x" * limit}, token=secret)
    long_text = await api.body(search, {"text": "x" * 500_000}, token=secret)
    long_literal = await api.errors(
        '{ search(text: "%s") { nodes { proposal { id } } } }' % ("y" * (limit + 1)), token=secret
    )
    huge_cursor = await api.errors(
        listing % world.organisation.slug, {"after": "Yzox" * 10_000}, token=secret
    )

    assert at_limit["search"]["nodes"] == []
    assert long_text["data"] is None
    assert [e["message"] for e in long_text["errors"]] == [
        f"`text` of `search` is 500000 characters long; at most {limit} are allowed."
    ]
    assert long_text["errors"][0]["extensions"]["code"] == "BAD_ARGUMENT"
    assert long_literal == [
        f"`text` of `search` is {limit + 1} characters long; at most {limit} are allowed."
    ]
    assert huge_cursor == [
        f"`after` of `proposals` is 40000 characters long; at most {limit} are allowed."
    ]


@asynccontextmanager
async def api_with(settings: Settings) -> AsyncIterator[Api]:
    """An app of its own with other settings, on the session's database."""
    async with Api.on(ActasGraphQL(settings)) as client:
        yield Api(client)


async def test_an_expensive_subscription_is_refused_before_it_starts(database: Settings) -> None:
    world = await build_world()
    viewer = await world.viewer("ana")
    schema = build_schema(database)
    context = Context(viewer=viewer, loaders=Loaders(viewer), settings=database)
    expensive = """subscription { notifications { proposal { organisation {
      proposals(first: 100) { nodes { organisation {
        proposals(first: 100) { nodes { arguments(first: 100) { nodes { id } } } } } } }
    } } } }"""

    results = await schema.subscribe(expensive, context_value=context)
    assert isinstance(results, AsyncGenerator)
    first = await asyncio.wait_for(anext(results), timeout=10)  # not waiting for events
    await results.aclose()

    assert first.data is None
    assert [e.message for e in first.errors or []] == [
        "This query may return up to 1010100 nodes; the limit is 25000. Ask for smaller pages "
        "(`first`) or fewer nested connections."
    ]
