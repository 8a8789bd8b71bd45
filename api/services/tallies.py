"""Keeping each open proposal's stored tally current.

The tally depends on positions, participants, memberships (roles, weights, units) and the unit
tree, so every service that changes one of those calls ``refresh_tallies`` in its transaction.
A proposal's tally freezes when it closes: the decision keeps a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from actas.api.domain.rules import DecisionRule, Tally, Voter, compute_tally
from actas.api.domain.visibility import MemberScope, ProposalAudience, can_see_proposal
from actas.api.domain.vocabulary import (
    VOTING_ROLES,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
)
from actas.api.models import Participant, Position, Proposal
from actas.api.services.access import organisation_scopes, proposal_audiences


def eligible_voters(
    audience: ProposalAudience,
    participant_roles: Mapping[int, ParticipantRole],
    scopes: Mapping[int, MemberScope],
) -> list[Voter]:
    """The proposal's voting participants if it names any, else every member of its audience who
    may take a position (``rules`` explains why)."""
    voting = {user: role for user, role in participant_roles.items() if role in VOTING_ROLES}
    if voting:
        return [
            Voter(user, scopes[user].weight, role)
            for user, role in sorted(voting.items())
            if user in scopes and scopes[user].can_write and scopes[user].weight > 0
        ]
    return [
        Voter(user, member.weight, participant_roles.get(user))
        for user, member in sorted(scopes.items())
        if member.can_write
        and member.weight > 0  # a weight of 0 speaks but is not counted
        and participant_roles.get(user) is not ParticipantRole.INFORMED
        and can_see_proposal(user, member, audience)
    ]


async def refresh_tallies(organisation_id: int, proposal_ids: Iterable[int] | None = None) -> None:
    """Recompute and store the tally of the given proposals (default: all open ones) that are not
    closed."""
    query = Proposal.filter(organisation_id=organisation_id).exclude(
        state__in=[state for state in ProposalState if state.is_closed]
    )
    if proposal_ids is not None:
        query = query.filter(id__in=list(proposal_ids))
    else:
        query = query.filter(state=ProposalState.OPEN)
    proposals = await query
    if not proposals:
        return
    ids = [p.id for p in proposals]
    audiences = await proposal_audiences(proposals)
    roles: dict[int, dict[int, ParticipantRole]] = {pid: {} for pid in ids}
    for pid, user, role in await Participant.filter(proposal_id__in=ids).values_list(
        "proposal_id", "user_id", "role"
    ):
        roles[pid][user] = ParticipantRole(role)
    # When every proposal names its voters, only their scopes count (see ``eligible_voters``).
    voting = [{u for u, r in roles[pid].items() if r in VOTING_ROLES} for pid in ids]
    scopes = await organisation_scopes(
        organisation_id, users=set().union(*voting) if all(voting) else None
    )
    stances: dict[int, dict[int, PositionStance]] = {pid: {} for pid in ids}
    for pid, user, stance in await Position.filter(proposal_id__in=ids).values_list(
        "proposal_id", "user_id", "stance"
    ):
        stances[pid][user] = PositionStance(stance)
    for proposal in proposals:
        tally = compute_tally(
            rule_of(proposal),
            eligible_voters(audiences[proposal.id], roles[proposal.id], scopes),
            stances[proposal.id],
        ).to_json()
        if tally != proposal.tally:
            await Proposal.filter(id=proposal.id).update(tally=tally)
            proposal.tally = tally


def rule_of(proposal: Proposal) -> DecisionRule:
    return DecisionRule(RuleKind(proposal.rule), proposal.threshold, proposal.quorum)


async def current_tally(proposal: Proposal) -> Tally:
    await refresh_tallies(proposal.organisation_id, [proposal.id])
    await proposal.refresh_from_db(fields=["tally"])
    return Tally.from_json(proposal.tally)
