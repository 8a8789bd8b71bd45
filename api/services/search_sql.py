"""The ranked index in each database's own terms (``search_index`` says what it holds).

Both databases list the visible proposals' ids once, from the index that covers who may see a
proposal (``models.Proposal``), and test each match against that list, rather than looking up
each match's proposal row: at 10,000 proposals a word found in all of them took 27 ms on SQLite
and 32 on PostgreSQL that way, 17 and 19 this way; a rare word costs the listing (1 to 3 ms).

SQLite: an FTS5 table, ``proposal_fts``, its rowid the proposal's id and three columns (title,
text, debate) ranked by bm25 with weights 10, 4 and 1. The test is ``+rowid IN``: without the
``+`` FTS5 takes the list as its own constraint and seeks the match once per visible id (57 ms
against 9 for a common word at 1,000 proposals).

PostgreSQL: ``proposal_fts`` with two ``tsvector`` columns under the 'simple' configuration
(the terms come stemmed already, so both databases find exactly the same proposals): ``head``
(title weight A, text B), which ranks with ``ts_rank``, and ``document`` (head and debate,
weight C), which a GIN index matches. Ranking over the debate too would read every matching
proposal's debate; there a debate-only match ranks after every head match, newest first. The
head is kept in the row (storage MAIN, about 2 KB compressed) rather than TOASTed, since a
common word ranks every head: fetched out of line, 10,000 of them took 110 ms, read in the row
20. The query is a scalar subquery, computed once: as a constant the planner knows a common
word matches every row and scans the table, reading each 5 KB document out of line where the
GIN index answers without them (170 ms against 60), and ``to_tsquery`` in ``ts_rank`` would
parse it again for every row. The visible ids' test is ``(... IN visible) IS TRUE``, which the
planner keeps as one hashed list rather than turning it into a join: misled by the scalar
subquery, it expects 50 matches and looks each one's proposal up by key. The list is hashed
while it fits in ``work_mem`` (some 100,000 visible proposals at the default 4 MB; past that,
raise ``work_mem`` for the server's role).

Each statement takes the visible proposals' query (its SQL and parameters, from Tortoise) first,
then its own parameters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass

from actas.api.domain.text_search import Query

_TERM = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Entry:
    """One proposal's row of the ranked index: its terms as ``search_index`` gathers them."""

    proposal_id: int
    title: str
    text: str
    debate: str


SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE proposal_fts USING fts5(title, text, debate, tokenize = 'unicode61')"
)
POSTGRES_CREATE = (
    """CREATE TABLE proposal_fts (
        proposal_id INT PRIMARY KEY REFERENCES proposal (id) ON DELETE RESTRICT,
        head TSVECTOR NOT NULL,
        document TSVECTOR NOT NULL)""",
    "CREATE INDEX proposal_fts_document ON proposal_fts USING GIN (document)",
)
POSTGRES_HEAD_INLINE = (
    "ALTER TABLE proposal_fts ALTER COLUMN head SET STORAGE MAIN",
    # A head stored before keeps its place until written again: every one is, as a new value.
    "UPDATE proposal_fts SET head = head || ''::tsvector",
)


def _terms(query: Query) -> list[list[str]]:
    # Terms are letters and digits only (``text_search``); checked again, as they are written
    # into statements.
    alternatives = [sorted(a) for a in query.alternatives]
    if not all(_TERM.fullmatch(term) for a in alternatives for term in a):
        raise ValueError("a search term holds more than letters and digits")
    return alternatives


