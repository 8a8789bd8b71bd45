"""Proposals: drafting, editing, revising, participants, links and the lifecycle."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry import relay

from actas.api.domain import vocabulary
from actas.api.domain.validation import Impact
from actas.api.services import proposals
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id, optional_database_id
from actas.schema.mutations.results import ProposalResult, proposal_result
from actas.schema.types.enums import ParticipantRole, RuleKind, Visibility


@strawberry.input
class ImpactInput:
    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    by: date | None = None

    def to_domain(self) -> Impact:
        return Impact(metric=self.metric, baseline=self.baseline, target=self.target, by=self.by)


@strawberry.input
class ParticipantInput:
    user: relay.GlobalID
    role: ParticipantRole


@strawberry.input
class DraftProposalInput:
    organisation: relay.GlobalID
    title: str
    summary: str
    body: str = strawberry.field(default="", description="Markdown.")
    unit: relay.GlobalID | None = None
    visibility: Visibility = vocabulary.Visibility.ORGANISATION
    impact: ImpactInput | None = None
    tags: list[str] = strawberry.field(default_factory=list)
    deadline: datetime | None = None
    rule: RuleKind | None = strawberry.field(
        default=None, description="Default: the organisation's."
    )
    threshold: float | None = None
    quorum: float | None = None
    participants: list[ParticipantInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateProposalInput:
    proposal: relay.GlobalID
    unit: relay.GlobalID | None = None
    clear_unit: bool = False
    visibility: Visibility | None = None
    impact: ImpactInput | None = None
    tags: list[str] | None = None
    deadline: datetime | None = None
    clear_deadline: bool = False
    rule: RuleKind | None = None
    threshold: float | None = None
    quorum: float | None = None


@strawberry.input
class ReviseProposalInput:
    proposal: relay.GlobalID
    expected_version: int = strawberry.field(description="The version you edited.")
    change_note: str = strawberry.field(description="What changed and why.")
    title: str | None = None
    summary: str | None = None
    body: str | None = None


@strawberry.input
class SetParticipantInput:
    proposal: relay.GlobalID
    user: relay.GlobalID
    role: ParticipantRole | None = strawberry.field(default=None, description="Null removes them.")


@strawberry.input
class TransitionInput:
    proposal: relay.GlobalID
    reason: str | None = strawberry.field(default=None, description="Required except to open.")


@strawberry.enum
class DecisionOutcome(Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@strawberry.input
class DecideProposalInput:
    proposal: relay.GlobalID
    outcome: DecisionOutcome
    statement: str = strawberry.field(description="Why (Markdown); it is the record's answer.")
    cited_arguments: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="The arguments that were decisive."
    )


@strawberry.enum
class NewLinkKind(Enum):
    SUPERSEDES = "supersedes"
    RELATED = "related"


@strawberry.input
class LinkProposalsInput:
    proposal: relay.GlobalID
    target: relay.GlobalID
    kind: NewLinkKind


@strawberry.type
class ProposalMutations:
    @strawberry.mutation(
        description="A new draft, visible to you and its participants until opened."
    )
    @returns_errors
    async def draft_proposal(self, info: Info, input: DraftProposalInput) -> ProposalResult:
        proposal = await proposals.draft_proposal(
            info.context.viewer,
            database_id(input.organisation, "Organisation"),
            proposals.ProposalDraft(
                title=input.title,
                summary=input.summary,
                body=input.body,
                unit_id=optional_database_id(input.unit, "Unit"),
                visibility=input.visibility,
                impact=input.impact.to_domain() if input.impact else Impact(),
                tags=input.tags,
                deadline=input.deadline,
                rule=input.rule,
                threshold=input.threshold,
                quorum=input.quorum,
                participants={database_id(p.user, "User"): p.role for p in input.participants},
            ),
        )
        return await proposal_result(info, proposal.id)

    @strawberry.mutation(description="Change metadata; unit, visibility and rule only in draft.")
    @returns_errors
    async def update_proposal(self, info: Info, input: UpdateProposalInput) -> ProposalResult:
        proposal = await proposals.update_proposal(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            proposals.ProposalChanges(
                unit_id=optional_database_id(input.unit, "Unit"),
                clear_unit=input.clear_unit,
                visibility=input.visibility,
                impact=input.impact.to_domain() if input.impact else None,
                tags=input.tags,
                deadline=input.deadline,
                clear_deadline=input.clear_deadline,
                rule=input.rule,
                threshold=input.threshold,
                quorum=input.quorum,
            ),
        )
        return await proposal_result(info, proposal.id)

    @strawberry.mutation(
        description="A new version of the text; a stale expectedVersion conflicts."
    )
    @returns_errors
    async def revise_proposal(self, info: Info, input: ReviseProposalInput) -> ProposalResult:
        proposal = await proposals.revise_proposal(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            expected_version=input.expected_version,
            change_note=input.change_note,
            title=input.title,
            summary=input.summary,
            body=input.body,
        )
        return await proposal_result(info, proposal.id)

    @strawberry.mutation
    @returns_errors
    async def set_participant(self, info: Info, input: SetParticipantInput) -> ProposalResult:
        proposal = await proposals.set_participant(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            database_id(input.user, "User"),
            input.role,
        )
        return await proposal_result(info, proposal.id)

    @strawberry.mutation
    @returns_errors
    async def open_proposal(self, info: Info, input: TransitionInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await proposals.open_proposal(info.context.viewer, proposal_id, input.reason)
        return await proposal_result(info, proposal_id)

    @strawberry.mutation
    @returns_errors
    async def withdraw_proposal(self, info: Info, input: TransitionInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await proposals.withdraw_proposal(info.context.viewer, proposal_id, input.reason or "")
        return await proposal_result(info, proposal_id)

    @strawberry.mutation
    @returns_errors
    async def abandon_proposal(self, info: Info, input: TransitionInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await proposals.abandon_proposal(info.context.viewer, proposal_id, input.reason or "")
        return await proposal_result(info, proposal_id)

    @strawberry.mutation(description="Close with a decision allowed by the proposal's rule.")
    @returns_errors
    async def decide_proposal(self, info: Info, input: DecideProposalInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await proposals.decide_proposal(
            info.context.viewer,
            proposal_id,
            outcome=vocabulary.ProposalState(input.outcome.value),
            statement=input.statement,
            cited_argument_ids=[database_id(a, "Argument") for a in input.cited_arguments],
        )
        return await proposal_result(info, proposal_id)

    @strawberry.mutation(description="This proposal supersedes, or relates to, another one.")
    @returns_errors
    async def link_proposals(self, info: Info, input: LinkProposalsInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await proposals.link_proposals(
            info.context.viewer,
            proposal_id,
            database_id(input.target, "Proposal"),
            vocabulary.LinkKind(input.kind.value),
        )
        return await proposal_result(info, proposal_id)
