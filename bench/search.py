"""Benchmark of the full-text search (#13): ``python bench/search.py [N]`` (default 10,000).

    python bench/search.py 10000
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/search.py 10000

Seeds N closed decisions with 25 arguments each (the archive bench's generator, in bulk), builds
the index (``search_index.reindex``, timed), then reports, for a member of the organisation:
- search p50/p99 of ``search_proposals`` (20 hits, ranked, visibility applied) for a common word,
  a rare word and two words, against the substring search it replaced (``LIKE`` over title,
  summary, body and every argument, newest first), both measured in this run;
- the index's size;
- the write overhead per argument: ``debate.add_argument`` through the services with the index
  kept and without (its handler unregistered), alternating.
- similar proposals (``similar_to``, 5 of them, the full-text engine, whatever
  ``ACTAS_SIMILAR_ENGINE`` says; ``bench/analytics.py`` measures the embeddings) p50/p99 for the
  title and summary of proposals drawn from the corpus, as a draft's would be.
Targets: p50 ≤ 20 ms, p99 ≤ 100 ms, write overhead ≤ 2 ms, similar proposals p50 ≤ 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable

from scratch import percentile, print_rows, scratch_database
from tortoise.expressions import Q, Subquery

from actas.api import db
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import Stance
from actas.api.models import Argument, Proposal
from actas.api.services import debate, proposals, recording, search_index
from actas.api.services.access import load_viewer
from actas.api.services.search import ProposalFilter, search_proposals
from actas.api.services.similar import Engine, similar_to
from archive import WORDS, generate

REPEATS = 60
WRITES = 40  # arguments per round of the write overhead, 4 rounds each way
TARGET_P50, TARGET_P99, TARGET_WRITE, TARGET_SIMILAR = 20.0, 100.0, 2.0, 50.0


def like_search(viewer: Viewer, organisation_id: int, text: str) -> Awaitable[list[Proposal]]:
    """The search before the index: every word a substring of the title, summary, body or an
    argument, case-insensitive, newest first."""

    def word(w: str) -> Q:
        arguments = Argument.filter(body__icontains=w).values("proposal_id")
        return (
            Q(title__icontains=w)
            | Q(summary__icontains=w)
            | Q(body__icontains=w)
            | Q(id__in=Subquery(arguments))
        )

    query = visible_proposals(viewer, organisation_id).filter(
        Q(*(word(w) for w in text.split()), join_type="AND")
    )
    return query.order_by("-id").limit(20)


async def compare(
    viewer: Viewer, organisation_id: int, label: str, text: str
) -> list[tuple[str, str]]:
    """The ranked search against the substring search it replaced, for one text."""
    found = await search_proposals(viewer, organisation_id, text, ProposalFilter(), first=20)
    matched = await Proposal.filter(
        search_index.matching(found.query), organisation_id=organisation_id
    ).count()
    ranked = await timed(
        lambda: search_proposals(viewer, organisation_id, text, ProposalFilter(), first=20)
    )
    like = await timed(lambda: like_search(viewer, organisation_id, text))
    return [
        (f"{label} {text!r}: matches", f"{matched} proposals"),
        (f"  ranked search p50 / p99 (target ≤ {TARGET_P50:.0f} / {TARGET_P99:.0f})", p(ranked)),
        ("  LIKE (before) p50 / p99", p(like)),
    ]


async def timed(run: Callable[[], Awaitable[object]], repeats: int = REPEATS) -> list[float]:
    await run()  # warm: statements prepared, pages cached
    samples = []
    for _ in range(repeats):
        tick = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - tick) * 1000)
    return samples


def p(samples: list[float]) -> str:
    return f"{percentile(samples, 0.5):.1f} / {percentile(samples, 0.99):.1f} ms"


async def index_size() -> str:
    if db.is_postgres():
        rows = await db.connection().execute_query_dict(
            "SELECT pg_total_relation_size('proposal_fts') AS ranked, "
            "pg_total_relation_size('search_text') AS terms"
        )
    else:
        rows = await db.connection().execute_query_dict(
            "SELECT sum(CASE WHEN name LIKE 'proposal_fts%' THEN pgsize END) AS ranked, "
            "sum(CASE WHEN name LIKE '%search_text%' THEN pgsize END) AS terms FROM dbstat"
        )
    ranked, terms = rows[0]["ranked"], rows[0]["terms"]
    return f"{ranked / 2**20:.0f} MiB ranked index + {terms / 2**20:.0f} MiB of terms"


async def write_overhead(viewer: Viewer, organisation_id: int) -> tuple[float, float]:
    """Mean ms per ``add_argument`` with the index kept, and without it."""
    draft = await proposals.draft_proposal(
        viewer,
        organisation_id,
        proposals.ProposalDraft(title="Escribir", summary="Medir.", body="Argumentos."),
    )
    proposal = await proposals.open_proposal(viewer, draft.id)
    handlers = recording._in_transaction
    kept, without = [], []
    for round_ in range(8):
        keep = round_ % 2 == 0
        if not keep:
            handlers.remove(search_index.keep_index)
        try:
            tick = time.perf_counter()
            for n in range(WRITES):
                body = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(22)) + "."
                await debate.add_argument(viewer, proposal.id, stance=Stance.COMMENT, body=body)
            (kept if keep else without).append((time.perf_counter() - tick) * 1000 / WRITES)
        finally:
            if not keep:
                handlers.insert(0, search_index.keep_index)
    return sum(kept) / len(kept), sum(without) / len(without)


async def main(n: int) -> None:
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            tick = time.perf_counter()
            organisation_id, admin = await generate(n)
            generated = time.perf_counter() - tick
            tick = time.perf_counter()
            indexed = await search_index.reindex(organisation_id)
            build = time.perf_counter() - tick
            if db.is_postgres():
                # What autovacuum does to tables just written: the planner's statistics, and
                # the visibility map that lets an index answer without the table's rows.
                await db.connection().execute_script("VACUUM ANALYZE")
            viewer = await load_viewer(admin)
            queries = {
                "common word": WORDS[0],
                "rare word": WORDS[-1],
                "two words": f"{WORDS[3]} {WORDS[len(WORDS) // 2]}",
            }
            rows = [
                ("database", "PostgreSQL" if db.is_postgres() else "SQLite"),
                ("decisions / arguments", f"{n} / {n * 25} (generated in {generated:.0f} s)"),
                ("index built (actas db reindex)", f"{indexed} proposals in {build:.1f} s"),
                ("index size", await index_size()),
            ]
            for label, text in queries.items():
                rows += await compare(viewer, organisation_id, label, text)
            drafts = [
                f"{p.title}\n{p.summary}"
                for p in await Proposal.filter(organisation_id=organisation_id).limit(REPEATS)
            ]
            similar = await timed(
                lambda: similar_to(
                    viewer, organisation_id, drafts.pop(), first=5, engine=Engine.FULLTEXT
                ),
                repeats=len(drafts) - 1,
            )
            rows.append(
                (f"similar proposals p50 / p99 (target p50 ≤ {TARGET_SIMILAR:.0f})", p(similar))
            )
            kept, without = await write_overhead(viewer, organisation_id)
            rows += [
                ("add_argument with / without the index", f"{kept:.2f} / {without:.2f} ms"),
                (
                    f"write overhead per argument (target ≤ {TARGET_WRITE:.0f} ms)",
                    f"{kept - without:.2f} ms",
                ),
                ("load average (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
            ]
            print_rows(rows)
        finally:
            await db.close_database()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
