"""One message catalogue for every fixed text actas shows or writes: archive pages, emails, tally
reasons and default texts written into records. Pure (no web or template imports): the domain,
the services, the schema and the archive all read it.

The catalogue is gettext ``.po`` files, one per language, in ``api/locale/<lang>/LC_MESSAGES/
actas.po``, loaded with Babel. Messages are keyed by stable ids (``outcome.accepted``,
``tally.majority.share``), not by English sentences: rewording the English then changes one
``msgstr`` and no code, and a key missing from a language is an error, never a silent English
fallback. Fields are ``{name}`` (``python-brace-format``); a plural message has
``msgid_plural "<key>.plural"`` and its forms as ``Plural-Forms`` orders them. Templates that
go through Jinja's i18n extension (``_("Check your email")``, ``%(name)s`` fields) may use their
English sentence as the key; it still needs an entry in every language, English included.

To add a text: add the same ``msgid`` to every ``api/locale/*/LC_MESSAGES/actas.po`` (English
``msgstr`` too), then run ``pytest tests/api/test_catalogue.py``.

The ``.po`` files are read directly (parsed once per process, a few milliseconds): there is no
compiled ``.mo`` that could go stale, and a plain ``pip install .`` ships them as package data.
``tests/api/test_catalogue.py`` checks every key is in every language with the same fields.

How to use it::

    from actas.api.catalogue import Message, Percent, texts_for

    t = texts_for("es")                      # or a Language member; ValueError for others
    t.gettext("outcome.accepted")            # "Aceptada"
    t.gettext("version_n", n=3)              # fields by keyword
    t.ngettext("days", 15.1)                 # "15,1 días": plural form chosen by n, n filled
    t.gettext("tally.majority.share", share=Percent(2 / 3, 1), needed=Percent(0.6))
                                             # "66,7 % de acuerdo; se necesita el 60 %."
    t.render(Message("tally.consent.blocked", {"n": 2}))   # a message kept as data
    t.format_decimal(1234.5), t.format_percent(0.25), t.format_date(d), t.format_moment(dt)
    t.format_month(d)                        # "may 2026"
    t.format_timedelta(timedelta(days=3), direction=True)   # "dentro de 3 días"
    t.format_list(["a", "b", "c"])           # "a, b y c"
    t.site_name                              # templates: a text without fields

A field's value is formatted for the language: ``int``/``float``/``Decimal`` as a number,
``Percent`` as a percentage, ``datetime`` as a moment, ``date`` as a date, anything else as
``str``. A ``Message`` is a text to show later in its reader's language (a tally's reason is
one): keep it as data with ``as_data`` / ``Message.from_data``.
"""

from __future__ import annotations

import functools
import io
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, dates, lists, numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "actas"
LANGUAGES = ("es", "en")
PLURAL_SUFFIX = ".plural"


@dataclass(frozen=True)
class Percent:
    """A share (0.25 for 25 %) to show as a percentage with ``decimals`` decimals."""

    value: float
    decimals: int = 0


Param = int | float | str | Percent


@dataclass(frozen=True)
class Message:
    """A catalogue text not yet in any language: its key and the values of its fields. A plural
    message's count is ``params["n"]``."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        """JSON-ready: a ``Percent`` as ``{"percent": value, "decimals": d}``."""
        return {
            "key": self.key,
            "params": {
                name: {"percent": v.value, "decimals": v.decimals} if isinstance(v, Percent) else v
                for name, v in sorted(self.params.items())
            },
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        params: dict[str, Param] = {
            name: Percent(v["percent"], v["decimals"]) if isinstance(v, dict) else v
            for name, v in data["params"].items()
        }
        return cls(data["key"], params)


def texts_for(language: str) -> Texts:
    """The catalogue's texts in ``language`` (``es`` or ``en``), loaded once per process."""
    if language not in LANGUAGES:
        raise ValueError(f"No texts for language {language!r}: use one of {LANGUAGES}.")
    return _texts(str(language))


@functools.cache
def _texts(language: str) -> Texts:
    return Texts(language, read_catalog(language))


def translations(language: str) -> Translations:
    """The catalogue as gettext's object (``gettext``, ``ngettext``, ``pgettext``), for Jinja's
    i18n extension: ``env.install_gettext_translations(translations(language), newstyle=True)``."""
    return texts_for(language).translations


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


