"""Everything the proposal page shows to one person, read in a fixed handful of queries.

The page (``api/pages``) is for people who arrive from an email: it reads through the same
visibility as the API (``visible_proposals``), the same debate rows as the GraphQL loaders and the
archive (``debates``), the tally as a reader sees it now (``tally_as_read``) and the one answer to
what this person may do here (``abilities``). Six queries whatever the size of the debate: the
holder's membership and units (``personal_links.holder``), then the proposal with its
organisation, its participants, its arguments and its positions (each joined with the people
they name).
"""

from __future__ import annotations

from dataclasses import dataclass

from actas.api import clock
from actas.api.domain.abilities import ProposalAbilities, Situation, abilities_in
from actas.api.domain.electorate import Electorate
from actas.api.domain.errors import NotFound
from actas.api.domain.permissions import ProposalActor
from actas.api.domain.references import format_reference, parse_reference
from actas.api.domain.rules import Tally
from actas.api.domain.threads import depth_first
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.domain.vocabulary import Language, ParticipantRole, ProposalState
from actas.api.models import Participant, Proposal
from actas.api.services.debates import ArgumentRow, PositionRow, arguments, positions
from actas.api.services.electorates import electorates_from
from actas.api.services.personal_links import Holder
from actas.api.services.tallies import tally_as_read


@dataclass(frozen=True)
class ParticipantRow:
    user_id: int
    name: str
    role: ParticipantRole


@dataclass(frozen=True)
class ProposalPage:
    viewer: Viewer
    holder_name: str
    proposal: Proposal
    reference: str
    organisation_name: str
    language: Language  # the reader's
    participants: list[ParticipantRow]
    debate: list[tuple[ArgumentRow, int]]  # depth-first, with depth
    positions: list[PositionRow]
    tally: Tally
    electorate: Electorate | None  # an open proposal's
    can: ProposalAbilities

    @property
    def state(self) -> ProposalState:
        return ProposalState(self.proposal.state)

    @property
    def own_position(self) -> PositionRow | None:
        return next((p for p in self.positions if p.user_id == self.viewer.user_id), None)

    @property
    def spoken(self) -> set[int]:
        return {p.user_id for p in self.positions}

    def argument(self, argument_id: int) -> ArgumentRow | None:
        return next((a for a, _ in self.debate if a.id == argument_id), None)


async def proposal_page(holder: Holder, reference: str) -> ProposalPage:
    """The proposal ``reference`` as the link's holder may see it; NotFound when they may not
    (or it does not exist: the two answer alike)."""
    parsed = parse_reference(reference)
    if parsed is None:
        raise NotFound("proposal", reference)
    slug, number = parsed
    viewer, user_id = holder.viewer, holder.viewer.user_id
    proposal = (
        await visible_proposals(viewer)
        .filter(organisation__slug=slug, number=number)
        .select_related("organisation")
        .first()
    )
    member = viewer.member_of(proposal.organisation_id) if proposal else None
    if proposal is None or member is None:
        raise NotFound("proposal", reference)
    participants = [
        ParticipantRow(row["user_id"], row["user__name"], ParticipantRole(row["role"]))
        for row in await Participant.filter(proposal_id=proposal.id)
        .order_by("id")
        .values("user_id", "role", "user__name")
    ]
    debate = await arguments(proposal_ids=[proposal.id])
    said = await positions(proposal_ids=[proposal.id])
    state = ProposalState(proposal.state)
    roles = {p.user_id: p.role for p in participants}
    electorate = None
    if state is ProposalState.OPEN:  # who votes and who may block: one or two more queries
        stances = {p.user_id: p.stance for p in said}
        electorate = (
            await electorates_from([proposal], {proposal.id: roles}, {proposal.id: stances})
        )[proposal.id]
    actor = ProposalActor(
        user_id=user_id,
        member=member,
        is_author=proposal.author_id == user_id,
        participant_role=roles.get(user_id),
    )
    tally = tally_as_read(proposal.tally, state=state, deadline=proposal.deadline)
    situation = Situation.of(
        actor,
        viewer.scope,
        proposal,
        now=clock.now(),
        has_decider=ParticipantRole.DECIDER in roles.values(),
        tally=tally,
        electorate=electorate,
    )
    return ProposalPage(
        viewer=viewer,
        holder_name=holder.name,
        proposal=proposal,
        reference=format_reference(proposal.organisation.slug, proposal.number),
        organisation_name=proposal.organisation.name,
        language=holder.language,
        participants=participants,
        debate=depth_first(debate, key=lambda a: a.id, parent=lambda a: a.parent_id),
        positions=said,
        tally=tally,
        electorate=electorate,
        can=abilities_in(situation),
    )
