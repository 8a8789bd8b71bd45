"""The full-text index: kept with every change of a proposal's text or of an argument, asked
by every search, rebuilt by ``actas db reindex``.

Two layers. ``search_text`` (``models.SearchText``) holds the stemmed terms of each text
(``domain.text_search``): writing an argument stems that argument alone. From those rows each
touched proposal's entry in the ranked index is rebuilt in SQL (``search_sql``): one document
per proposal, so a search ranks proposals, not their 25 arguments each.

A search is one statement: the proposals the viewer may see under the filters (the same
``visible_proposals`` every list asks) come first, and only those are matched and ranked, so a
hidden proposal never changes what, or how many, anyone finds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from actas.api.db import (
    connection,
    insert_rows,
    is_postgres,
    parameterized,
    placeholders,
    write_transaction,
)
from actas.api.domain.events import EventType
from actas.api.domain.text_search import Query, terms_text
from actas.api.domain.vocabulary import Language
from actas.api.models import Event, Organisation, Proposal, SearchText
from actas.api.services import search_sql

# Events that write a text the index holds.
PROPOSAL_TEXT = {EventType.PROPOSAL_DRAFTED, EventType.PROPOSAL_REVISED}
ARGUMENT_TEXT = {EventType.ARGUMENT_ADDED, EventType.ARGUMENT_EDITED}
REINDEX_BATCH = 500  # proposals stemmed and written at a time by ``reindex``
# Times a term of a title or text counts in the ranked index. bm25 saturates (k1 = 1.2, the
# text weighed 4): a fourth mention adds 2 to 4% to a proposal's score, yet each mention is
# read by every search for the term; a word in every proposal, said 24 times in each, ranked
# in 18.5 ms rather than 11.9 at 10,000 on SQLite.
MENTIONS = 3


async def keep_index(events: Sequence[Event]) -> None:
    """``recording``'s handler: what a change wrote is indexed in its own transaction."""
    proposals = {e.proposal_id for e in events if e.type in PROPOSAL_TEXT and e.proposal_id}
    # An argument's event carries its whole text: the last one of each argument is its text.
    arguments = {
        _argument_of(e)["id"]: e for e in events if e.type in ARGUMENT_TEXT and e.proposal_id
    }
    if not proposals and not arguments:
        return
    language = await language_of(events[0].organisation_id)
    if proposals:
        await _index_proposals(await _proposal_texts(sorted(proposals)), language)
    if arguments:
        await _index_arguments(arguments.values(), language)
        proposals |= {e.proposal_id for e in arguments.values() if e.proposal_id}
    await refresh(sorted(proposals))


PROPOSAL_COLUMNS = ("id", "organisation_id", "title", "summary", "body")


def _argument_of(event: Event) -> dict[str, Any]:
    """The argument an ``argument.*`` event wrote, as ``argument`` rows are read."""
    payload = orjson.loads(event.payload)
    return {
        "id": payload["argument"],
        "organisation_id": event.organisation_id,
        "proposal_id": event.proposal_id,
        "body": payload["body"],
    }


async def language_of(organisation_id: int) -> Language:
    """The language an organisation's texts are indexed in. Read in plain SQL, as every change
    that writes a text asks it (through the ORM it took a fifth of the index's overhead)."""
    client = connection()
    rows = await client.execute_query_dict(
        placeholders(client, "SELECT language FROM organisation WHERE id = ?"), [organisation_id]
    )
    return Language(rows[0]["language"]) if rows else Language.ES


async def _proposal_texts(ids: Sequence[int]) -> list[dict[str, Any]]:
    return await Proposal.filter(id__in=list(ids)).values(*PROPOSAL_COLUMNS)


def _proposal_terms(row: dict[str, Any], language: Language) -> dict[str, Any]:
    return {
        "organisation_id": row["organisation_id"],
        "proposal_id": row["id"],
        "title": terms_text(row["title"], language),
        "terms": terms_text(f"{row['summary']}\n{row['body']}", language),
    }


