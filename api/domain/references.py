"""Readable proposal references such as ``ACME-42``: the organisation's slug and a number that
is never reused."""

from __future__ import annotations

from actas.api.domain.errors import NotFound


def format_reference(slug: str, number: int) -> str:
    return f"{slug.upper()}-{number}"


def parse_reference(reference: str) -> tuple[str, int]:
    """(slug, number) of a reference; a malformed one is simply not found."""
    slug, _, number = reference.strip().rpartition("-")
    if not slug or not number.isdigit():
        raise NotFound("proposal", reference)
    return slug.lower(), int(number)
