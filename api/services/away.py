"""Who is away: the stored absences and their delegations, read as ``domain.absences`` sees
them, in one query however many there are."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from actas.api import clock
from actas.api.domain.absences import Absence, AwayVoice, Delegation, may_see_probable
from actas.api.domain.electorate import Electorate
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import AbsenceSource, DelegationScope
from actas.api.models import Absence as AbsenceRow
from actas.api.models import Membership, Proposal, Unit
from actas.api.services.access import UNIT_COLUMNS

# An absence joined with its delegations: a row each (or one with none), read by ``_grouped``.
_COLUMNS = (
    "id",
    "organisation_id",
    "user_id",
    "starts_at",
    "ends_at",
    "note",
    "source",
    "until_stated",
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


async def absence_of(absence_id: int) -> Absence:
    """One stored absence, with its delegations, as the domain reads it (one query)."""
    rows = await AbsenceRow.filter(id=absence_id).values(*_COLUMNS)
    [absence] = [a for found in _grouped(rows).values() for a in found]
    return absence


async def away_shown(
    viewer: Viewer, proposals: Sequence[Proposal], electorates: Mapping[int, Electorate]
) -> dict[int, list[AwayVoice]]:
    """Each proposal's away voices as ``viewer`` is shown them, by user id: all but the probable
    ones ``may_see_probable`` keeps from them (two queries when there are any, else none)."""
    shown = {
        p.id: sorted(electorates[p.id].away.values(), key=lambda v: v.user_id)
        for p in proposals
        if p.id in electorates
    }
    probable = {
        (p.organisation_id, v.user_id) for p in proposals for v in shown.get(p.id, ()) if v.probable
    }
    if not probable:
        return shown
    sees = await _probable_rule(viewer, probable)
    for p in proposals:
        shown[p.id] = [
            v
            for v in shown.get(p.id, [])
            if not v.probable or sees(p.organisation_id, v.user_id, p.author_id)
        ]
    return shown


async def absences_shown(
    viewer: Viewer, absences: Mapping[tuple[int, int], list[Absence]]
) -> dict[tuple[int, int], list[Absence]]:
    """Members' absences, by (organisation, user), as ``viewer`` is shown them: the probable
    ones only where ``may_see_probable`` lets them."""
    probable = {key for key, found in absences.items() if any(a.probable for a in found)}
    if not probable:
        return dict(absences)
    sees = await _probable_rule(viewer, probable)
    return {
        (org, user): [a for a in found if not a.probable or sees(org, user, None)]
        for (org, user), found in absences.items()
    }


async def _probable_rule(
    viewer: Viewer, subjects: Iterable[tuple[int, int]]
) -> Callable[[int, int, int | None], bool]:
    """Whether ``viewer`` may see (organisation, user)'s probable absence, on a proposal by
    an author (or None), with the subjects' units and the unit trees read once."""
    organisations = sorted({org for org, _ in subjects})
    users = sorted({user for _, user in subjects})
    units_of = {
        (row["organisation_id"], row["user_id"]): row["unit_id"]
        for row in await Membership.filter(
            organisation_id__in=organisations, user_id__in=users
        ).values("organisation_id", "user_id", "unit_id")
    }
    tree = UnitTree.of(await Unit.filter(organisation_id__in=organisations).values(*UNIT_COLUMNS))

    def sees(organisation_id: int, user_id: int, author_id: int | None) -> bool:
        return may_see_probable(
            viewer.user_id,
            viewer.member_of(organisation_id),
            user_id,
            units_of.get((organisation_id, user_id)),
            tree,
            author_id=author_id,
        )

    return sees


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
                probable=row["source"] == AbsenceSource.AUTO_REPLY,
                until_stated=row["until_stated"],
            )
        )
    return grouped
