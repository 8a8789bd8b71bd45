"""Decided before? The proposals closest to a text, past and open, by one of two engines.

**Full text** (without the extra): a text's key terms are its title's and summary's words,
stemmed, without the language's common words (stopwords-iso); the proposals the viewer may see
in the organisation whose title or text hold any of them are ranked as a search ranks
(``search_sql``), and of the best, those sharing at least two key terms with the text (one, for
a text of one or two) are close. Deterministic and explainable: each answer says which of the
text's words it shares.

**Embeddings** (with the analytics extra, ``services.embeddings``): the visible proposals whose
title and summary are closest in meaning, in any language the model knows, from a calibrated
closeness; each answer still says which words it shares, when it shares any.

The engine is chosen once per process (``ACTAS_SIMILAR_ENGINE``: ``auto`` takes embeddings when
the extra is installed); both answer through ``similar_to``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import stopwordsiso
from tortoise.queryset import QuerySet

from actas.api.db import connection, is_postgres, parameterized
from actas.api.domain.text_search import Query, terms, words
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import Language
from actas.api.models import Proposal, SearchText
from actas.api.services import embeddings, search_sql
from actas.api.services.search_index import language_of


class Engine(StrEnum):
    FULLTEXT = "fulltext"
    EMBEDDINGS = "embeddings"


_engine = Engine.FULLTEXT


def use(engine: Engine) -> None:
    """The engine this process answers with (``db.open_database`` sets the configured one)."""
    global _engine
    _engine = engine


def engine_in_use() -> Engine:
    return _engine


MAX_KEY_TERMS = 16
CANDIDATES = 4  # times as many ranked as asked for, before the shared terms are counted


@cache
def _common(language: Language) -> frozenset[str]:
    """The language's common words as the index stores them (stemmed, unaccented)."""
    return frozenset(terms(" ".join(stopwordsiso.stopwords(language.value)), language))


@dataclass(frozen=True)
class KeyTerms:
    """The terms a text is compared by, and the word of the text each stands for."""

    terms: tuple[str, ...]
    words: dict[str, str]

    @property
    def needed(self) -> int:
        return 1 if len(self.terms) <= 2 else 2


def key_terms(text: str, language: Language) -> KeyTerms:
    common = _common(language)
    found: dict[str, str] = {}
    for word, term in zip(words(text), terms(text, language), strict=True):
        if term not in common and len(term) > 2 and not term.isdigit():
            found.setdefault(term, word)
    chosen = tuple(list(found)[:MAX_KEY_TERMS])
    return KeyTerms(chosen, {term: found[term] for term in chosen})


@dataclass(frozen=True)
class Similar:
    proposal: Proposal
    shared: tuple[str, ...]  # the text's words it shares, in the text's order


async def similar_to(
    viewer: Viewer,
    organisation_id: int,
    text: str,
    *,
    first: int,
    but: int | None = None,
    engine: Engine | None = None,
) -> list[Similar]:
    """The ``first`` proposals closest to ``text`` that the viewer may see in the organisation,
    closest first; ``but``: a proposal left out (the one the text is of)."""
    keys = key_terms(text, await language_of(organisation_id))
    visible = visible_proposals(viewer, organisation_id)
    if but is not None:
        visible = visible.exclude(id=but)
    if (engine or _engine) is Engine.EMBEDDINGS:
        if not text.strip():
            return []
        close = await embeddings.closest(visible, organisation_id, text, first=first, of=but)
        shared = await _shared(close, keys)
    elif not keys.terms:
        return []
    else:
        close, shared = await _by_terms(visible, keys, first)
    # The organisation only, as a search's hits: the API reads authors and decisions by loader.
    found = {p.id: p for p in await Proposal.filter(id__in=close).select_related("organisation")}
    return [Similar(found[pid], shared[pid]) for pid in close if pid in found]


async def _by_terms(
    visible: QuerySet[Proposal], keys: KeyTerms, first: int
) -> tuple[list[int], dict[int, tuple[str, ...]]]:
    """The full-text engine: ranked by the index, close when sharing enough key terms.

    On SQLite, the key terms in more than half the index's rows are left out of the match when
    others remain: bm25 gives them no weight (its idf is floored at 10⁻⁶), so every proposal
    holding one of the others ranks above any holding only them, and they were only ranked to
    be dropped (#13). Only when fewer than enough proposals hold the others are all matched."""
    sub_sql, params = parameterized(visible.values("id"))
    postgres = is_postgres()
    index = search_sql.dialect(postgres)
    limit = first * CANDIDATES

    async def ranked_by(matched: Iterable[str]) -> list[int]:
        any_term = Query((), (frozenset(matched),))
        rows = await connection().execute_query_dict(
            index.similar(sub_sql, len(params)), [*params, index.match(any_term), limit]
        )
        return [int(row["id"]) for row in rows]

    weightless = set() if postgres or keys.needed == 1 else await _weightless(keys.terms)
    weighed = [t for t in keys.terms if t not in weightless]
    ranked = await ranked_by(weighed or keys.terms)
    if weightless and weighed and len(ranked) < limit:
        ranked = await ranked_by(keys.terms)
    shared = await _shared(ranked, keys)
    return [pid for pid in ranked if len(shared[pid]) >= keys.needed][:first], shared


async def _weightless(key: Sequence[str]) -> set[str]:
    """The key terms in the title or text of more than half the rows of SQLite's index."""
    client = connection()
    statements = search_sql.Sqlite().weightless(len(key))
    await client.execute_script(statements[0])  # the index's own vocabulary, per connection
    rows = await client.execute_query_dict(statements[1], list(key))
    return {row["term"] for row in rows if 2 * row["held"] > row["rows_"]}


def draft_text(title: str, summary: str) -> str:
    """What a proposal is compared by: its title and summary, as a draft's would be."""
    return f"{title}\n{summary}"


async def similar_to_proposal(viewer: Viewer, proposal: Proposal, *, first: int) -> list[Similar]:
    return await similar_to(
        viewer,
        proposal.organisation_id,
        draft_text(proposal.title, proposal.summary),
        first=first,
        but=proposal.id,
    )


async def _shared(proposal_ids: list[int], keys: KeyTerms) -> dict[int, tuple[str, ...]]:
    """The text's words each proposal's title or text shares."""
    rows = await SearchText.filter(proposal_id__in=proposal_ids, argument_id=None).values_list(
        "proposal_id", "title", "terms"
    )
    held = {pid: set(f"{title} {text}".split()) for pid, title, text in rows}
    return {
        pid: tuple(keys.words[t] for t in keys.terms if t in held.get(pid, set()))
        for pid in proposal_ids
    }
