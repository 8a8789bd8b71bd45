"""The archive's fixed texts: the message catalogue's (``actas.api.catalogue``), in the site's
language. Templates read a text without fields as ``t.<key>`` and fill one with
``t.gettext("key", n=…)`` or ``t.ngettext("key", n)``, so numbers, percentages and dates in
it are Babel's for that language ("15,1 días"). A filled text is plain text like any other (it
may hold a person's name): templates escape it.
"""

from __future__ import annotations

from datetime import date

from actas.api.catalogue import LANGUAGES, Texts, texts_for

__all__ = ["LANGUAGES", "Texts", "month_of", "texts_for"]


def month_of(value: str) -> date:
    """A summary's month (``2026-05``) as the first day of that month."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)
