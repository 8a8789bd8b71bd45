"""What ``Idempotency-Key`` costs a mutation, and what a replay costs, through the whole app.

    python bench/idempotency.py [--runs 200]       # SQLite in a temporary folder
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/idempotency.py

Drafts proposals over HTTP in process (``create_app``, httpx's ASGI transport): p50/p99 without a
key, with a new key each time (the request runs in the key's transaction and stores its answer),
and the replay of a stored answer (nothing runs again). Also ``/readyz`` and ``/metrics``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from scratch import percentile, print_rows, scratch_database

from actas.api import db
from actas.api.app import create_app
from actas.api.domain.vocabulary import TokenScope
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test factories build the world
from tests.factories import build_world

DRAFT = """mutation Draft($input: DraftProposalInput!) {
  draftProposal(input: $input) { ... on Proposal { id reference } ... on Error { message } }
}"""


async def timed(runs: int, call: Callable[[int], Awaitable[httpx.Response]]) -> list[float]:
    samples = []
    for number in range(runs):
        started = time.perf_counter()
        response = await call(number)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return samples


def figures(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.2f} ms, p99 {percentile(samples, 0.99):.2f} ms"


async def bench(settings: Settings, runs: int) -> None:
    await db.open_database(settings)
    try:
        world = await build_world()
        issued = await issue_token(world.id("mara"), scope=TokenScope.WRITE, days=1, label="bench")
        secret = issued.secret
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://actas") as client:
            from strawberry import relay

            organisation = str(relay.GlobalID("Organisation", str(world.organisation.id)))
            headers = {"Authorization": f"Bearer {secret}"}

            def draft(key: str | None, title: str) -> Awaitable[httpx.Response]:
                fields = {"organisation": organisation, "title": title, "summary": "S"}
                variables = {"input": fields}
                extra = {"Idempotency-Key": key} if key else {}
                return client.post(
                    "/graphql",
                    json={"query": DRAFT, "variables": variables},
                    headers={**headers, **extra},
                )

            plain = await timed(runs, lambda n: draft(None, f"plain {n}"))
            keyed = await timed(runs, lambda n: draft(uuid.uuid4().hex, f"keyed {n}"))
            await draft("replayed", "replayed")
            replayed = await timed(runs, lambda n: draft("replayed", "replayed"))
            ready = await timed(runs, lambda n: client.get("/readyz"))
            scraped = await timed(runs, lambda n: client.get("/metrics"))
    finally:
        await db.close_database()
    print_rows(
        [
            ("database", "PostgreSQL" if not settings.is_sqlite else "SQLite"),
            ("draftProposal, no key", figures(plain)),
            ("draftProposal, new key", figures(keyed)),
            ("draftProposal, replayed", figures(replayed)),
            ("/readyz", figures(ready)),
            ("/metrics", figures(scraped)),
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    async with scratch_database() as settings:
        await bench(settings, runs)


if __name__ == "__main__":
    asyncio.run(main())
