"""Benchmark of the GraphQL API on a proposal page: 200 threaded arguments, 50 positions.

    python bench/api.py [--runs 200]            # SQLite in a temporary folder
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/api.py
                                                # PostgreSQL (a scratch database, dropped after)

Prints SQL queries per page, in-process p50/p99 of the page query (schema execution with fresh
DataLoaders, as in a request), the same query executed by strawberry over the same data already
in memory (every DataLoader primed: no storage at all), their ratio (the cost of storage and
loaders), the page through the whole HTTP stack in process, and p50/p99 of a small query.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from scratch import percentile, print_rows, scratch_database

from actas.api import db
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, Role, Stance
from actas.api.services import debate, organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.tokens import issue_token
from actas.api.services.users import find_or_create_user
from actas.api.settings import Settings
from actas.schema.context import Context
from actas.schema.http import ActasGraphQL
from actas.schema.loaders import Loaders
from actas.schema.root import build_schema

ARGUMENTS, POSITIONS = 200, 50

ARGUMENT_FIELDS = "id parentId depth stance body createdAt proposalVersion author { id name }"
PAGE_QUERY = f"""
query Page($reference: String!, $after: String) {{
  proposal(reference: $reference) {{
    id reference title summary body version state deadline createdAt openedAt closedAt
    author {{ id name }}
    impact {{ metric baseline target by }}
    tally {{ verdict reason eligibleWeight participatedWeight quorumReached agreeShare
             weights {{ agree abstain disagree block }} }}
    decision {{ outcome statement decidedAt decidedBy {{ name }} }}
    versions {{ number title changeNote createdAt author {{ name }} }}
    page1: arguments(first: 100) {{
      pageInfo {{ endCursor hasNextPage }} nodes {{ {ARGUMENT_FIELDS} }}
    }}
    page2: arguments(first: 100, after: $after) {{ nodes {{ {ARGUMENT_FIELDS} }} }}
    positions(first: 100) {{ nodes {{ id stance reason updatedAt user {{ id name }} }} }}
  }}
}}
"""
SMALL_QUERY = "query Small($reference: String!) { proposal(reference: $reference) { title state } }"


class QueryCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends (it logs each one at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class RecordingLoaders(Loaders):
    """Loaders that remember every value they load, to prime a storage-free run later."""

    def loaded(self) -> dict[str, list[tuple[Any, Any]]]:
        return {
            name: list(loader.cache_map.cache_map.items())
            for name, loader in vars(self).items()
            if hasattr(loader, "cache_map")
        }


def primed_loaders(viewer: Any, recorded: dict[str, list[tuple[Any, Any]]]) -> Loaders:
    loaders = Loaders(viewer)
    for name, items in recorded.items():
        loader = getattr(loaders, name)
        for key, future in items:
            loader.prime(key, future.result())
    return loaders


async def seed() -> tuple[str, int]:
    """An organisation of 60 members and one decided proposal with the benchmark's debate."""
    admin = await find_or_create_user(f"admin-{uuid.uuid4().hex[:6]}@bench.example", name="Admin")
    admin_viewer = await load_viewer(admin.id)
    organisation = await organisations.create_organisation(
        admin_viewer, slug=f"bench{uuid.uuid4().hex[:6]}", name="Bench"
    )
    admin_viewer = await load_viewer(admin.id)
    members = []
    for n in range(POSITIONS + 10):
        membership = await organisations.add_member(
            admin_viewer,
            organisation.id,
            email=f"member{n}-{uuid.uuid4().hex[:6]}@bench.example",
            name=f"Member {n}",
            role=Role.MEMBER,
        )
        members.append(await load_viewer(membership.user_id))
    proposal = await proposals.draft_proposal(
        admin_viewer,
        organisation.id,
        proposals.ProposalDraft(
            title="Move the checkout to one page",
            summary="A/B test a one-page checkout against the current three steps.",
            body="We expect fewer abandoned carts. " * 20,
            participants={admin.id: ParticipantRole.DECIDER},
        ),
    )
    await proposals.open_proposal(admin_viewer, proposal.id)
    stances = list(Stance)
    thread: list[int] = []
    for n in range(ARGUMENTS):
        parent = None if n % 5 == 0 else thread[-1 - (n % 3) % len(thread)]
        argument = await debate.add_argument(
            members[n % len(members)],
            proposal.id,
            stance=stances[n % len(stances)],
            body=f"Argument {n}: " + "the data says otherwise, look at last season. " * 3,
            parent_id=parent,
        )
        thread.append(argument.id)
    for n in range(POSITIONS):
        await debate.take_position(
            members[n], proposal.id, stance=PositionStance.AGREE, reason=f"Reason {n}."
        )
    await proposals.decide_proposal(
        admin_viewer,
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="Everyone agreed; the test starts Monday.",
        cited_argument_ids=thread[:3],
    )
    return f"{organisation.slug.upper()}-{proposal.number}", admin.id


