"""Reading the electorates of loaded proposals (``domain.electorate``) in a fixed number of
queries, however many proposals and organisations: participants, positions, and the scopes of
the people who may vote (every member's only for organisations with a proposal that names no
voters)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from tortoise.expressions import Q, Subquery

from actas.api import clock
from actas.api.domain.absences import AwayVoice, away_from
from actas.api.domain.electorate import Electorate, electorate_of, names_its_voters
from actas.api.domain.lifecycle import deadline_passed
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import (
    REQUIRED_VOICES,
    ParticipantRole,
    PositionStance,
    ProposalState,
)
from actas.api.models import Membership, Participant, Position, Proposal, Unit
from actas.api.services.access import (
    MEMBERSHIP_COLUMNS,
    UNIT_COLUMNS,
    member_scopes,
    proposal_audiences,
)
from actas.api.services.away import absences_at


async def load_electorates(
    proposals: Iterable[Proposal], *, at: datetime | None = None
) -> dict[int, Electorate]:
    """The electorate of each proposal, by proposal id (who is away: at ``at``, default now)."""
    proposals = list(proposals)
    if not proposals:
        return {}
    ids = [p.id for p in proposals]
    roles: dict[int, dict[int, ParticipantRole]] = {pid: {} for pid in ids}
    for pid, user, role in await Participant.filter(proposal_id__in=ids).values_list(
        "proposal_id", "user_id", "role"
    ):
        roles[pid][user] = ParticipantRole(role)
    stances: dict[int, dict[int, PositionStance]] = {pid: {} for pid in ids}
    for pid, user, stance in await Position.filter(proposal_id__in=ids).values_list(
        "proposal_id", "user_id", "stance"
    ):
        stances[pid][user] = PositionStance(stance)
    return await electorates_from(proposals, roles, stances, at=at)


async def electorates_from(
    proposals: list[Proposal],
    roles: Mapping[int, Mapping[int, ParticipantRole]],
    stances: Mapping[int, Mapping[int, PositionStance]],
    *,
    at: datetime | None = None,
) -> dict[int, Electorate]:
    """The electorates of proposals whose participants and positions the caller has read."""
    now = at or clock.now()
    organisations = sorted({p.organisation_id for p in proposals})
    absences = await absences_at(organisations, now)
    audiences = await proposal_audiences(proposals, participants=roles)
    delegates = {org: {d for a in found for d in a.delegates} for org, found in absences.items()}
    scopes, trees = await _voting_scopes(proposals, roles, delegates)

    def away(proposal: Proposal) -> Callable[[Callable[[int], bool]], dict[int, AwayVoice]]:
        lineage = trees.get(proposal.organisation_id, UnitTree({})).lineage(proposal.unit_id)
        return partial(
            away_from,
            absences.get(proposal.organisation_id, ()),
            at=now,
            proposal_id=proposal.id,
            unit_lineage=lineage,
        )

    return {
        p.id: electorate_of(
            audiences[p.id],
            roles[p.id],
            scopes.get(p.organisation_id, {}),
            stances[p.id],
            away=away(p),
        )
        for p in proposals
    }


async def _voting_scopes(
    proposals: list[Proposal],
    roles: Mapping[int, Mapping[int, ParticipantRole]],
    delegates: Mapping[int, set[int]],
) -> tuple[dict[int, dict[int, MemberScope]], dict[int, UnitTree]]:
    """Scopes by organisation and user: of the participants and the delegates of those away,
    and of every member where a proposal lets its audience vote; and each unit tree."""
    everyone = {p.organisation_id for p in proposals if not names_its_voters(roles[p.id])}
    named: dict[int, set[int]] = {}
    for p in proposals:
        if p.organisation_id not in everyone:
            named.setdefault(p.organisation_id, set()).update(roles[p.id])
            named[p.organisation_id] |= delegates.get(p.organisation_id, set())
    clauses = [Q(organisation_id__in=sorted(everyone))] if everyone else []
    clauses += [
        Q(organisation_id=org, user_id__in=sorted(users)) for org, users in named.items() if users
    ]
    if not clauses:
        return {}, {}
    memberships = await Membership.filter(Q(*clauses, join_type="OR")).values(*MEMBERSHIP_COLUMNS)
    organisations = sorted({p.organisation_id for p in proposals})
    units = await Unit.filter(organisation_id__in=organisations).values(*UNIT_COLUMNS)
    scopes: dict[int, dict[int, MemberScope]] = {}
    for (org, user), scope in member_scopes(memberships, units).items():
        scopes.setdefault(org, {})[user] = scope
    by_organisation: dict[int, list[dict[str, Any]]] = {}
    for unit in units:
        by_organisation.setdefault(unit["organisation_id"], []).append(unit)
    return scopes, {org: UnitTree.of(rows) for org, rows in by_organisation.items()}


async def awaited_from(
    users: Iterable[int], organisation_id: int | None = None, *, now: datetime | None = None
) -> dict[int, list[Proposal]]:
    """The open proposals whose electorate awaits each of ``users`` (a required voice still
    silent, and past the deadline only a decider), by user: what digests count and
    ``waitingForMe`` lists."""
    wanted = sorted(set(users))
    named = Participant.filter(user_id__in=wanted, role__in=sorted(REQUIRED_VOICES))
    candidates = Proposal.filter(
        state=ProposalState.OPEN, id__in=Subquery(named.values("proposal_id"))
    )
    if organisation_id is not None:
        candidates = candidates.filter(organisation_id=organisation_id)
    proposals = await candidates.select_related("organisation", "author", "decision")
    electorates = await load_electorates(proposals)
    now = now or clock.now()

    def awaits(proposal: Proposal, user: int) -> bool:
        # Past the deadline no position can be taken: only a decider is still awaited (to decide).
        electorate = electorates[proposal.id]
        late = deadline_passed(proposal.deadline, now=now)
        return electorate.awaits(user) and (not late or user in electorate.deciders)

    return {user: [p for p in proposals if awaits(p, user)] for user in wanted}
