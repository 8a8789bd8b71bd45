"""What keeps coming back: each proposal's keyphrases (``domain.themes``), kept with every change
of its text, and an organisation's themes counted from them over what a viewer may see.

A theme answers with the proposals that hold it (newest first), how many of them ended each way,
how many a month, and how many proposals mention its words anywhere, debates included (the
full-text index). Answers are cached per viewer and question until the organisation's next
change: counting 10,000 proposals' phrases is cheap, but not free, and themes move slowly.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.functions import Count

from actas.api.db import insert_rows, placeholders
from actas.api.domain import themes as rule
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import Language, ProposalState
from actas.api.models import Event, Keyphrase, Proposal
from actas.api.services.search import ProposalFilter, find_proposals
from actas.api.services.search_index import PROPOSAL_TEXT, in_batches, language_of

BATCH = 200  # proposals whose phrases are extracted at a time by ``reindex``
CACHED = 256  # answers kept


async def keep_keyphrases(events: Sequence[Event]) -> None:
    """``recording``'s handler: a proposal's phrases follow its text, in the same transaction."""
    ids = sorted({e.proposal_id for e in events if e.type in PROPOSAL_TEXT and e.proposal_id})
    if ids:
        await _extract(ids, await language_of(events[0].organisation_id))


async def _extract(proposal_ids: list[int], language: Language) -> None:
    rows = await Proposal.filter(id__in=proposal_ids).values(
        "id", "organisation_id", "title", "summary", "body"
    )
    await Keyphrase.filter(proposal_id__in=proposal_ids).delete()
    await insert_rows(Keyphrase, [p for row in rows for p in _phrases(row, language)])


def _phrases(row: dict[str, Any], language: Language) -> list[dict[str, Any]]:
    text = f"{row['summary']}\n{row['body']}"
    return [
        {
            "organisation_id": row["organisation_id"],
            "proposal_id": row["id"],
            "key": found.key[:200],
            "phrase": found.phrase[:200],
        }
        for found in rule.keyphrases(row["title"], text, language)
    ]


async def reindex(organisation_id: int | None = None) -> int:
    """Extract every proposal's phrases again (of one organisation, or all); how many proposals."""

    async def rebuild(organisation: int, batch: list[int]) -> None:
        await _extract(batch, await language_of(organisation))

    return await in_batches(organisation_id, BATCH, rebuild)


async def extract_everything(client: BaseDBAsyncClient) -> None:
    """Every proposal's phrases on ``client``, whose ``keyphrase`` is empty (the migration that
    creates it). Plain SQL of the columns it reads, since it runs inside a migration."""
    after = 0
    while rows := await client.execute_query_dict(
        placeholders(
            client,
            """SELECT p.id, p.organisation_id, p.title, p.summary, p.body, o.language
               FROM proposal p JOIN organisation o ON o.id = p.organisation_id
               WHERE p.id > ? ORDER BY p.id LIMIT ?""",
        ),
        [after, BATCH],
    ):
        phrases = [p for row in rows for p in _phrases(row, Language(row["language"]))]
        await insert_rows(Keyphrase, phrases, client=client)
        after = rows[-1]["id"]


# --- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundTheme:
    phrase: str
    proposal_ids: list[int]  # newest first
    outcomes: dict[ProposalState, int]
    months: list[tuple[str, int]]  # ("2026-03", proposals proposed that month), oldest first
    mentioned_in: int  # proposals whose text or debate hold its words


_answers: OrderedDict[tuple[Any, ...], tuple[int, list[FoundTheme]]] = OrderedDict()


async def organisation_themes(
    viewer: Viewer, organisation_id: int, wanted: ProposalFilter, *, first: int
) -> list[FoundTheme]:
    """The ``first`` themes of the proposals the viewer may see under ``wanted``."""
    key = (viewer.user_id, viewer.member_of(organisation_id), organisation_id, wanted, first)
    stamp = await _last_change(organisation_id)
    cached = _answers.get(key)
    if cached is not None and cached[0] == stamp:
        _answers.move_to_end(key)
        return cached[1]
    answer = await _count(viewer, organisation_id, wanted, first)
    _answers[key] = (stamp, answer)
    while len(_answers) > CACHED:
        _answers.popitem(last=False)
    return answer


async def _last_change(organisation_id: int) -> int:
    row = (
        await Event.filter(organisation_id=organisation_id)
        .order_by("-id")
        .first()
        .values_list("id")
    )
    return int(row[0]) if row else 0


async def _count(
    viewer: Viewer, organisation_id: int, wanted: ProposalFilter, first: int
) -> list[FoundTheme]:
    visible = find_proposals(viewer, organisation_id, wanted)
    counted = await visible.count()
    mine = Keyphrase.filter(proposal_id__in=Subquery(visible.values("id")))
    # The rule's candidates counted in SQL, so that only their phrases are read (at 10,000
    # proposals, 80,000 phrases): the same themes as from every phrase, but for which of the keys
    # tied at the cut make it, which the database's collation decides.
    candidates = (
        mine.annotate(held=Count("id"))
        .group_by("key")
        .filter(held__gte=rule.RECURRING, held__lte=rule.most_proposals(counted))
        .order_by("-held", "key")
        .limit(first * rule.CANDIDATES)
        .values_list("key", flat=True)
    )
    held = await (
        mine.filter(key__in=list(await candidates))
        .order_by("-proposal_id", "id")
        .values_list("proposal_id", "key", "phrase")
    )
    found = rule.themes((rule.Held(*row) for row in held), counted, first=first)
    ids = sorted({pid for theme in found for pid in theme.proposal_ids})
    facts = {
        pid: (state, created)
        for pid, state, created in await Proposal.filter(id__in=ids).values_list(
            "id", "state", "created_at"
        )
    }
    answer = []
    for theme in found:
        outcomes = Counter(ProposalState(facts[pid][0]) for pid in theme.proposal_ids)
        months = Counter(f"{facts[pid][1]:%Y-%m}" for pid in theme.proposal_ids)
        mentioned = await find_proposals(
            viewer, organisation_id, replace(wanted, text=theme.phrase)
        ).count()
        answer.append(
            FoundTheme(
                theme.phrase, theme.proposal_ids, dict(outcomes), sorted(months.items()), mentioned
            )
        )
    return answer