async def timed(run: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    # A long warm-up: PostgreSQL connections of the pool prepare their statements on first use.
    for _ in range(max(20, runs // 2)):
        await run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def timed_alternately(
    first: Callable[[], Awaitable[Any]], second: Callable[[], Awaitable[Any]], runs: int
) -> tuple[list[float], list[float]]:
    """Two runs timed in turn, so both meet the same machine (a ratio of two runs timed one
    after the other moved by ±0.05 with whatever else the machine did in between)."""
    for _ in range(max(20, runs // 2)):
        await first()
        await second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for run, kept in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            await run()
            kept.append((time.perf_counter() - start) * 1000)
    return samples


async def measure(settings: Settings, runs: int) -> list[tuple[str, str]]:
    reference, user_id = await seed()
    viewer = await load_viewer(user_id)
    schema = build_schema(settings)
    gc.collect()
    gc.freeze()  # as the app does once started (see api/app.py)

    def context(loaders: Loaders) -> Context:
        return Context(viewer=viewer, loaders=loaders, settings=settings)

    first_page = await schema.execute(
        PAGE_QUERY, variable_values={"reference": reference}, context_value=context(Loaders(viewer))
    )
    assert not first_page.errors, first_page.errors
    assert first_page.data is not None
    page1 = first_page.data["proposal"]["page1"]
    variables = {"reference": reference, "after": page1["pageInfo"]["endCursor"]}

    async def page(loaders: Loaders) -> Any:
        result = await schema.execute(
            PAGE_QUERY, variable_values=variables, context_value=context(loaders)
        )
        assert not result.errors, result.errors
        return result

    counter = QueryCounter()
    sql_log = logging.getLogger("tortoise.db_client")
    sql_log.setLevel(logging.DEBUG)
    sql_log.addHandler(counter)
    recording = RecordingLoaders(viewer)
    result = await page(recording)
    sql_log.removeHandler(counter)
    sql_log.setLevel(logging.WARNING)
    data = result.data["proposal"]
    arguments = len(data["page1"]["nodes"]) + len(data["page2"]["nodes"])
    assert arguments == ARGUMENTS and len(data["positions"]["nodes"]) == POSITIONS

    recorded = recording.loaded()
    full, bare = await timed_alternately(
        lambda: page(Loaders(viewer)), lambda: page(primed_loaders(viewer, recorded)), runs
    )
    small = await timed(
        lambda: schema.execute(
            SMALL_QUERY,
            variable_values={"reference": reference},
            context_value=context(Loaders(viewer)),
        ),
        runs,
    )
    token = (await issue_token(user_id, scope="read", days=1, label="bench")).secret  # type: ignore[arg-type]
    http = await http_samples(settings, token, variables, runs)
    ratio = statistics.median(full) / statistics.median(bare)
    return [
        ("database", settings.database_url.split("://")[0]),
        ("arguments / positions on the page", f"{arguments} / {POSITIONS}"),
        ("SQL queries for the page (target ≤ 4)", str(counter.count)),
        (
            "page query p50 / p99 (target p50 ≤ 35 ms)",
            f"{percentile(full, 0.5):.1f} / {percentile(full, 0.99):.1f} ms",
        ),
        (
            "bare strawberry, data in memory p50 / p99",
            f"{percentile(bare, 0.5):.1f} / {percentile(bare, 0.99):.1f} ms",
        ),
        ("ratio page / bare (target ≤ 1.3)", f"{ratio:.2f}"),
        (
            "page over HTTP in process p50 / p99",
            f"{percentile(http, 0.5):.1f} / {percentile(http, 0.99):.1f} ms",
        ),
        (
            "small query p50 / p99 (target p50 ≤ 3 ms)",
            f"{percentile(small, 0.5):.2f} / {percentile(small, 0.99):.2f} ms",
        ),
    ]


async def http_samples(
    settings: Settings, token: str, variables: dict[str, Any], runs: int
) -> list[float]:
    app = ActasGraphQL(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def request() -> None:
            response = await client.post(
                "/graphql",
                json={"query": PAGE_QUERY, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()

        return await timed(request, runs)


async def main(runs: int) -> None:
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            rows = await measure(settings, runs)
        finally:
            await db.close_database()
    print_rows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=200)
    asyncio.run(main(parser.parse_args().runs))
    sys.exit(0)