def _argument_terms(row: dict[str, Any], language: Language) -> dict[str, Any]:
    return {
        "organisation_id": row["organisation_id"],
        "proposal_id": row["proposal_id"],
        "argument_id": row["id"],
        "terms": terms_text(row["body"], language),
    }


async def _index_proposals(rows: Iterable[dict[str, Any]], language: Language) -> None:
    fresh = []
    for row in rows:
        terms = _proposal_terms(row, language)
        stored = SearchText.filter(proposal_id=row["id"], argument_id=None)
        if not await stored.update(title=terms["title"], terms=terms["terms"]):
            fresh.append(terms)
    await insert_rows(SearchText, fresh)


async def _index_arguments(events: Iterable[Event], language: Language) -> None:
    """A new argument's terms are inserted, an edited one's replace those it had."""
    fresh = []
    for event in events:
        terms = _argument_terms(_argument_of(event), language)
        if event.type == EventType.ARGUMENT_ADDED:
            fresh.append(terms)
        else:
            await SearchText.filter(argument_id=terms["argument_id"]).update(terms=terms["terms"])
    await insert_rows(SearchText, fresh)


async def refresh(proposal_ids: Sequence[int], client: BaseDBAsyncClient | None = None) -> None:
    """Rebuild the ranked index's entries of these proposals from their ``search_text`` rows.
    A debate counts each of its terms once, in order: whether it was said, not how often, so a
    word in every argument costs a search no more than a word in one (at 10,000 debates of 25
    arguments, bm25 over the whole debates took 29 ms for a word in all of them); a title and a
    text count each at most ``MENTIONS`` times."""
    if not proposal_ids:
        return
    client = client or connection()
    postgres = client.capabilities.dialect == "postgres"
    marks = ", ".join("?" * len(proposal_ids))
    rows = await client.execute_query_dict(
        placeholders(
            client,
            "SELECT proposal_id, argument_id, title, terms FROM search_text "
            f"WHERE proposal_id IN ({marks})",
        ),
        list(proposal_ids),
    )
    heads: dict[int, tuple[str, str]] = {}
    debates: dict[int, set[str]] = {pid: set() for pid in proposal_ids}
    for row in rows:
        if row["argument_id"] is None:
            heads[row["proposal_id"]] = (_mentioned(row["title"]), _mentioned(row["terms"]))
        else:
            debates[row["proposal_id"]].update(row["terms"].split())
    entries = [
        search_sql.Entry(pid, *heads[pid], " ".join(sorted(debates[pid]))) for pid in sorted(heads)
    ]
    if entries:
        for sql, parameters in search_sql.dialect(postgres).write(entries):
            await client.execute_query(sql, parameters)


def _mentioned(terms: str) -> str:
    """The terms in order, each at most ``MENTIONS`` times."""
    said: Counter[str] = Counter()
    kept = []
    for term in terms.split():
        said[term] += 1
        if said[term] <= MENTIONS:
            kept.append(term)
    return " ".join(kept)


async def refresh_everything(client: BaseDBAsyncClient) -> None:
    """Rebuild every proposal's entry of the ranked index on ``client`` from the terms stored
    (a migration that changes what an entry holds)."""
    await _every_batch(client, lambda ids: refresh(ids, client))


async def reindex(organisation_id: int | None = None) -> int:
    """Stem every text again and rebuild the index (of one organisation, or all); the number of
    proposals indexed."""

    async def rebuild(_organisation: int, batch: list[int]) -> None:
        await SearchText.filter(proposal_id__in=batch).delete()
        await _index_batch(connection(), batch)

    return await in_batches(organisation_id, REINDEX_BATCH, rebuild)


