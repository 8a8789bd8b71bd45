"""Recording absences and their delegations, and reading who is away (``domain.absences``).

Recording, changing and ending an absence are changes like any other: one transaction, one
event. Whether someone is away only changes who is chased and who may speak for whom, never a
tally (the absent member's weight and position stay theirs), so no tally is refreshed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.absences import (
    MAX_NOTE,
    Delegation,
    check_terms,
    may_record_for,
)
from actas.api.domain.errors import Forbidden, NotFound, ValidationFailed
from actas.api.domain.events import canonical_time
from actas.api.domain.permissions import ensure_write_scope
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import AbsenceSource, DelegationScope
from actas.api.models import Absence as AbsenceRow
from actas.api.models import Delegation as DelegationRow
from actas.api.models import Membership, Unit
from actas.api.services.access import UNIT_COLUMNS, require_member
from actas.api.services.away import absence_of
from actas.api.services.away_alerts import alert_on_absence
from actas.api.services.recording import change


@dataclass(frozen=True)
class AbsenceTerms:
    """What an absence says: from (None: now) until when, a note, and who speaks for whom."""

    ends_at: datetime
    starts_at: datetime | None = None
    note: str = ""
    delegations: tuple[Delegation, ...] = ()


async def record_absence(
    viewer: Viewer, organisation_id: int, *, user_id: int, terms: AbsenceTerms
) -> AbsenceRow:
    """Record that ``user_id`` is away, by themselves, their head or an admin."""
    ensure_write_scope(viewer)
    async with change(organisation_id, viewer.user_id) as work:
        await _ensure_may_record(viewer, organisation_id, user_id)
        starts_at = terms.starts_at or work.at
        note = _checked(viewer, user_id, starts_at, terms, now=work.at)
        await _check_delegations(viewer, organisation_id, terms.delegations)
        row = await AbsenceRow.create(
            organisation_id=organisation_id,
            user_id=user_id,
            starts_at=starts_at,
            ends_at=terms.ends_at,
            note=note,
            recorded_by_id=viewer.user_id,
            created_at=work.at,
            updated_at=work.at,
        )
        await _write_delegations(row, terms.delegations)
        work.record(payloads.AbsenceRecorded(*_terms(row, terms.delegations)))
        await alert_on_absence(work, user_id, starts_at)
    return row


async def change_absence(viewer: Viewer, absence_id: int, terms: AbsenceTerms) -> AbsenceRow:
    """Change an absence's dates, note or delegations (all of them: what ``terms`` says)."""
    ensure_write_scope(viewer)
    found = await _visible_absence(viewer, absence_id)
    async with change(found.organisation_id, viewer.user_id) as work:
        row = await AbsenceRow.get(id=absence_id)
        await _ensure_may_record(viewer, row.organisation_id, row.user_id)
        starts_at = terms.starts_at or row.starts_at
        note = _checked(viewer, row.user_id, starts_at, terms, now=work.at)
        await _check_delegations(viewer, row.organisation_id, terms.delegations)
        before = (row.starts_at, row.ends_at, set((await absence_of(row.id)).delegations))
        probable = row.source == AbsenceSource.AUTO_REPLY
        # Changed, an absence read from an automatic reply is one somebody recorded.
        row.update_from_dict(
            {
                "starts_at": starts_at,
                "ends_at": terms.ends_at,
                "note": note,
                "source": AbsenceSource.RECORDED,
                "until_stated": True,
                "updated_at": work.at,
            }
        )
        await row.save()
        await DelegationRow.filter(absence_id=row.id).delete()
        await _write_delegations(row, terms.delegations)
        # A probable one was never announced to the members: changed, it is recorded now.
        changed = payloads.AbsenceRecorded if probable else payloads.AbsenceChanged
        work.record(changed(*_terms(row, terms.delegations)))
        if before != (starts_at, terms.ends_at, set(terms.delegations)):
            await alert_on_absence(work, row.user_id, starts_at)  # a new note alone tells nobody
    return row


