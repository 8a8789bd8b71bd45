"""Evaluation of "decided before?" (``similar_to``) on a labelled set.

    python bench/similar_eval.py
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/similar_eval.py

``similar_pairs.json`` holds pairs of proposals that mean the same (paraphrases in one language,
Spanish and English translations) and pairs that share key words but not meaning. One Spanish
organisation holds, through the services, every paraphrase's ``b`` and both sides of every false
friend. Each paraphrase's ``a`` is then asked as a draft would be (title and summary): precision@1
and @3 are how often its ``b`` comes first, or among the first three. For a false friend, asking
``a`` should not put ``b`` first: the share of false friends that do is reported too.
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
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.similar import similar_to
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
            hits: dict[str, list[int]] = defaultdict(list)  # kind: ranks (0 when not found)
            for pair in labelled["paraphrases"]:
                found = await similar_to(viewer, org.id, text(pair["a"]), first=3)
                ranked = [s.proposal.id for s in found]
                right = ids[text(pair["b"])]
                hits[pair["kind"]].append(ranked.index(right) + 1 if right in ranked else 0)
            confused = 0
            for pair in labelled["false_friends"]:
                own = ids[text(pair["a"])]
                found = await similar_to(viewer, org.id, text(pair["a"]), first=1, but=own)
                confused += bool(found) and found[0].proposal.id == ids[text(pair["b"])]
        finally:
            await db.close_database()
    rows: list[tuple[str, str]] = [
        ("database", "PostgreSQL" if settings.database_url.startswith("postgres") else "SQLite"),
        ("engine", "full-text index (the default)"),
        ("corpus", f"{len(ids)} proposals"),
    ]
    for kind, ranks in sorted(hits.items()):
        rows += _precision(kind, ranks)
    friends = len(labelled["false_friends"])
    rows.append(
        ("false friends ranked first", f"{confused} of {friends} ({confused / friends:.0%})")
    )
    print_rows(rows)


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
