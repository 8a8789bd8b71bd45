"""The message catalogue (api/catalogue.py): complete in every language, and Babel's formatting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.messages.catalog import Catalog

from actas.api.catalogue import (
    LANGUAGES,
    Message,
    Percent,
    Texts,
    fields_of,
    read_catalog,
    texts_for,
    translations,
)
from actas.api.domain.events import EventType

NBSP = "\xa0"


def forms(message_string: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if isinstance(message_string, tuple):
        return message_string
    return (message_string or "",)


def catalogue_problems(catalogs: Mapping[str, Catalog]) -> list[str]:
    """What is wrong with a set of catalogues: a key missing from a language or untranslated
    there, a fuzzy entry, a plural in one language and not another, or fields that differ
    between languages or plural forms."""
    problems = []
    entries = {
        language: {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in catalog if m.id}
        for language, catalog in catalogs.items()
    }
    keys = set().union(*entries.values())
    for key in sorted(keys):
        fields, plural = set(), set()
        for language, messages in entries.items():
            message = messages.get(key)
            if message is None:
                problems.append(f"{key}: missing in {language}")
                continue
            if message.fuzzy:
                problems.append(f"{key}: fuzzy in {language}")
            if not all(forms(message.string)):
                problems.append(f"{key}: untranslated in {language}")
            plural.add(isinstance(message.id, tuple))
            fields |= {frozenset(fields_of(text)) for text in forms(message.string)}
        if len(plural) > 1:
            problems.append(f"{key}: plural in one language only")
        if len(fields) > 1:
            problems.append(f"{key}: fields differ: {sorted(map(sorted, fields))}")
    return problems


def test_every_key_is_in_every_language_translated_and_with_the_same_fields() -> None:
    catalogs = {language: read_catalog(language) for language in LANGUAGES}
    assert catalogue_problems(catalogs) == []
    assert len(catalogs["es"]) > 150  # the archive's texts and the tally's reasons at least


def test_the_check_finds_a_missing_key_an_empty_text_and_a_changed_field() -> None:
    # The control: the check above would see a broken catalogue.
    es, en = read_catalog("es"), read_catalog("en")
    del es["site_name"]
    en["version_n"].string = ""
    en["reviewed"].string = "Reviewed by {someone} on {moment}."
    es["days"].string = ("{n} día", "{count} días")
    problems = catalogue_problems({"es": es, "en": en})
    assert "site_name: missing in es" in problems
    assert "version_n: untranslated in en" in problems
    assert any(p.startswith("reviewed: fields differ") for p in problems)
    assert any(p.startswith("days: fields differ") for p in problems)


def test_fields_are_found_in_both_styles() -> None:
    assert fields_of("{n} of {total}") == {"n", "total"}
    assert fields_of("version %(n)s") == {"n"}


def test_jinja_s_i18n_reads_the_same_catalogue() -> None:
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(translations("es"), newstyle=True)  # type: ignore[attr-defined]
    template = env.from_string('{{ _("outcome.accepted") }} · {{ ngettext("days", "days", 2) }}')
    assert template.render() == "Aceptada · {n} días"


def test_no_key_is_hidden_by_a_method_of_texts() -> None:
    # Templates read ``t.<key>``: a key named like a method would read the method instead.
    keys = {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalog("en") if m.id}
    assert not {key for key in keys if hasattr(Texts, key)}


def test_a_text_in_each_language() -> None:
    es, en = texts_for("es"), texts_for("en")
    assert es.site_name == "Archivo de decisiones" and en.site_name == "Decision archive"
    assert es["version_n"] == "Versión {n}"  # unfilled
    assert es.gettext("version_n", n=3) == "Versión 3"
    assert en.gettext("proposal.first_draft") == "First draft."
    assert es.gettext("proposal.first_draft") == "Primer borrador."


def test_a_missing_key_or_language_is_an_error_not_english() -> None:
    with pytest.raises(KeyError):
        texts_for("es").gettext("no.such.key")
    with pytest.raises(AttributeError):
        _ = texts_for("es").no_such_key
    with pytest.raises(KeyError):
        texts_for("es").gettext("reviewed", person="Ana")  # {moment} not given
    with pytest.raises(ValueError, match="fr"):
        texts_for("fr")


def test_numbers_and_percentages_in_the_reader_s_language() -> None:
    es, en = texts_for("es"), texts_for("en")
    assert es.ngettext("days", 15.1) == "15,1 días"
    assert en.ngettext("days", 15.1) == "15.1 days"
    assert es.format_decimal(12345.5) == "12.345,5" and en.format_decimal(12345.5) == "12,345.5"
    assert es.format_percent(2 / 3, 1) == f"66,7{NBSP}%"
    assert en.format_percent(2 / 3, 1) == "66.7%"
    assert es.format_percent(0.67, 1) == f"67,0{NBSP}%"  # the decimals asked for, kept
    spoke = es.gettext("spoke", n=3, total=4, p=Percent(0.75))
    assert spoke == f"Se pronunciaron 3 de 4 (75{NBSP}%)"


def test_plurals_follow_the_count() -> None:
    es, en = texts_for("es"), texts_for("en")
    assert es.ngettext("days", 1) == "1 día" and es.ngettext("days", 2) == "2 días"
    assert en.ngettext("days", 1) == "1 day" and en.ngettext("days", 1.5) == "1.5 days"
    assert en.ngettext("days", 1.0) == "1 day"
    with pytest.raises(KeyError):
        es.ngettext("version_n", 2)  # not a plural message


def test_dates_moments_months_and_durations() -> None:
    es, en = texts_for("es"), texts_for("en")
    day, moment = date(2026, 5, 15), datetime(2026, 5, 15, 14, 3, 59, tzinfo=UTC)
    assert es.format_date(day) == "15 may 2026" and en.format_date(day) == "May 15, 2026"
    assert es.format_moment(moment) == "15 may 2026, 14:03 UTC"
    assert en.format_moment(moment).replace("\u202f", " ") == "May 15, 2026, 2:03 PM UTC"
    assert es.format_month(day) == "may 2026" and en.format_month(day) == "May 2026"
    three_days = timedelta(days=3)
    assert es.format_timedelta(three_days, direction=True) == "dentro de 3 días"
    assert en.format_timedelta(three_days, direction=True) == "in 3 days"
    assert es.format_timedelta(-three_days, direction=True) == "hace 3 días"
    assert es.format_list(["a", "b", "c"]) == "a, b y c"
    assert es.gettext("reviewed", person="Ana", moment=moment) == (
        "Lo revisó Ana el 15 may 2026, 14:03 UTC."
    )


def test_a_message_kept_as_data_reads_back_and_renders_in_each_language() -> None:
    message = Message("tally.majority.share", {"share": Percent(2 / 3, 1), "needed": Percent(0.6)})
    assert Message.from_data(message.as_data()) == message
    assert texts_for("en").render(message) == "66.7% agree, 60% needed."
    assert texts_for("es").render(message) == (f"66,7{NBSP}% de acuerdo; se necesita el 60{NBSP}%.")
    blocked = Message("tally.consent.blocked", {"n": 1})
    assert texts_for("es").render(blocked) == "Lo bloquea 1 voz."
    assert texts_for("en").render(Message("tally.consent.blocked", {"n": 3})) == (
        "Blocked by 3 voices."
    )


def test_every_event_a_person_may_be_told_of_has_a_sentence_in_every_language() -> None:
    # Scheduled steps are worded by what they are to the reader (``notices.sentence_key``).
    worded_apart = {
        EventType.DEADLINE_APPROACHING,
        EventType.DEADLINE_PASSED,
        EventType.FOLLOW_UP_DUE,
        EventType.OUTCOME_REVIEW_DUE,
    }
    for language in LANGUAGES:
        t = texts_for(language)
        missing = [e for e in EventType if e not in worded_apart and f"mail.happened.{e}" not in t]
        assert not missing, (language, missing)
