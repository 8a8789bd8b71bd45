"""Benchmark of the text analytics (#13): ``python bench/analytics.py [N]`` (default 10,000).

    python bench/analytics.py 10000
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/analytics.py 10000

Seeds N closed decisions with 25 arguments each (the archive bench's generator), extracts every
proposal's keyphrases (``themes.reindex``, timed) and reports, for a member:
- ``organisation_themes`` (20 themes) the first time after a change (counted) and again (cached),
  whole and for one unit, with its p50 / p99 over repeats, each repeat after a new change;
- with the analytics extra: every proposal embedded (``embeddings.reindex``, timed) and
  ``similar_to`` by the embeddings engine, p50 / p99, the matrix read once, for drafts drawn from
  the corpus; and the first question after a new proposal (the matrix read again).
Targets: themes ≤ 2 s at 10,000; similar proposals p50 ≤ 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from scratch import percentile, print_rows, scratch_database
from similar_eval import PAIRS

from actas.api import db
from actas.api.models import Proposal, Unit
from actas.api.services import embeddings, organisations, similar, themes
from actas.api.services.access import load_viewer
from actas.api.services.search import ProposalFilter
from actas.api.services.similar import Engine, similar_to, similar_to_proposal
from archive import generate

REPEATS = 20
TARGET_THEMES, TARGET_SIMILAR = 2.0, 50.0


def p(samples: list[float], unit: str = "ms") -> str:
    return f"{percentile(samples, 0.5):.1f} / {percentile(samples, 0.99):.1f} {unit}"


async def changed(viewer_id: int, organisation_id: int, n: int) -> None:
    """A change of the organisation (a renamed unit), which the themes' cache must notice."""
    unit = await Unit.filter(organisation_id=organisation_id).first()
    assert unit is not None
    await organisations.update_unit(
        await load_viewer(viewer_id),
        unit.id,
        organisations.UnitChanges(name=f"Unidad renombrada {n}"),
    )


async def main(n: int) -> None:
    async with scratch_database() as settings:
        await db.open_database(settings)
        similar.use(Engine.FULLTEXT)  # seeded without vectors; embedded in bulk below
        try:
            organisation_id, admin = await generate(n)
            tick = time.perf_counter()
            extracted = await themes.reindex(organisation_id)
            extraction = time.perf_counter() - tick
            viewer = await load_viewer(admin)
            unit = await Unit.filter(organisation_id=organisation_id).first()
            assert unit is not None
            rows = [
                ("database", "PostgreSQL" if db.is_postgres() else "SQLite"),
                ("decisions / arguments", f"{n} / {n * 25}"),
                ("keyphrases extracted", f"{extracted} proposals in {extraction:.1f} s"),
            ]
            for label, wanted in (
                ("whole", ProposalFilter()),
                ("one unit", ProposalFilter(unit_id=unit.id)),
            ):
                counted, cached = [], []
                for repeat in range(REPEATS):
                    await changed(admin, organisation_id, repeat)
                    viewer = await load_viewer(admin)
                    for into in (counted, cached):
                        tick = time.perf_counter()
                        found = await themes.organisation_themes(
                            viewer, organisation_id, wanted, first=20
                        )
                        into.append(time.perf_counter() - tick)
                rows += [
                    (
                        f"themes, {label}: after a change (target ≤ {TARGET_THEMES:.0f} s)",
                        p(counted, "s"),
                    ),
                    (f"themes, {label}: cached", p([t * 1000 for t in cached])),
                    (
                        f"themes, {label}: first three",
                        ", ".join(f"{t.phrase} ({len(t.proposal_ids)})" for t in found[:3]),
                    ),
                ]
            print_rows(rows)  # before the embeddings, which take longest
            rows = []
            if embeddings.available():
                rows += await by_meaning(viewer, organisation_id)
            rows.append(
                ("load average (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            )
            print_rows(rows)
        finally:
            await db.close_database()


async def by_meaning(viewer: object, organisation_id: int) -> list[tuple[str, str]]:
    similar.use(Engine.EMBEDDINGS)
    tick = time.perf_counter()
    embedded = await embeddings.reindex(organisation_id)
    took = time.perf_counter() - tick
    corpus = await Proposal.filter(organisation_id=organisation_id).limit(REPEATS * 3)
    drafts = [f"{p.title}\n{p.summary}" for p in corpus]
    await similar_to(viewer, organisation_id, drafts[0], first=5)  # type: ignore[arg-type]
    samples = []
    for draft in drafts:
        tick = time.perf_counter()
        await similar_to(viewer, organisation_id, draft, first=5)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - tick) * 1000)
    stored = []
    for proposal in corpus:
        tick = time.perf_counter()
        await similar_to_proposal(viewer, proposal, first=5)  # type: ignore[arg-type]
        stored.append((time.perf_counter() - tick) * 1000)
    # The generator's words are a shuffled vocabulary; the labelled set's drafts are written
    # proposals, as an author's would be.
    written = [
        f"{pair['a']['title']}\n{pair['a']['summary']}"
        for pair in json.loads(PAIRS.read_text())["paraphrases"]
    ]
    real = []
    for draft in written:
        tick = time.perf_counter()
        await similar_to(viewer, organisation_id, draft, first=5)  # type: ignore[arg-type]
        real.append((time.perf_counter() - tick) * 1000)
    embed = []
    for draft in drafts:
        tick = time.perf_counter()
        embeddings.embed([draft])
        embed.append((time.perf_counter() - tick) * 1000)
    return [
        ("proposals embedded (actas db reindex)", f"{embedded} in {took:.0f} s"),
        (f"similarProposals(text) p50 / p99 (target p50 ≤ {TARGET_SIMILAR:.0f})", p(samples)),
        ("of which embedding the draft, p50 / p99", p(embed)),
        ("a draft's words, on average", words_of(drafts)),
        ("similarProposals(text), the labelled set's drafts, p50 / p99", p(real)),
        ("their words, on average", words_of(written)),
        ("Proposal.similar (its stored vector) p50 / p99", p(stored)),
    ]


def words_of(drafts: list[str]) -> str:
    heads = [d.split()[: embeddings.EMBEDDED_WORDS] for d in drafts]
    return f"{sum(len(h) for h in heads) / len(heads):.0f}"


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
