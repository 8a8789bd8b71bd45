"""An absence inferred from an automatic reply: someone whose mailbox answered one of actas'
emails with an out-of-office note is *probably away*.

- **From** the moment the automatic reply arrived, **until** the end of the latest date its
  text gives ("back on 14 Dec", "hasta el 14 de diciembre", "until 2026-12-14"): the end of
  the day, since "until the 14th" may include it. A reply that gives no date is taken for
  ``UNDATED_DAYS``: short enough that a forgotten note does not silence someone for long.
- Dates outside ``[today, today + HORIZON_DAYS]`` are not return dates (a phone number, a
  reference, last year's holiday); neither are short words without a digit ("Je", "may"),
  which date parsers read as dates too; longer ones are ("el lunes", "tomorrow").
- It never replaces a recorded absence, it names no delegate, and it ends as soon as the
  person acts in actas (they are plainly back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateparser.search import search_dates

UNDATED_DAYS = 14
HORIZON_DAYS = 120
# The languages of the mailboxes actas writes to: its own, and those clients commonly use.
LANGUAGES = ["es", "en", "pt", "fr", "de", "it", "ca", "nl"]


@dataclass(frozen=True)
class InferredSpan:
    starts_at: datetime
    ends_at: datetime
    until_stated: bool  # the reply gave the date; else UNDATED_DAYS were assumed


def inferred_span(text: str, received_at: datetime, *, subject: str = "") -> InferredSpan:
    """How long the writer of an automatic reply received at ``received_at`` is probably
    away, by the date its ``text`` (the body, history cut) or its own words in ``subject``
    give: not the subject of ours it repeats from the first "[" (a title's "Budget 2027")."""
    own_subject = subject.split("[", 1)[0]
    returning = stated_return(f"{own_subject}\n{text}", received_at.date())
    if returning is None:
        return InferredSpan(received_at, received_at + timedelta(days=UNDATED_DAYS), False)
    ends_at = datetime.combine(returning + timedelta(days=1), time(), tzinfo=UTC)
    return InferredSpan(received_at, max(ends_at, received_at + timedelta(hours=1)), True)


def last_day(ends_at: datetime) -> date:
    """The day a probable absence's reply named: it ends as that day does."""
    return (ends_at - timedelta(microseconds=1)).date()


def stated_return(text: str, today: date) -> date | None:
    """The latest date from ``today`` on that ``text`` names, within ``HORIZON_DAYS``. Each
    line and clause is read alone: a parser that takes one word for a date ("Out", October in
    Portuguese) may skip the rest of what it reads with it."""
    settings: Any = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time()),
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    dates = []
    for clause in re.split(r"[\n:;!?]+", text[:4000]):
        found = (
            search_dates(clause, languages=LANGUAGES, settings=settings) if clause.strip() else None
        )
        dates += [
            when.date()
            for words, when in found or ()
            if _dated(words) and today <= when.date() <= today + timedelta(days=HORIZON_DAYS)
        ]
    return max(dates, default=None)


def _dated(words: str) -> bool:
    """Whether the words a parser read as a date name one: with a digit, or a word long
    enough not to be a pronoun or a modal ("Je", "may"): "lunes", "Monday", "mañana"."""
    letters = [w for w in words.split() if w.isalpha()]
    return any(c.isdigit() for c in words) or any(len(w) >= 5 for w in letters)