async def in_batches(
    organisation_id: int | None,
    size: int,
    rebuild: Callable[[int, list[int]], Awaitable[None]],
) -> int:
    """Every proposal's id (of one organisation, or all), ``size`` at a time, handed to
    ``rebuild`` with its organisation's id, each batch in a transaction of its own, which
    writers queue behind; how many proposals. What each ``reindex`` shares."""
    organisations = Organisation.all()
    if organisation_id is not None:
        organisations = organisations.filter(id=organisation_id)
    done = 0
    for org in [int(row[0]) for row in await organisations.order_by("id").values_list("id")]:
        ids = [
            int(row[0])
            for row in await Proposal.filter(organisation_id=org).order_by("id").values_list("id")
        ]
        for start in range(0, len(ids), size):
            async with write_transaction(org):
                await rebuild(org, ids[start : start + size])
        done += len(ids)
    return done


async def index_everything(client: BaseDBAsyncClient) -> None:
    """Index every proposal on ``client``, whose ``search_text`` is empty (the migration that
    creates the index). Plain SQL of the columns it reads, since it runs inside a migration."""
    await _every_batch(client, lambda ids: _index_batch(client, ids))


async def _every_batch(
    client: BaseDBAsyncClient, index: Callable[[list[int]], Awaitable[None]]
) -> None:
    """Every proposal's id on ``client``, ``REINDEX_BATCH`` at a time, to ``index``."""
    after = 0
    while ids := [
        row["id"]
        for row in await client.execute_query_dict(
            placeholders(client, "SELECT id FROM proposal WHERE id > ? ORDER BY id LIMIT ?"),
            [after, REINDEX_BATCH],
        )
    ]:
        await index(ids)
        after = ids[-1]


async def _index_batch(client: BaseDBAsyncClient, proposal_ids: list[int]) -> None:
    marks = ", ".join("?" * len(proposal_ids))
    proposals = await client.execute_query_dict(
        placeholders(
            client,
            f"""SELECT p.id, p.organisation_id, p.title, p.summary, p.body, o.language
                FROM proposal p JOIN organisation o ON o.id = p.organisation_id
                WHERE p.id IN ({marks})""",
        ),
        proposal_ids,
    )
    language = {row["id"]: Language(row["language"]) for row in proposals}
    arguments = await client.execute_query_dict(
        placeholders(
            client,
            f"SELECT id, organisation_id, proposal_id, body FROM argument "
            f"WHERE proposal_id IN ({marks})",
        ),
        proposal_ids,
    )
    rows = [_proposal_terms(row, language[row["id"]]) for row in proposals]
    rows += [_argument_terms(row, language[row["proposal_id"]]) for row in arguments]
    await insert_rows(SearchText, rows, client=client)
    await refresh(proposal_ids, client)


# --- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A page of ranked proposal ids, best first, and whether more follow."""

    ids: list[int]
    more: bool


async def ranked(visible: QuerySet[Proposal], query: Query, *, first: int, skip: int) -> Ranked:
    """The ids of ``visible`` proposals (already filtered) that match every word of ``query``,
    best first, ``first`` of them after the ``skip`` best."""
    sub_sql, params = parameterized(visible.values("id"))
    index = search_sql.dialect(is_postgres())
    rows = await connection().execute_query_dict(
        index.ranked(sub_sql, len(params)), [*params, index.match(query), first + 1, skip]
    )
    ids = [int(row["id"]) for row in rows]
    return Ranked(ids[:first], len(ids) > first)


def matching(query: Query) -> Q:
    """Proposals that match every word of ``query``, as a filter of any proposal query."""
    return Q(id__in=RawSQL(search_sql.dialect(is_postgres()).matching_ids(query)))


async def matching_arguments(proposal_ids: Sequence[int], query: Query) -> dict[int, list[int]]:
    """The ids of the arguments of each proposal whose own text holds every word."""
    found: dict[int, list[int]] = {pid: [] for pid in proposal_ids}
    rows = (
        await SearchText.filter(proposal_id__in=list(proposal_ids), argument_id__isnull=False)
        .order_by("argument_id")
        .values_list("proposal_id", "argument_id", "terms")
    )
    for proposal_id, argument_id, terms in rows:
        if query.matches(terms.split()):
            found[proposal_id].append(argument_id)
    return found
