"""Benchmark of query cost analysis and of the API's throughput beside a bare Starlette app.

    python bench/cost.py [--seconds 5] [--concurrency 8] [--storage memory://]   # SQLite
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/cost.py

Prints what the README's example queries and bench/api.py's proposal page cost (nodes), the time
cost analysis adds to the proposal page (``query_cost``: p50/p99 over 2,000 runs; target ≤ 0.5
ms), one budget spending on ``memory://`` and on Redis, then requests per second and p50 latency
of the small query and the proposal page through ``actas serve --workers 2`` in production mode
(budgets in Redis by default, as in production) and, in the same run, of a bare Starlette app
on ``uvicorn --workers 2`` answering the same bytes without GraphQL or a database: the price of
the whole stack. In process, it also times both queries through the HTTP app with and without
the ``QueryBudget`` extension (cost analysis, budget in memory, extensions in the answer), in
turn. The load generator shares the machine's two cores with the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import strawberry
from graphql import parse
from scratch import percentile, print_rows, scratch_database
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actas.api import db
from actas.api.domain.vocabulary import TokenScope
from actas.api.services.ratelimit import TokenBudgets
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings
from actas.schema.cost import query_cost
from actas.schema.http import ActasGraphQL
from actas.schema.limits import QueryBudget, extensions
from actas.schema.mutations import Mutation
from actas.schema.queries import Query
from actas.schema.root import NODE_TYPES, build_schema
from actas.schema.subscriptions import Subscription
from api import PAGE_QUERY, SMALL_QUERY, seed

BENCH = Path(__file__).resolve().parent
README_QUERIES = {
    "README: what is open": '{ organisation(slug: "brisa") { proposals(first: 10, states: [OPEN]) '
    "{ nodes { reference rule { kind } tally { verdict missingVoices { name } } } } } }",
    "README: why was BRISA-6 accepted": '{ proposal(reference: "BRISA-6") { title '
    "versions { number } arguments(first: 100) { nodes { id } } positions { nodes { stance } } "
    "events(first: 100) { nodes { seq } } } }",
    "README: search": '{ search(text: "extrapolable") { nodes { proposal { reference } } } }',
}


def analysis_rows(settings: Settings, reference: str) -> list[tuple[str, str]]:
    schema = build_schema(settings)._schema
    rows = []
    for label, query in {**README_QUERIES, "bench/api.py proposal page": PAGE_QUERY}.items():
        cost = query_cost(
            schema,
            parse(query),
            operation_name=None,
            variables={"reference": reference},
            max_argument_length=settings.max_argument_length,
        )
        assert cost is not None
        rows.append((f"{label}: nodes / points", f"{cost.nodes} / {cost.points}"))
    page = parse(PAGE_QUERY)
    samples = []
    for _ in range(2_000):
        started = time.perf_counter()
        query_cost(
            schema,
            page,
            operation_name=None,
            variables={"reference": reference},
            max_argument_length=settings.max_argument_length,
        )
        samples.append(time.perf_counter() - started)
    rows.append(("cost analysis of the page p50 / p99", _ms(samples)))
    return rows


async def spending_rows(settings: Settings) -> list[tuple[str, str]]:
    rows = []
    for storage in ("memory://", "redis://127.0.0.1:6379"):
        budgets = TokenBudgets(replace(settings, rate_limit=10**8, rate_limit_storage=storage))
        samples = []
        for _ in range(500):
            started = time.perf_counter()
            await budgets.spend(1, 3)
            samples.append(time.perf_counter() - started)
        rows.append((f"budget spend on {storage} p50 / p99", _ms(samples)))
    return rows


async def extension_rows(
    settings: Settings, token: str, reference: str, runs: int
) -> list[tuple[str, str]]:
    apps = {"with": ActasGraphQL(settings), "without": ActasGraphQL(settings)}
    # The same schema recipe as schema/root.py, less the one extension being timed.
    kept = [f for f in extensions(settings) if getattr(f, "func", None) is not QueryBudget]
    apps["without"].schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=kept,
    )
    rows = []
    for name, query in (("small", SMALL_QUERY), ("page", PAGE_QUERY)):
        body = {"query": query, "variables": {"reference": reference}}
        samples: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(runs):
            for label, app in apps.items():
                async with httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://bench"
                ) as client:
                    started = time.perf_counter()
                    response = await client.post(
                        "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                    )
                    samples[label].append(time.perf_counter() - started)
                    assert response.status_code == 200
        with_, without = (statistics.median(samples[k]) * 1000 for k in ("with", "without"))
        rows.append(
            (
                f"{name} in process, with / without QueryBudget p50",
                f"{with_:.2f} / {without:.2f} ms ({with_ - without:+.2f} ms)",
            )
        )
    return rows


def _ms(samples: list[float]) -> str:
    return f"{percentile(samples, 0.5) * 1000:.3f} / {percentile(samples, 0.99) * 1000:.3f} ms"


# The bare app: uvicorn imports it in each worker; it answers the bytes actas gave.
def _bare_answers() -> dict[str, bytes]:
    folder = Path(os.environ.get("BENCH_ANSWERS", "."))
    return {name: (folder / f"{name}.json").read_bytes() for name in ("small", "page")}


async def _bare_graphql(request: Request) -> Response:
    await request.body()
    answer = ANSWERS["page" if b"query Page" in await request.body() else "small"]
    return Response(answer, media_type="application/json")


async def _healthz(request: Request) -> Response:
    return Response("ok")


ANSWERS = _bare_answers() if "BENCH_ANSWERS" in os.environ else {}
bare_app = Starlette(
    routes=[Route("/graphql", _bare_graphql, methods=["POST"]), Route("/healthz", _healthz)]
)


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(process.stderr.read().decode() if process.stderr else "")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(f"{command[-5:]} did not stop within 60 s of SIGTERM: killed", file=sys.stderr)
            process.kill()
            process.wait()


async def throughput(
    base: str, body: dict[str, Any], token: str, seconds: float, concurrency: int
) -> tuple[float, float]:
    """Requests per second and p50 latency (ms) with ``concurrency`` clients for ``seconds``."""
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await client.post("/graphql", json=body, headers=headers)  # warm both workers' caches
        stop = time.monotonic() + seconds

        async def one_client() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await client.post("/graphql", json=body, headers=headers)
                assert response.status_code == 200, response.text[:200]
                latencies.append(time.perf_counter() - started)

        started = time.monotonic()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def served_rows(
    settings: Settings, token: str, reference: str, seconds: float, concurrency: int, storage: str
) -> list[tuple[str, str]]:
    bodies = {
        "small": {"query": SMALL_QUERY, "variables": {"reference": reference}},
        "page": {"query": PAGE_QUERY, "variables": {"reference": reference, "after": None}},
    }
    env = {
        **os.environ,
        "ACTAS_DATABASE_URL": settings.database_url,
        "ACTAS_ENV": "production",
        "ACTAS_RATE_LIMIT": str(10**8),
        "ACTAS_RATE_LIMIT_STORAGE": storage,
        "ACTAS_SECRET_KEY": secrets.token_urlsafe(32),
    }
    answers = Path(tempfile.mkdtemp())
    rows = []
    port = free_port()
    cli = "from actas.api.cli import main; main()"
    actas = [sys.executable, "-c", cli, "serve", "--port", str(port), "--workers", "2"]
    with serving(actas, env, port) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            for name, body in bodies.items():
                answer = await client.post(
                    "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                )
                assert "errors" not in answer.json(), answer.text[:300]
                (answers / f"{name}.json").write_bytes(answer.content)
        for name, body in bodies.items():
            rate, p50 = await throughput(base, body, token, seconds, concurrency)
            label = f"actas, 2 workers, budgets in {storage}: {name}"
            rows.append((label, f"{rate:,.0f} req/s, p50 {p50:.1f} ms"))
    port = free_port()
    bare = [
        sys.executable,
        "-m",
        "uvicorn",
        "cost:bare_app",
        "--app-dir",
        str(BENCH),
        "--workers",
        "2",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with serving(bare, {**env, "BENCH_ANSWERS": str(answers)}, port) as base:
        for name, body in bodies.items():
            rate, p50 = await throughput(base, body, token, seconds, concurrency)
            rows.append(
                (f"bare Starlette, 2 workers: {name}", f"{rate:,.0f} req/s, p50 {p50:.1f} ms")
            )
    return rows


async def main(seconds: float, concurrency: int, storage: str) -> None:
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            reference, admin_id = await seed()
            token = (
                await issue_token(admin_id, scope=TokenScope.READ, days=1, label="bench")
            ).secret
            rows = analysis_rows(settings, reference)
            rows += await spending_rows(settings)
            rows += await extension_rows(settings, token, reference, runs=100)
        finally:
            await db.close_database()
        rows += await served_rows(settings, token, reference, seconds, concurrency, storage)
    rows.append(("load average (1 min) after", f"{os.getloadavg()[0]:.1f}"))
    print_rows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--storage", default="redis://127.0.0.1:6379", help="budget storage")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.concurrency, arguments.storage))
