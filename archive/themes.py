"""What keeps coming back across an organisation's published decisions: the themes of
``api.domain.themes`` (the API's rule, not a second one), counted over exactly the decisions the
archive publishes, from the keyphrases each decision carries (``data.Keyphrase``, kept in its
summary: a build that reads only the changed decisions still counts them all, and a build from
an export counts the same). Pure: summaries in, themes out.

Months are those the decisions were *decided* in, as everywhere in the archive (the API counts
the month a proposal was made); a theme's trend spans every month of the organisation's
decisions, zeros included, so two themes' trends compare.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from actas.api.domain import themes as rule
from actas.archive import data
from actas.archive.collect import slugify
from actas.archive.render import OUTCOMES

SHOWN = 10  # themes on the organisation page, each with a listing of its decisions
PROBLEMS = ("rejected", "abandoned")  # a theme's decisions that ended so: a recurring problem


@dataclass(frozen=True)
class Theme:
    phrase: str
    slug: str  # its listing's folder: ``<organisation>/theme/<slug>/``
    decisions: tuple[data.Summary, ...]  # newest first
    outcomes: tuple[tuple[str, int], ...]  # (outcome, decisions), in OUTCOMES order, none at 0
    months: tuple[tuple[str, int], ...]  # ("2026-03", decisions): every month, oldest first

    @property
    def problems(self) -> int:
        """Its decisions that were rejected or abandoned."""
        return sum(n for outcome, n in self.outcomes if outcome in PROBLEMS)

    @property
    def recurring_problem(self) -> bool:
        """Whether it came back unsolved: as often as a theme must come back to be one."""
        return self.problems >= rule.RECURRING

    @property
    def peak(self) -> tuple[str, int]:
        """Its busiest month (the latest of equally busy ones) and how many decisions then."""
        return max(reversed(self.months), key=lambda m: m[1])


def themes(summaries: Sequence[data.Summary], first: int = SHOWN) -> tuple[Theme, ...]:
    """The ``first`` themes of an organisation's published ``summaries`` (newest first)."""
    by_number = {s.number: s for s in summaries}
    held = (rule.Held(s.number, k.key, k.phrase) for s in summaries for k in s.keyphrases)
    found = rule.themes(held, len(summaries), first=first)
    span = tuple(_months(summaries))
    slugs = _slugs(found)
    chosen = []
    for theme in found:
        decisions = tuple(by_number[number] for number in theme.proposal_ids)
        outcomes = Counter(s.outcome for s in decisions)
        months = Counter(s.month for s in decisions)
        chosen.append(
            Theme(
                phrase=theme.phrase,
                slug=slugs[theme.key],
                decisions=decisions,
                outcomes=tuple((o, outcomes[o]) for o in OUTCOMES if outcomes[o]),
                months=tuple((month, months[month]) for month in span),
            )
        )
    return tuple(chosen)


def _months(summaries: Sequence[data.Summary]) -> Iterator[str]:
    """Every month from the first decision's to the last's."""
    if not summaries:
        return
    months = [s.month for s in summaries]
    year, month = map(int, min(months).split("-"))
    last = max(months)
    while (current := f"{year:04d}-{month:02d}") <= last:
        yield current
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _slugs(found: Sequence[rule.Theme]) -> dict[str, str]:
    """A folder per theme, from its wording (its key's when the wording has no letter a URL
    keeps); two themes that would share one are told apart in the order of their keys."""
    taken: set[str] = set()
    slugs = {}
    for theme in sorted(found, key=lambda t: t.key):
        base = slugify(theme.phrase) or slugify(theme.key) or "theme"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[theme.key] = slug
    return slugs
