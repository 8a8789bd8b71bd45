"""Evaluation of "decided before?" (``similar_to``) on a labelled set.

    python bench/similar_eval.py
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/similar_eval.py

``similar_pairs.json`` holds pairs of proposals that mean the same (paraphrases in one language,
Spanish and English translations) and pairs that share key words but not meaning. One Spanish
organisation holds, through the services, every paraphrase's ``b`` and both sides of every false
friend. Each paraphrase's ``a`` is then asked as a draft would be (title and summary): precision@1
and @3 are how often its ``b`` comes first, or among the first three. For a false friend, asking
``a`` should not put ``b`` first: the share of false friends that do is reported too. Both
engines answer the same questions over the same proposals (the embeddings engine needs the
analytics extra); for it, the spread of closeness of each kind of pair is printed too, which is
what ``embeddings.CLOSE`` is calibrated on.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from scratch import print_rows, scratch_database

from actas.api import db
from actas.api.services import embeddings, organisations, proposals, similar
from actas.api.services.access import load_viewer
from actas.api.services.similar import Engine, similar_to
from actas.api.services.users import find_or_create_user

PAIRS = Path(__file__).with_name("similar_pairs.json")


def text(side: dict[str, str]) -> str:
    return f"{side['title']}\n{side['summary']}"


async def main() -> None:
    labelled = json.loads(PAIRS.read_text())
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            admin = await find_or_create_user(f"eval-{uuid.uuid4().hex[:6]}@x.example", name="A")
            viewer = await load_viewer(admin.id)
            org = await organisations.create_organisation(viewer, slug="evaluacion", name="Eval")
            viewer = await load_viewer(admin.id)
            ids: dict[str, int] = {}
            engines = [Engine.FULLTEXT]
            if embeddings.available():
                engines.append(Engine.EMBEDDINGS)
                similar.use(Engine.EMBEDDINGS)  # so that drafting stores each vector

            async def add(side: dict[str, str]) -> int:
                draft = await proposals.draft_proposal(
                    viewer,
                    org.id,
                    proposals.ProposalDraft(title=side["title"], summary=side["summary"], body=""),
                )
                ids[text(side)] = draft.id
                return draft.id

            for pair in labelled["paraphrases"]:
                await add(pair["b"])
            for pair in labelled["false_friends"]:
                await add(pair["a"])
                await add(pair["b"])
            results = {
                engine: await _evaluate(viewer, org.id, labelled, ids, engine) for engine in engines
            }
        finally:
            await db.close_database()
    rows: list[tuple[str, Any]] = [
        ("database", "PostgreSQL" if settings.database_url.startswith("postgres") else "SQLite"),
        ("corpus", f"{len(ids)} proposals"),
    ]
    friends = len(labelled["false_friends"])
    for engine, (hits, confused) in results.items():
        rows.append(("engine", engine.value))
        for kind, ranks in sorted(hits.items()):
            rows += _precision(kind, ranks)
        rows.append(
            ("false friends ranked first", f"{confused} of {friends} ({confused / friends:.0%})")
        )
    if embeddings.available():
        rows += _spread(labelled)
    print_rows(rows)


async def _evaluate(
    viewer: Any, organisation_id: int, labelled: Any, ids: dict[str, int], engine: Engine
) -> tuple[dict[str, list[int]], int]:
    hits: dict[str, list[int]] = defaultdict(list)  # kind: ranks (0 when not found)
    for pair in labelled["paraphrases"]:
        found = await similar_to(viewer, organisation_id, text(pair["a"]), first=3, engine=engine)
        ranked = [s.proposal.id for s in found]
        right = ids[text(pair["b"])]
        hits[pair["kind"]].append(ranked.index(right) + 1 if right in ranked else 0)
    confused = 0
    for pair in labelled["false_friends"]:
        own = ids[text(pair["a"])]
        found = await similar_to(
            viewer, organisation_id, text(pair["a"]), first=1, but=own, engine=engine
        )
        confused += bool(found) and found[0].proposal.id == ids[text(pair["b"])]
    return hits, confused


def _spread(labelled: Any) -> list[tuple[str, Any]]:
    """Closeness (cosine) of each kind of pair: min, median, max."""
    kinds: dict[str, list[float]] = defaultdict(list)
    pairs = [(p["kind"], p) for p in labelled["paraphrases"]]
    pairs += [("false friend", p) for p in labelled["false_friends"]]
    for kind, pair in pairs:
        a, b = embeddings.embed([text(pair["a"]), text(pair["b"])])
        kinds[kind].append(float(a @ b))
    return [
        (
            f"closeness of {kind}s",
            f"min {min(v):.3f}, median {sorted(v)[len(v) // 2]:.3f}, max {max(v):.3f}",
        )
        for kind, v in sorted(kinds.items())
    ] + [("closeness from which close", f"{embeddings.CLOSE}")]


def _precision(kind: str, ranks: list[int]) -> list[tuple[str, Any]]:
    n = len(ranks)
    at1 = sum(r == 1 for r in ranks)
    at3 = sum(1 <= r <= 3 for r in ranks)
    return [
        (f"{kind}s: precision@1", f"{at1} of {n} ({at1 / n:.0%})"),
        (f"{kind}s: precision@3", f"{at3} of {n} ({at3 / n:.0%})"),
    ]


if __name__ == "__main__":
    asyncio.run(main())
