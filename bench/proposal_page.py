"""Benchmark of the proposal page ``/p/<REF>?k=<key>``: 200 threaded arguments, a dozen positions.

    python bench/proposal_page.py [--runs 300] [--profile]   # SQLite in a temporary folder
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/proposal_page.py

Seeds an open consent proposal through the services (200 arguments in threads up to 9 deep with
Markdown bodies, 12 positions) and opens it as a required participant's personal link through
the whole app in process (``create_app`` behind httpx's ASGI transport: routing, middleware,
the key, the loader, Jinja and the sanitiser; no socket). Prints the SQL statements one page
view sends (counted from Tortoise's statement log), p50/p99 of the page over N requests, the
same with the sanitiser's cache of rendered Markdown emptied before each view (the first view
after a start), and the warm page split into the loader (``proposal_page``) and the rendering of
what it loaded, so a missed target says where its time goes. Other work on the machine inflates
times (the load average is printed), not the query count. ``--profile`` adds the functions that
take the most time over the requests (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from scratch import percentile, print_rows, scratch_database
from starlette.requests import Request

from actas.api import clock, db
from actas.api.app import create_app
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, Role, RuleKind, Stance
from actas.api.pages.csrf import Csrf
from actas.api.pages.proposal import _render
from actas.api.pages.site import Site
from actas.api.services import debate, organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose
from actas.api.services.proposal_page import proposal_page
from actas.api.services.users import find_or_create_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' SQL statement log
from actas.api.settings import Settings, load_settings
from actas.archive.sanitise import markdown
from tests.schema.client import QueryLog

ARGUMENTS, POSITIONS = 200, 12
SECRET = "the benchmark's key for personal links, 32+ characters"
TARGET_QUERIES, TARGET_P50_MS = 6, 20.0
BODIES = (
    "The **conversion** data from last season say otherwise: see [the report](https://example.org/r).",
    "- fewer steps\n- fewer *abandoned* carts\n- but a riskier payment page\n\n> Are we sure?",
    "Two numbers:\n\n| week | rate |\n|---|---|\n| 1 | 2,1 % |\n| 2 | 2,4 % |\n",
    "We tried `one-page` in 2021; it failed because of the address form. " * 3,
    "# A heading in an argument\n\nAnd a paragraph with _emphasis_ and a footnote-like [1].",
)


async def seed() -> tuple[str, PersonalKey]:
    """An organisation of 20 members and an open proposal with the benchmark's debate; the key
    of a required participant."""
    admin = await find_or_create_user(f"admin-{uuid.uuid4().hex[:6]}@bench.example", name="Admin")
    admin_viewer = await load_viewer(admin.id)
    organisation = await organisations.create_organisation(
        admin_viewer,
        slug=f"page{uuid.uuid4().hex[:6]}",
        name="Bench",
        default_rule=RuleKind.CONSENT,
    )
    admin_viewer = await load_viewer(admin.id)
    members: list[Viewer] = []
    for n in range(20):
        membership = await organisations.add_member(
            admin_viewer,
            organisation.id,
            email=f"member{n}-{uuid.uuid4().hex[:6]}@bench.example",
            name=f"Member {n}",
            role=Role.MEMBER,
        )
        members.append(await load_viewer(membership.user_id))
    holder = members[0]
    proposal = await proposals.draft_proposal(
        admin_viewer,
        organisation.id,
        proposals.ProposalDraft(
            title="Move the checkout to one page",
            summary="A/B test a **one-page** checkout against the current three steps.",
            body="We expect fewer abandoned carts.\n\n" + "\n\n".join(BODIES),
            deadline=clock.now() + timedelta(days=7),
            participants={
                admin.id: ParticipantRole.DECIDER,
                holder.user_id: ParticipantRole.REQUIRED,
                members[1].user_id: ParticipantRole.CONSULTED,
                members[2].user_id: ParticipantRole.INFORMED,
            },
        ),
    )
    await proposals.open_proposal(admin_viewer, proposal.id)
    await _debate(members, proposal.id)
    return f"{organisation.slug.upper()}-{proposal.number}", PersonalKey(
        Purpose.PROPOSAL, holder.user_id, organisation.id, proposal.id
    )


async def _debate(members: list[Viewer], proposal_id: int) -> None:
    """200 arguments: a new thread every 8th, else a reply up to 9 deep; 12 positions."""
    stances = list(Stance)
    depth_of: dict[int, int] = {}
    thread: list[int] = []
    for n in range(ARGUMENTS):
        parent = None
        if n % 8:
            candidates = [a for a in thread[-6:] if depth_of[a] < 9]
            parent = candidates[n % len(candidates)] if candidates else None
        argument = await debate.add_argument(
            members[n % len(members)],
            proposal_id,
            stance=stances[n % len(stances)],
            body=f"Argument {n}. " + BODIES[n % len(BODIES)],
            parent_id=parent,
        )
        depth_of[argument.id] = 0 if parent is None else depth_of[parent] + 1
        thread.append(argument.id)
    said = [PositionStance.AGREE, PositionStance.ABSTAIN, PositionStance.DISAGREE]
    for n in range(POSITIONS):
        stance = said[n % len(said)]
        await debate.take_position(
            members[n + 3], proposal_id, stance=stance, reason=f"Reason {n}: *see* thread {n}."
        )


async def timed(run: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    for _ in range(max(20, runs // 5)):  # warm-up: templates compiled, caches filled
        await run()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def measure(settings: Settings, runs: int, profile: bool) -> list[tuple[str, str]]:
    reference, key = await seed()
    load_before = os.getloadavg()[0]
    links = PersonalLinks(SECRET)
    raw_key = links.key(key, generation=0)
    url = f"/p/{reference}?k={raw_key}"
    app = create_app(settings)
    gc.collect()
    gc.freeze()  # as the app's lifespan does once started
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def view() -> httpx.Response:
            response = await client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        first = await view()
        assert first.text.count('class="actas-argument ') == ARGUMENTS
        with QueryLog.capture() as counter:
            await view()
        whole = await timed(view, runs)

        async def cold_view() -> httpx.Response:
            markdown.cache_clear()  # as the first view of these texts after a start
            return await view()

        cold = await timed(cold_view, max(20, runs // 5))
        top = await _profiled(view, runs) if profile else ""

    holder = await links.holder(Purpose.PROPOSAL, raw_key)
    loaded = await timed(lambda: proposal_page(holder, reference), runs)
    shown = await proposal_page(holder, reference)
    rendering = await timed(_renderer(shown, raw_key, reference), runs)
    rows = [
        ("load average (1 min) before / after", f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"),
        ("database", settings.database_url.split("://")[0]),
        ("served by", "create_app over httpx.ASGITransport (in process)"),
        ("arguments / positions on the page", f"{ARGUMENTS} / {POSITIONS}"),
        ("page size", f"{len(first.content) / 1024:.0f} KiB"),
        (f"SQL queries per page view (target ≤ {TARGET_QUERIES})", str(len(counter.statements))),
        (f"page p50 / p99 (target p50 ≤ {TARGET_P50_MS:.0f} ms)", _p(whole)),
        ("page p50 / p99, Markdown cache cold", _p(cold)),
        ("  of which the loader (proposal_page) p50 / p99", _p(loaded)),
        ("  of which rendering (Jinja + Markdown) p50 / p99", _p(rendering)),
    ]
    missed = []
    if len(counter.statements) > TARGET_QUERIES:
        missed.append("queries")
    if percentile(whole, 0.5) > TARGET_P50_MS:
        missed.append("p50")
    rows.append(("targets missed", ", ".join(missed) or "none"))
    for n, statement in enumerate(counter.statements, 1):
        rows.append((f"  query {n}", statement[:110].replace("\n", " ")))
    if top:
        print(top)
    return rows


def _renderer(shown: Any, key: str, reference: str) -> Callable[[], Awaitable[Any]]:
    """The page rendered from what the loader returned: no key read, no query."""
    site = Site(PersonalLinks(SECRET), Csrf(SECRET), archive=None, link_template="")  # type: ignore[arg-type]
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/p/{reference}",
        "query_string": f"k={key}".encode(),
        "headers": [],
    }

    async def render() -> Any:
        return _render(site, Request(scope), shown, key)

    return render


async def _profiled(view: Callable[[], Awaitable[Any]], runs: int) -> str:
    """The functions that take the most time over ``runs`` page views (one thread: the
    profiler sees the whole request, the database driver's thread excepted)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        await view()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
    return stream.getvalue()


def _p(samples: list[float]) -> str:
    return f"{percentile(samples, 0.5):.1f} / {percentile(samples, 0.99):.1f} ms"


async def main(runs: int, profile: bool) -> None:
    async with scratch_database() as database:
        settings = load_settings(
            {"ACTAS_DATABASE_URL": database.database_url, "ACTAS_SECRET_KEY": SECRET}
        )
        await db.open_database(settings)
        try:
            rows = await measure(settings, runs, profile)
        finally:
            await db.close_database()
    print_rows(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.profile))
    sys.exit(0)
