"""Who is away from a proposal's debate, until when, and who speaks for them: one answer.

- An **absence** covers ``[starts_at, ends_at)``; ending it early moves ``ends_at``.
- A **delegation** names a member who speaks for the absent one while the absence lasts, for the
  whole organisation, one unit's proposals (that unit's and the units' below it), or one proposal.
  The narrowest that covers a proposal wins: the proposal, then the nearest unit, then the
  organisation.
- **No chains**: a delegate who is away too is not used, and neither is their own delegate; nor
  is a delegate who may not vote on the proposal (not a member who may write and see it). Such a
  delegate is *skipped*: the absent voice then has nobody, and their head is told.
- The weight stays the absent member's: a delegate's position is the member's position, cast by
  someone else, and the member's own always replaces it.
- A **probable** absence, inferred from an automatic reply (``domain.inferred_absences``), counts
  like one with nobody to speak for them, unless a recorded absence covers the same time (which
  then wins). Only the member, their heads, the proposal's author and admins are shown it: it
  was read from a mailbox, not said to actas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from actas.api.domain.errors import ValidationFailed
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import DelegationScope

_ORGANISATION_WIDE = 1_000_000  # farther than any unit: an organisation delegation comes last


@dataclass(frozen=True)
class Delegation:
    delegate_id: int
    scope: DelegationScope
    unit_id: int | None = None
    proposal_id: int | None = None

    def distance(self, proposal_id: int, unit_lineage: Sequence[int]) -> int | None:
        """How narrowly it covers a proposal (0 is the proposal itself), or None if it does not.
        ``unit_lineage`` is the proposal's unit and the units above it, nearest first."""
        if self.scope is DelegationScope.PROPOSAL:
            return 0 if self.proposal_id == proposal_id else None
        if self.scope is DelegationScope.UNIT:
            if self.unit_id is None or self.unit_id not in unit_lineage:
                return None
            return 1 + list(unit_lineage).index(self.unit_id)
        return _ORGANISATION_WIDE


@dataclass(frozen=True)
class Absence:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    delegations: tuple[Delegation, ...] = ()
    note: str = ""
    id: int | None = None  # as stored
    probable: bool = False  # inferred from an automatic reply, not recorded
    until_stated: bool = True  # a probable absence's reply may give no date

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

    @property
    def delegates(self) -> set[int]:
        return {d.delegate_id for d in self.delegations}

    def delegate_for(self, proposal_id: int, unit_lineage: Sequence[int]) -> int | None:
        """The delegate named for a proposal, by the narrowest delegation that covers it."""
        covering = [
            (distance, d.delegate_id)
            for d in self.delegations
            if (distance := d.distance(proposal_id, unit_lineage)) is not None
        ]
        return min(covering)[1] if covering else None


@dataclass(frozen=True)
class AwayVoice:
    """A member away from one proposal's debate."""

    user_id: int
    until: datetime
    delegate_id: int | None  # who speaks for them on it; None: nobody can
    skipped_delegate_id: int | None = None  # named, but away too or unable to vote on it
    probable: bool = False  # inferred from an automatic reply
    until_stated: bool = True


def away_from(
    absences: Iterable[Absence],
    may_vote: Callable[[int], bool],
    *,
    at: datetime,
    proposal_id: int,
    unit_lineage: Sequence[int],
) -> dict[int, AwayVoice]:
    """Everyone away at ``at`` from one proposal, by user id; ``may_vote`` says whether a member
    may vote on it (the electorate's own test)."""
    current = _current(absences, at)
    away: dict[int, AwayVoice] = {}
    for user, absence in current.items():
        named = absence.delegate_for(proposal_id, unit_lineage)
        usable = named is not None and named != user and named not in current and may_vote(named)
        away[user] = AwayVoice(
            user_id=user,
            until=absence.ends_at,
            delegate_id=named if usable else None,
            skipped_delegate_id=None if usable else named,
            probable=absence.probable,
            until_stated=absence.until_stated,
        )
    return away


def _current(absences: Iterable[Absence], at: datetime) -> Mapping[int, Absence]:
    """Each member's absence covering ``at``: of two that overlap, a recorded one before a
    probable one, then the one lasting longer."""
    current: dict[int, Absence] = {}
    for absence in absences:
        if absence.covers(at):
            known = current.get(absence.user_id)
            if known is None or _precedence(absence) > _precedence(known):
                current[absence.user_id] = absence
    return current


def _precedence(absence: Absence) -> tuple[bool, datetime]:
    return not absence.probable, absence.ends_at


MAX_NOTE = 500
MAX_DELEGATIONS = 20


def may_record_for(
    actor_id: int, actor: MemberScope, subject_id: int, subject_unit: int | None, tree: UnitTree
) -> bool:
    """A member records their own absence; an admin, or the head of the member's unit or of a
    unit above it, records it for them (executives seldom do it themselves)."""
    if not actor.can_write:
        return False
    if actor_id == subject_id or actor.is_admin:
        return True
    return _heads(actor_id, subject_unit, tree)


def may_read_note(reader_id: int, reader: MemberScope | None, subject_id: int) -> bool:
    """An absence's note may be personal: the member reads it, and admins; nobody else."""
    return reader_id == subject_id or (reader is not None and reader.is_admin)


def may_see_probable(
    viewer_id: int,
    viewer: MemberScope | None,
    subject_id: int,
    subject_unit: int | None,
    tree: UnitTree,
    *,
    author_id: int | None = None,
) -> bool:
    """Who is shown that someone is probably away: they themself, admins, the heads of their
    unit and of the units above it, and the author of the proposal it concerns."""
    if viewer_id in (subject_id, author_id) or (viewer is not None and viewer.is_admin):
        return True
    return _heads(viewer_id, subject_unit, tree)


def _heads(user_id: int, unit: int | None, tree: UnitTree) -> bool:
    """Whether ``user_id`` heads ``unit`` or a unit above it."""
    return any(head == user_id for _, head in tree.heads_up_from(unit))


def check_terms(
    subject_id: int, starts_at: datetime, ends_at: datetime, delegations: Sequence[Delegation]
) -> None:
    """What any absence must be: a span, and delegations to others, one per thing covered."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationFailed("An absence's times need a time zone.", field="until")
    if ends_at <= starts_at:
        raise ValidationFailed("An absence must end after it starts.", field="until")
    if len(delegations) > MAX_DELEGATIONS:
        raise ValidationFailed(
            f"At most {MAX_DELEGATIONS} delegations per absence.", field="delegations"
        )
    covered = set()
    for delegation in delegations:
        if delegation.delegate_id == subject_id:
            raise ValidationFailed("Nobody can be their own delegate.", field="delegations")
        target = _target(delegation)
        if target in covered:
            raise ValidationFailed(
                "Two delegations cover the same thing: name one delegate for it.",
                field="delegations",
            )
        covered.add(target)


def _target(delegation: Delegation) -> tuple[DelegationScope, int | None]:
    if delegation.scope is DelegationScope.UNIT:
        if delegation.unit_id is None:
            raise ValidationFailed("A unit delegation names its unit.", field="delegations")
        return delegation.scope, delegation.unit_id
    if delegation.scope is DelegationScope.PROPOSAL:
        if delegation.proposal_id is None:
            raise ValidationFailed("A proposal delegation names its proposal.", field="delegations")
        return delegation.scope, delegation.proposal_id
    return delegation.scope, None
