"""Readable proposal references such as ``ACME-42``: the organisation's slug and a number that
is never reused."""

from __future__ import annotations


def format_reference(slug: str, number: int) -> str:
    return f"{slug.upper()}-{number}"


def parse_reference(reference: str) -> tuple[str, int] | None:
    """(slug, number) of a reference, or None when it cannot be one."""
    slug, _, number = reference.strip().rpartition("-")
    if not slug or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return None  # nine digits: no reference number overflows a database integer
    return slug.lower(), int(number)