async def end_absence(viewer: Viewer, absence_id: int) -> AbsenceRow:
    """End an absence now (one that has not begun is called off). Ending it twice is a no-op."""
    ensure_write_scope(viewer)
    found = await _visible_absence(viewer, absence_id)
    async with change(found.organisation_id, viewer.user_id) as work:
        row = await AbsenceRow.get(id=absence_id)
        await _ensure_may_record(viewer, row.organisation_id, row.user_id)
        if row.ends_at <= work.at:
            return row
        row.update_from_dict({"ends_at": max(work.at, row.starts_at), "updated_at": work.at})
        await row.save()
        if row.source == AbsenceSource.AUTO_REPLY:
            return row  # never announced to the members: its end is no news to them either
        work.record(
            payloads.absence_ended(
                absence=row.id, user=row.user_id, ended_at=canonical_time(row.ends_at)
            )
        )
    return row


# --- checks --------------------------------------------------------------------------------------


async def _visible_absence(viewer: Viewer, absence_id: int) -> AbsenceRow:
    row = await AbsenceRow.get_or_none(id=absence_id)
    if row is None or viewer.member_of(row.organisation_id) is None:
        raise NotFound("absence", absence_id)
    return row


async def _ensure_may_record(viewer: Viewer, organisation_id: int, user_id: int) -> None:
    actor = require_member(viewer, organisation_id)
    subject = await Membership.get_or_none(organisation_id=organisation_id, user_id=user_id)
    if subject is None:
        raise NotFound("member", user_id)
    units = await Unit.filter(organisation_id=organisation_id).values(*UNIT_COLUMNS)
    if not may_record_for(viewer.user_id, actor, user_id, subject.unit_id, UnitTree.of(units)):
        raise Forbidden(
            "Only the member, the head of their unit (or of a unit above it) or an admin can "
            "record their absence."
        )


def _checked(
    viewer: Viewer, user_id: int, starts_at: datetime, terms: AbsenceTerms, *, now: datetime
) -> str:
    check_terms(user_id, starts_at, terms.ends_at, terms.delegations)
    if viewer.user_id != user_id and viewer.user_id in {d.delegate_id for d in terms.delegations}:
        # Else a head could declare someone present away and take their vote.
        raise Forbidden("Whoever records someone else's absence cannot be their delegate.")
    if terms.ends_at <= now:
        raise ValidationFailed("An absence must end in the future.", field="until")
    return clean.text(terms.note, field="note", max_length=MAX_NOTE, required=False)


async def _check_delegations(
    viewer: Viewer, organisation_id: int, delegations: Sequence[Delegation]
) -> None:
    """Delegates are members, and the units and proposals named are the organisation's."""
    delegates = {d.delegate_id for d in delegations}
    members = set(
        await Membership.filter(
            organisation_id=organisation_id, user_id__in=sorted(delegates)
        ).values_list("user_id", flat=True)
    )
    if delegates - members:
        raise ValidationFailed(
            "A delegate must be a member of the organisation.", field="delegations"
        )
    units = {d.unit_id for d in delegations if d.scope is DelegationScope.UNIT}
    if units and await Unit.filter(organisation_id=organisation_id, id__in=units).count() < len(
        units
    ):
        raise NotFound("unit", ", ".join(str(u) for u in sorted(u for u in units if u)))
    proposals = {d.proposal_id for d in delegations if d.scope is DelegationScope.PROPOSAL}
    seen = visible_proposals(viewer, organisation_id).filter(id__in=proposals)
    if proposals and await seen.count() < len(proposals):  # hidden ones answer as missing
        raise NotFound("proposal", ", ".join(str(p) for p in sorted(p for p in proposals if p)))


async def _write_delegations(row: AbsenceRow, delegations: Sequence[Delegation]) -> None:
    await DelegationRow.bulk_create(
        [
            DelegationRow(
                organisation_id=row.organisation_id,
                absence_id=row.id,
                delegate_id=d.delegate_id,
                scope=d.scope,
                unit_id=d.unit_id if d.scope is DelegationScope.UNIT else None,
                proposal_id=d.proposal_id if d.scope is DelegationScope.PROPOSAL else None,
            )
            for d in delegations
        ]
    )


def _terms(
    row: AbsenceRow, delegations: Sequence[Delegation]
) -> tuple[int, int, str, str, tuple[payloads.DelegationTerms, ...]]:
    """An absence's payload fields, in their order."""
    return (
        row.id,
        row.user_id,
        canonical_time(row.starts_at),
        canonical_time(row.ends_at),
        tuple(payloads.DelegationTerms(d.delegate_id, d.scope, d.unit_id) for d in delegations),
    )
