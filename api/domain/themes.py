"""What keeps coming back: the phrases that say what each proposal is about, and the themes
they make across an organisation's proposals.

A proposal's **keyphrases** are extracted from its title and text by YAKE (statistical, per
text, no model: the same text always gives the same phrases), at most ``PER_PROPOSAL`` of one to
three words. Each is keyed by its words' terms (``text_search``: stemmed, unaccented), so "tiempo
de espera" and "tiempos de espera" are one theme, shown as its most common wording.

A **theme** is a key held by at least ``RECURRING`` proposals of those counted, and by no more
than ``TOO_COMMON`` of them (a phrase in most proposals, like "proponemos", says how people write,
not what about). Themes rank by how many proposals hold them; those of rejected and abandoned
proposals are the recurring problems.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import stopwordsiso

from actas.api.domain.text_search import terms, words
from actas.api.domain.vocabulary import Language

PER_PROPOSAL = 8
# Words of a proposal's text read: YAKE's time grows faster than the text (~0.1 ms a word at
# 150 words, 0.3 at 1,200), it runs in the writing transaction, and what a proposal is about is
# said in its title, its summary and the start of its text.
READ_WORDS = 200
MAX_WORDS = 3  # "tiempo de espera" is three
RECURRING = 2
TOO_COMMON = 0.25  # share of the proposals counted, when they are at least TOO_COMMON_FROM
TOO_COMMON_FROM = 40


@cache
def _extractor(language: Language) -> Any:
    import yake  # with networkx and numpy, 0.3 s and 60 MB: only where phrases are extracted

    return yake.KeywordExtractor(lan=language.value, n=MAX_WORDS, top=PER_PROPOSAL * 2)


@cache
def _foreign_common_words(language: Language) -> frozenset[str]:
    """Common words of the other languages actas speaks: a Spanish organisation writes English
    too, and YAKE leaves out only its own language's (stopwords-iso's own-language lists are too
    wide for this: its Spanish one holds "tiempo")."""
    return frozenset(
        stopwordsiso.stopwords([other.value for other in Language if other != language])
    )


@dataclass(frozen=True)
class Keyphrase:
    key: str  # the terms of its words, space-separated
    phrase: str  # as the text writes it


def keyphrases(title: str, text: str, language: Language) -> list[Keyphrase]:
    """The best phrases of the title and the text's first ``READ_WORDS``, best first, one per
    key; none that begins or ends with a common word, nor of digits or words shorter than three
    letters alone. The title ends with a full stop, so no phrase spans both."""
    common = _foreign_common_words(language)
    found: dict[str, Keyphrase] = {}
    start = " ".join(text.split()[:READ_WORDS])
    for phrase, _score in _extractor(language).extract_keywords(f"{title.strip()}.\n{start}"):
        said = words(phrase)
        if not said or said[0] in common or said[-1] in common:
            continue
        if all(word.isdigit() or len(word) < 3 for word in said):
            continue
        key = " ".join(terms(phrase, language))
        found.setdefault(key, Keyphrase(key, " ".join(phrase.split())))
        if len(found) == PER_PROPOSAL:
            break
    return list(found.values())


@dataclass
class Theme:
    key: str
    phrase: str
    proposal_ids: list[int] = field(default_factory=list)  # newest first


@dataclass(frozen=True)
class Held:
    """One proposal's keyphrase, as the themes are counted from."""

    proposal_id: int
    key: str
    phrase: str


def most_proposals(counted: int) -> int:
    """The most proposals a theme may have, of ``counted``: beyond it a phrase is too common."""
    ceiling = int(counted * TOO_COMMON) if counted >= TOO_COMMON_FROM else counted
    return max(ceiling, RECURRING)


CANDIDATES = 4  # times as many themes as asked for, of which those a longer one holds are left out


def themes(held: Iterable[Held], counted: int, *, first: int) -> list[Theme]:
    """The ``first`` themes of ``held`` keyphrases (one per proposal and key), of ``counted``
    proposals: most proposals first, then by key. ``held`` comes newest proposal first, as each
    theme lists them."""
    grouped: dict[str, Theme] = {}
    wordings: dict[str, Counter[str]] = {}
    for row in held:
        grouped.setdefault(row.key, Theme(row.key, row.phrase)).proposal_ids.append(row.proposal_id)
        wordings.setdefault(row.key, Counter())[_uncapitalised(row.phrase)] += 1
    ceiling = most_proposals(counted)
    recurring = [t for t in grouped.values() if RECURRING <= len(t.proposal_ids) <= ceiling]
    recurring.sort(key=lambda t: (-len(t.proposal_ids), t.key))
    chosen = _widest(recurring[: first * CANDIDATES])[:first]
    for theme in chosen:
        # The most common wording; of equally common ones, the shortest ("tiempo", not "tiempos").
        counts = wordings[theme.key]
        theme.phrase = min(counts, key=lambda wording: (-counts[wording], len(wording), wording))
    return chosen


def _widest(ranked: list[Theme]) -> list[Theme]:
    """Without a theme whose words a longer one holds, of whose proposals it has no other
    ("tiempo" and "espera" beside "tiempo de espera"): it says nothing the longer does not."""
    held = [(t, set(t.key.split()), set(t.proposal_ids)) for t in ranked]
    return [
        theme
        for theme, words, proposals in held
        if not any(words < other and proposals <= theirs for _, other, theirs in held)
    ]


def _uncapitalised(phrase: str) -> str:
    """A phrase as it reads mid-sentence: a title's capital off its first word ("Tiempo de
    espera"), an acronym's kept ("NPS")."""
    first, _, rest = phrase.partition(" ")
    if first[1:].islower() or len(first) == 1:
        first = first.lower()
    return f"{first} {rest}".strip()
