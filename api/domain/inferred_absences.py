"""An absence inferred from an automatic reply: someone whose mailbox answered one of actas'
emails with an out-of-office note is *probably away*.

- **From** the moment the automatic reply arrived, **until** the end of the latest date its
  text gives ("back on 14 Dec", "hasta el 14 de diciembre", "until 2026-12-14"): the end of
  the day, since "until the 14th" may include it. A reply that gives no date is taken for
  ``UNDATED_DAYS``: short enough that a forgotten note does not silence someone for long.
- Dates outside ``[today, today + HORIZON_DAYS]`` are not return dates (a phone number, a
  reference, last year's holiday); neither are words without a digit ("Je", "Monday"),
  which date parsers read as dates too.
- It never replaces a recorded absence, it names no delegate, and it ends as soon as the
  person acts in actas (they are plainly back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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


def inferred_span(text: str, received_at: datetime) -> InferredSpan:
    """How long the writer of an automatic reply received at ``received_at`` is probably
    away, by the date its ``text`` (subject and body) gives."""
    returning = stated_return(text, received_at.date())
    if returning is None:
        return InferredSpan(received_at, received_at + timedelta(days=UNDATED_DAYS), False)
    ends_at = datetime.combine(returning + timedelta(days=1), time(), tzinfo=UTC)
    return InferredSpan(received_at, max(ends_at, received_at + timedelta(hours=1)), True)


def last_day(ends_at: datetime) -> date:
    """The day a probable absence's reply named: it ends as that day does."""
    return (ends_at - timedelta(microseconds=1)).date()


def stated_return(text: str, today: date) -> date | None:
    """The latest date from ``today`` on that ``text`` names, within ``HORIZON_DAYS``."""
    found = search_dates(
        text[:4000],
        languages=LANGUAGES,
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time()),
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    dates = [
        when.date()
        for words, when in found or ()
        if any(c.isdigit() for c in words)
        and today <= when.date() <= today + timedelta(days=HORIZON_DAYS)
    ]
    return max(dates, default=None)
