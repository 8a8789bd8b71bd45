"""Input cleaning shared by every service: one message per kind of bad input."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import email_validator

from actas.api.catalogue import Message
from actas.api.domain.errors import ValidationFailed

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
MAX_TAGS = 10
MAX_BODY = 100_000


def text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trimmed text within ``max_length``; empty only when not ``required``."""
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationFailed(
            f"The {_label(field)} cannot be empty.",
            field=field,
            words=Message(f"error.empty.{field}"),
        )
    if len(cleaned) > max_length:
        raise ValidationFailed(
            f"The {_label(field)} is {len(cleaned)} characters long; at most {max_length} fit.",
            field=field,
            words=Message("error.too_long", {"length": len(cleaned), "most": max_length}),
        )
    return cleaned


def optional_text(value: str | None, *, field: str, max_length: int) -> str | None:
    if value is None:
        return None
    return text(value, field=field, max_length=max_length, required=False) or None


def slug(value: str) -> str:
    cleaned = value.strip().lower()
    if not 2 <= len(cleaned) <= 40 or not SLUG.match(cleaned):
        raise ValidationFailed(
            "A slug is 2 to 40 lowercase letters, digits and single hyphens, starting with a "
            f"letter; {value!r} is not.",
            field="slug",
        )
    return cleaned


def email(value: str) -> str:
    """One plain address (no display name, no quoted or non-ASCII local part, no list), in the
    form stored and compared: ASCII (an international domain in its IDNA form), lowercase."""
    try:
        checked = email_validator.validate_email(
            value.strip(), check_deliverability=False, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError as error:
        raise ValidationFailed(
            f"{value!r} is not an email address: {error}", field="email"
        ) from None
    # Without SMTPUTF8 the ASCII form always exists; ``normalized`` only satisfies the type.
    return (checked.ascii_email or checked.normalized).lower()


def tags(values: Iterable[str]) -> list[str]:
    cleaned = sorted({value.strip().lower() for value in values if value.strip()})
    for tag in cleaned:
        if not TAG.match(tag):
            raise ValidationFailed(
                f"A tag is up to 50 lowercase letters, digits and hyphens; {tag!r} is not.",
                field="tags",
            )
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(f"At most {MAX_TAGS} tags fit on a proposal.", field="tags")
    return cleaned


def weight(value: int) -> int:
    if not 0 <= value <= 1000:
        raise ValidationFailed(
            "A decision weight is a whole number from 0 to 1000.", field="weight"
        )
    return value


MAX_HOURS = 24 * 30


def hours(value: int, *, field: str) -> int:
    """A number of hours before a deadline: 0 (when it passes) to 30 days."""
    if not 0 <= value <= MAX_HOURS:
        raise ValidationFailed(f"Hours are between 0 and {MAX_HOURS}.", field=field)
    return value


def hours_list(values: Iterable[int], *, field: str) -> str:
    """Reminder hours, stored as "48,24" (largest first, each once, at most five). Each is at
    least one hour: reminders are sent only while the deadline is ahead, so one at 0 hours
    could never fire (at the deadline its own step reminds and escalates)."""
    cleaned = sorted(set(values), reverse=True)
    if any(not 1 <= v <= MAX_HOURS for v in cleaned):
        raise ValidationFailed(
            f"Reminders are 1 to {MAX_HOURS} hours before a deadline (at 0 hours it has passed).",
            field=field,
        )
    if len(cleaned) > 5:
        raise ValidationFailed("At most five reminders before a deadline.", field=field)
    return ",".join(str(v) for v in cleaned)


def future(moment: datetime | None, *, now: datetime, field: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValidationFailed(f"The {_label(field)} needs a time zone.", field=field)
    if moment <= now:
        raise ValidationFailed(f"The {_label(field)} must be in the future.", field=field)
    return moment


@dataclass(frozen=True)
class Impact:
    """The expected impact on a metric; every part is optional."""

    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    by: date | None = None

    def cleaned(self) -> Impact:
        return Impact(
            metric=optional_text(self.metric, field="impact.metric", max_length=200),
            baseline=optional_text(self.baseline, field="impact.baseline", max_length=100),
            target=optional_text(self.target, field="impact.target", max_length=100),
            by=self.by,
        )


def _label(field: str) -> str:
    return field.replace("_", " ").replace(".", " ")