class Texts:
    """The catalogue in one language, with Babel's formatting of numbers and dates in it."""

    def __init__(self, language: str, catalog: Catalog) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self.translations = _translations(catalog)  # gettext's interface, for jinja2.ext.i18n
        self._singular = {m.id for m in catalog if isinstance(m.id, str) and m.id}
        self._plural = {m.id[0] for m in catalog if isinstance(m.id, tuple)}

    # Messages -------------------------------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return key in self._singular or key in self._plural

    def __getitem__(self, key: str) -> str:
        """A message's text with its fields unfilled (KeyError if the catalogue lacks it)."""
        if key not in self._singular:
            raise KeyError(key)
        return self.translations.gettext(key)

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def gettext(self, key: str, /, **params: object) -> str:
        return self.fill(self[key], params)

    def ngettext(self, key: str, n: float | Decimal, /, **params: object) -> str:
        """The form of ``key`` for the count ``n``, with ``n`` among its fields."""
        if key not in self._plural:
            raise KeyError(key)
        text = self.translations.ngettext(key, key + PLURAL_SUFFIX, _plural_operand(n))
        return self.fill(text, {"n": n, **params})

    def render(self, message: Message) -> str:
        if message.key in self._plural:
            count = message.params["n"]
            assert isinstance(count, int | float), f"{message.key} counts with a number"
            return self.ngettext(message.key, count, **message.params)
        return self.gettext(message.key, **message.params)

    def fill(self, text: str, params: Mapping[str, object]) -> str:
        """``text``'s ``{fields}`` from ``params``, each value formatted for the language (a
        mapping with defaults, such as a ``defaultdict``, fills unknown fields)."""
        return text.format_map(_Formatted(self, params))

    # Formatting -----------------------------------------------------------------------------

    def format_value(self, value: object) -> str:
        if isinstance(value, bool | str):
            return str(value)
        if isinstance(value, Percent):
            return self.format_percent(value.value, value.decimals)
        if isinstance(value, int | float | Decimal):
            return self.format_decimal(value)
        if isinstance(value, datetime):
            return self.format_moment(value)
        if isinstance(value, date):
            return self.format_date(value)
        return str(value)

    def format_decimal(self, value: float | Decimal) -> str:
        return numbers.format_decimal(value, locale=self.locale)

    def format_percent(self, share: float | Decimal, decimals: int = 0) -> str:
        """``share`` (0.25) as a percentage with exactly ``decimals`` decimals (``25,0 %``)."""
        pattern = numbers.parse_pattern(self.locale.percent_formats[None])
        pattern.frac_prec = (decimals, decimals)
        return str(pattern.apply(share, self.locale))

    def format_date(self, value: date) -> str:
        return dates.format_date(value, "medium", locale=self.locale)

    def format_moment(self, value: datetime) -> str:
        """A moment in UTC, to the minute: ``15 may 2026, 14:03 UTC``."""
        value = value.astimezone(UTC)
        joined = dates.get_datetime_format("medium", locale=self.locale)
        time = dates.format_time(value, "short", tzinfo=UTC, locale=self.locale)
        day = dates.format_date(value, "medium", locale=self.locale)
        return str(joined).replace("{0}", time).replace("{1}", day) + " UTC"

    def format_month(self, value: date) -> str:
        """A month of a year: ``may 2026``."""
        return dates.format_skeleton("yMMM", value, locale=self.locale)

    def format_timedelta(self, value: timedelta, *, direction: bool = False) -> str:
        """A duration (``3 días``), or with ``direction`` a time from now (``dentro de 3 días``,
        ``hace 3 días`` when ``value`` is negative)."""
        return dates.format_timedelta(value, add_direction=direction, locale=self.locale)

    def format_list(self, items: Iterable[str]) -> str:
        return lists.format_list(list(items), locale=self.locale)


class _Formatted(Mapping[str, str]):
    """The fields of one message, formatted as they are read."""

    def __init__(self, texts: Texts, params: Mapping[str, object]) -> None:
        self._texts, self._params = texts, params

    def __getitem__(self, name: str) -> str:
        return self._texts.format_value(self._params[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)


def fields_of(text: str) -> set[str]:
    """The names of a text's fields: ``{name}``, or ``%(name)s`` as Jinja's i18n fills them."""
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return braces | set(re.findall(r"%\((\w+)\)", text))


def _translations(catalog: Catalog) -> Translations:
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _plural_operand(n: float | Decimal) -> int:
    """gettext chooses a plural form by an integer: a whole number is itself, and a fraction
    (1.5 days) takes the form of 2, which in English and Spanish is CLDR's ``other``."""
    return int(n) if n == int(n) else 2
