"""What a text is searched by: its words, stemmed in its organisation's language (Snowball:
"tiendas" and "tienda" are one term) and without accents ("decision" finds "decisión").

The index stores the terms of each text (``services/search_index``); a query's words are
stemmed in every language actas speaks, so a search finds a text whichever language its
organisation had when it was written, and an organisation that changes its language needs no
reindex to stay findable. Excerpts are cut here too, from the original text, marking the words
whose terms the query asked for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import snowballstemmer

from actas.api.domain.vocabulary import Language

MAX_QUERY_WORDS = 8
EXCERPT_WORDS = 30
# Letters and digits; an underscore is Markdown's emphasis, not part of a word.
_WORD = re.compile(r"[^\W_]+")
_EMPHASIS = re.compile(r"[*_`~]+")  # beside the words they mark
_BLOCK_MARKS = re.compile(r"[#>|]+")  # headings, quotes, tables: between words
_ALGORITHM = {Language.ES: "spanish", Language.EN: "english"}


@cache
def _stemmer(language: Language) -> snowballstemmer.Stemmer:
    # PyStemmer (C) when installed, which also caches each word's stem; else pure Python.
    return snowballstemmer.stemmer(_ALGORITHM[language])


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def terms(text: str, language: Language) -> list[str]:
    """The text's terms in order, one per word."""
    return [_unaccented(stem) for stem in _stemmer(language).stemWords(words(text))]


def terms_text(text: str, language: Language) -> str:
    """The terms as the index stores them: separated by spaces."""
    return " ".join(terms(text, language))


@dataclass(frozen=True)
class Query:
    """A search's words, each as the terms it may be indexed as (one per language)."""

    words: tuple[str, ...]
    alternatives: tuple[frozenset[str], ...]

    @property
    def wanted(self) -> frozenset[str]:
        return frozenset().union(*self.alternatives)

    def matches(self, indexed: Iterable[str]) -> bool:
        """Every word is among ``indexed`` terms, as one of its alternatives."""
        present = set(indexed)
        return all(present & alternative for alternative in self.alternatives)


def parse_query(text: str) -> Query:
    """The first ``MAX_QUERY_WORDS`` distinct words of ``text``; empty if it has none."""
    found = list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
    alternatives = tuple(
        frozenset(_unaccented(_stemmer(language).stemWord(word)) for language in Language)
        for word in found
    )
    return Query(tuple(found), alternatives)


@dataclass(frozen=True)
class Fragment:
    """A piece of an excerpt; ``matched`` when it is a word the query asked for."""

    text: str
    matched: bool = False


def excerpt(
    text: str, query: Query, language: Language, *, length: int = EXCERPT_WORDS
) -> list[Fragment]:
    """``length`` words of ``text`` around its first matched word (its start when none is),
    with "…" where it was cut; the matched words are fragments of their own. Markdown's marks
    (emphasis, headings, quotes, code) and line breaks are left out: an excerpt is one line."""
    flat = " ".join(_BLOCK_MARKS.sub(" ", _EMPHASIS.sub("", text)).split())
    spans = [match.span() for match in _WORD.finditer(flat)]
    if not spans:
        return []
    wanted = query.wanted
    found = [term in wanted for term in terms(flat, language)]
    first = found.index(True) if True in found else 0
    start = max(0, min(first - length // 3, len(spans) - length))
    end = min(len(spans), start + length)
    fragments = [Fragment("… ")] if start > 0 else []
    cursor = spans[start][0] if start else 0  # from the text's start, its "¿" too
    for index in range(start, end):
        begin, finish = spans[index]
        if found[index]:
            fragments += [Fragment(flat[cursor:begin]), Fragment(flat[begin:finish], True)]
            cursor = finish
    if end < len(spans):
        fragments += [Fragment(flat[cursor : spans[end - 1][1]]), Fragment(" …")]
    else:
        fragments.append(Fragment(flat[cursor:]))  # to the end, its last full stop too
    joined: list[Fragment] = []
    for fragment in fragments:
        if joined and not fragment.matched and not joined[-1].matched:
            joined[-1] = Fragment(joined[-1].text + fragment.text)
        elif fragment.text:
            joined.append(fragment)
    return joined


def _unaccented(term: str) -> str:
    decomposed = unicodedata.normalize("NFKD", term)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def hit_excerpt(
    own: str, title: str, arguments: Sequence[str], query: Query, language: Language
) -> tuple[list[Fragment], int | None]:
    """A search hit's excerpt: from the proposal's summary and text (``own``) when its title or
    they hold a word searched for, else from the first matching argument (its index among
    ``arguments``); the proposal's own text when none does."""
    if query.wanted & set(terms(f"{title}\n{own}", language)) or not arguments:
        return excerpt(own, query, language), None
    return excerpt(arguments[0], query, language), 0
