"""Who is away: the stored absences and their delegations, read as ``domain.absences`` sees
them, in one query however many there are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from actas.api import clock
from actas.api.domain.absences import Absence, Delegation
from actas.api.domain.vocabulary import DelegationScope
from actas.api.models import Absence as AbsenceRow

# An absence joined with its delegations: a row each (or one with none), read by ``_grouped``.
_COLUMNS = (
    "id",
    "organisation_id",
    "user_id",
    "starts_at",
    "ends_at",
    "note",
    "delegations__delegate_id",
    "delegations__scope",
    "delegations__unit_id",
    "delegations__proposal_id",
)


async def absences_at(organisation_ids: Iterable[int], at: datetime) -> dict[int, list[Absence]]:
    """The absences covering ``at``, by organisation, in one query however many there are."""
    wanted = sorted(set(organisation_ids))
    if not wanted:
        return {}
    rows = await AbsenceRow.filter(
        organisation_id__in=wanted, starts_at__lte=at, ends_at__gt=at
    ).values(*_COLUMNS)
    return _grouped(rows)


async def absences_of(organisation_id: int, user_ids: Sequence[int]) -> dict[int, list[Absence]]:
    """Each member's absences that have not ended yet (current and coming), soonest first."""
    rows = await (
        AbsenceRow.filter(
            organisation_id=organisation_id, user_id__in=list(user_ids), ends_at__gt=clock.now()
        )
        .order_by("starts_at", "id")
        .values(*_COLUMNS)
    )
    by_user: dict[int, list[Absence]] = {user: [] for user in user_ids}
    for found in _grouped(rows).values():
        for absence in found:
            by_user[absence.user_id].append(absence)
    return by_user


def _grouped(rows: Iterable[Mapping[str, Any]]) -> dict[int, list[Absence]]:
    """Absences from rows joined with their delegations (one row per delegation, or one with
    none), by organisation, in the rows' order."""
    found: dict[int, tuple[Mapping[str, Any], list[Delegation]]] = {}
    for row in rows:
        _, delegations = found.setdefault(row["id"], (row, []))
        if row["delegations__delegate_id"] is not None:
            delegations.append(
                Delegation(
                    delegate_id=row["delegations__delegate_id"],
                    scope=DelegationScope(row["delegations__scope"]),
                    unit_id=row["delegations__unit_id"],
                    proposal_id=row["delegations__proposal_id"],
                )
            )
    grouped: dict[int, list[Absence]] = {}
    for row, delegations in found.values():
        grouped.setdefault(row["organisation_id"], []).append(
            Absence(
                id=row["id"],
                user_id=row["user_id"],
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                delegations=tuple(delegations),
                note=row["note"],
            )
        )
    return grouped