@dataclass(frozen=True)
class Sqlite:
    def write(self, entries: Sequence[Entry]) -> list[tuple[str, list[object]]]:
        ids = [entry.proposal_id for entry in entries]
        rows = ", ".join(["(?, ?, ?, ?)"] * len(entries))
        return [
            (f"DELETE FROM proposal_fts WHERE rowid IN ({', '.join('?' * len(ids))})", [*ids]),
            (
                f"INSERT INTO proposal_fts (rowid, title, text, debate) VALUES {rows}",
                [value for entry in entries for value in astuple(entry)],
            ),
        ]

    def match(self, query: Query) -> str:
        """FTS5's query: every word, as any of its terms."""
        return " AND ".join(
            "(" + " OR ".join(f'"{term}"' for term in terms) + ")" for terms in _terms(query)
        )

    def ranked(self, visible: str, _: int) -> str:
        return f"""WITH visible AS ({visible})
            SELECT f.rowid AS id FROM proposal_fts f
            WHERE proposal_fts MATCH ? AND +f.rowid IN (SELECT id FROM visible)
            ORDER BY bm25(proposal_fts, 10.0, 4.0, 1.0), f.rowid DESC LIMIT ? OFFSET ?"""

    def similar(self, visible: str, _: int) -> str:
        """The proposals whose title or text match (any term, for ``similar``), ranked as a
        search ranks them but without the debate."""
        return f"""WITH visible AS ({visible})
            SELECT f.rowid AS id FROM proposal_fts f
            WHERE proposal_fts MATCH '{{title text}} : ' || ?
                AND +f.rowid IN (SELECT id FROM visible)
            ORDER BY bm25(proposal_fts, 10.0, 4.0, 0.0), f.rowid DESC LIMIT ?"""

    def weightless(self, terms: int) -> tuple[str, str]:
        """How many rows hold each of ``terms`` terms in their title or text (at most as many as
        hold it in either), and how many rows there are: FTS5's own vocabulary, through a
        table of the connection's temporary schema (nothing is written to the database)."""
        marks = ", ".join("?" * terms)
        return (
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.similar_vocabulary "
            "USING fts5vocab(main, proposal_fts, col)",
            f"""SELECT term, max(doc) AS held, (SELECT count(*) FROM proposal_fts_docsize) AS rows_
                FROM temp.similar_vocabulary
                WHERE term IN ({marks}) AND col IN ('title', 'text') GROUP BY term""",
        )

    def matching_ids(self, query: Query) -> str:
        """A subquery of the ids of every proposal that matches, the terms written in (they are
        letters and digits, which FTS5 takes within double quotes, and SQL within single)."""
        return f"(SELECT rowid FROM proposal_fts WHERE proposal_fts MATCH '{self.match(query)}')"


@dataclass(frozen=True)
class Postgres:
    def write(self, entries: Sequence[Entry]) -> list[tuple[str, list[object]]]:
        sql = """INSERT INTO proposal_fts (proposal_id, head, document)
               SELECT id, head, head || setweight(to_tsvector('simple', debate), 'C')
               FROM (SELECT id, setweight(to_tsvector('simple', title), 'A')
                            || setweight(to_tsvector('simple', text), 'B') AS head, debate
                     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
                          AS entry (id, title, text, debate)) AS texts
               ON CONFLICT (proposal_id) DO UPDATE
               SET head = excluded.head, document = excluded.document"""
        columns: list[object] = [list(c) for c in zip(*map(astuple, entries), strict=True)]
        return [(sql, columns)]

    def match(self, query: Query) -> str:
        """tsquery's text: every word, as any of its terms."""
        return " & ".join("(" + " | ".join(terms) + ")" for terms in _terms(query))

    def ranked(self, visible: str, taken: int) -> str:
        q, first, skip = (f"${taken + n}" for n in (1, 2, 3))
        query = f"(SELECT to_tsquery('simple', {q}))"
        return f"""WITH visible AS ({visible})
            SELECT f.proposal_id AS id
            FROM proposal_fts f
            WHERE f.document @@ {query} AND (f.proposal_id IN (SELECT id FROM visible)) IS TRUE
            ORDER BY ts_rank(f.head, {query}) DESC, f.proposal_id DESC
            LIMIT {first} OFFSET {skip}"""

    def similar(self, visible: str, taken: int) -> str:
        q, first = f"${taken + 1}", f"${taken + 2}"
        query = f"(SELECT to_tsquery('simple', {q}))"
        return f"""WITH visible AS ({visible})
            SELECT f.proposal_id AS id
            FROM proposal_fts f
            WHERE f.document @@ {query} AND f.head @@ {query}
                AND (f.proposal_id IN (SELECT id FROM visible)) IS TRUE
            ORDER BY ts_rank(f.head, {query}) DESC, f.proposal_id DESC LIMIT {first}"""

    def matching_ids(self, query: Query) -> str:
        """A subquery of the ids of every proposal that matches, the terms written in (letters
        and digits, which tsquery takes unquoted)."""
        return (
            "(SELECT proposal_id FROM proposal_fts "
            f"WHERE document @@ (SELECT to_tsquery('simple', '{self.match(query)}')))"
        )


def dialect(postgres: bool) -> Sqlite | Postgres:
    return Postgres() if postgres else Sqlite()
