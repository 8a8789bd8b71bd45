"""What a viewer may do on each of many proposals (``domain.abilities``), read in a fixed number
of queries however many proposals: their participants; for open proposals under consent, who
votes (to know who may block); for accepted ones, the viewer's follow-ups and the outcome
reviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from actas.api import clock
from actas.api.domain.abilities import NOTHING, ProposalAbilities, Situation, abilities_in
from actas.api.domain.electorate import Electorate
from actas.api.domain.permissions import ProposalActor
from actas.api.domain.visibility import Viewer, audience_of
from actas.api.domain.vocabulary import ParticipantRole, ProposalState, RuleKind
from actas.api.models import FollowUp, OutcomeReview, Participant, Proposal
from actas.api.services.electorates import load_electorates
from actas.api.services.tallies import tally_as_read


async def abilities_of(
    viewer: Viewer, proposals: Sequence[Proposal]
) -> dict[int, ProposalAbilities]:
    """What ``viewer`` may do now on each proposal, by proposal id (nothing on one they cannot
    see)."""
    roles = await _participant_roles([p.id for p in proposals])
    electorates = await load_electorates(
        p for p in proposals if p.state == ProposalState.OPEN and p.rule == RuleKind.CONSENT
    )
    accepted = [p.id for p in proposals if p.state == ProposalState.ACCEPTED]
    owned, reviewed = await _follow_through(viewer.user_id, accepted)
    now = clock.now()
    return {
        p.id: _abilities(
            viewer,
            p,
            roles[p.id],
            electorates.get(p.id),
            owns_follow_up=p.id in owned,
            outcome_recorded=p.id in reviewed,
            now=now,
        )
        for p in proposals
    }


def _abilities(
    viewer: Viewer,
    proposal: Proposal,
    roles: dict[int, ParticipantRole],
    electorate: Electorate | None,
    *,
    owns_follow_up: bool,
    outcome_recorded: bool,
    now: datetime,
) -> ProposalAbilities:
    member = viewer.member_of(proposal.organisation_id)
    if member is None or not audience_of(proposal, roles).can_see(viewer.user_id, member):
        return NOTHING
    actor = ProposalActor(
        user_id=viewer.user_id,
        member=member,
        is_author=proposal.author_id == viewer.user_id,
        participant_role=roles.get(viewer.user_id),
    )
    state = ProposalState(proposal.state)
    situation = Situation.of(
        actor,
        viewer.scope,
        proposal,
        now=now,
        has_decider=ParticipantRole.DECIDER in roles.values(),
        # Only an open proposal is decided: elsewhere its state refuses before any tally.
        tally=tally_as_read(proposal.tally, state=state, deadline=proposal.deadline)
        if state is ProposalState.OPEN
        else None,
        electorate=electorate,
        owns_follow_up=owns_follow_up,
        outcome_recorded=outcome_recorded,
    )
    return abilities_in(situation)


async def _participant_roles(proposal_ids: list[int]) -> dict[int, dict[int, ParticipantRole]]:
    roles: dict[int, dict[int, ParticipantRole]] = {pid: {} for pid in proposal_ids}
    if proposal_ids:
        rows = await Participant.filter(proposal_id__in=proposal_ids).values_list(
            "proposal_id", "user_id", "role"
        )
        for proposal_id, user_id, role in rows:
            roles[proposal_id][user_id] = ParticipantRole(role)
    return roles


async def _follow_through(user_id: int, accepted: list[int]) -> tuple[set[int], set[int]]:
    """Of the accepted proposals: those where the user owns a follow-up, those reviewed."""
    if not accepted:
        return set(), set()
    owned = await FollowUp.filter(proposal_id__in=accepted, owner_id=user_id).values("proposal_id")
    reviewed = await OutcomeReview.filter(proposal_id__in=accepted).values("proposal_id")
    return {row["proposal_id"] for row in owned}, {row["proposal_id"] for row in reviewed}
