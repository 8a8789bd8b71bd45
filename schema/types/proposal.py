"""Proposals and everything that hangs from one: versions, participants, tally, decision, links."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from actas.api import models
from actas.api.catalogue import texts_for
from actas.api.domain import vocabulary
from actas.api.domain.references import format_reference
from actas.api.domain.rules import Tally, TallyReason
from actas.api.services.tallies import tally_as_read
from actas.schema.context import Info
from actas.schema.pagination import Connection, slice_loaded
from actas.schema.types.absence import AwayVoiceNode
from actas.schema.types.debate import ArgumentNode, PositionNode, argument_nodes
from actas.schema.types.enums import ParticipantRole, ProposalState, RuleKind, Visibility
from actas.schema.types.follow_through import FollowUpNode, OutcomeReview
from actas.schema.types.organisation import OrganisationNode, UnitNode, _unit
from actas.schema.types.people import UserNode
from actas.schema.types.record import EventNode
from actas.schema.types.viewer_can import ProposalViewerCan

if TYPE_CHECKING:
    from actas.schema.types.debate_state import DebateState
    from actas.schema.types.search import SimilarProposal


@strawberry.type(description="The expected impact on a metric; every part is optional.")
class Impact:
    metric: str | None
    baseline: str | None
    target: str | None
    by: date | None


@strawberry.type(description="How the proposal is decided.")
class DecisionRule:
    kind: RuleKind
    threshold: float = strawberry.field(description="Agree share needed under majority.")
    quorum: float = strawberry.field(
        description="Share of eligible weight that must take a position."
    )


@strawberry.type(description="Weights (or counts) per position stance.")
class StanceFigures:
    agree: int
    abstain: int
    disagree: int
    block: int


@strawberry.type(name="Tally", description="Positions counted under the proposal's rule.")
class TallyNode:
    rule: RuleKind
    eligible_count: int
    eligible_weight: int
    weights: StanceFigures = strawberry.field(description="Eligible voters' weight per stance.")
    counts: StanceFigures = strawberry.field(description="Everyone's positions per stance.")
    participated_weight: int
    quorum_reached: bool
    agree_share: float | None
    verdict: ProposalState | None = strawberry.field(
        description="What the rule decides now; null when it cannot decide yet or deciders decide."
    )
    reason_message: strawberry.Private[TallyReason]
    blocked_by_ids: strawberry.Private[tuple[int, ...]]
    missing_voice_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def from_json(cls, text: str) -> TallyNode:
        return cls.of(Tally.from_json(text))

    @classmethod
    def of(cls, tally: Tally) -> TallyNode:
        return cls(
            rule=tally.rule,
            eligible_count=tally.eligible_count,
            eligible_weight=tally.eligible_weight,
            weights=StanceFigures(**tally.weights),
            counts=StanceFigures(**tally.counts),
            participated_weight=tally.participated_weight,
            quorum_reached=tally.quorum_reached,
            agree_share=tally.agree_share,
            verdict=tally.verdict,
            reason_message=tally.reason,
            blocked_by_ids=tally.blocked_by,
            missing_voice_ids=tally.missing_voices,
        )

    @strawberry.field(description="The verdict in words, in the viewer's language.")
    async def reason(self, info: Info) -> str:
        viewer = await info.context.loaders.user.load(info.context.viewer.user_id)
        language = viewer.language if viewer else vocabulary.Language.ES
        return texts_for(language).render(self.reason_message)

    @strawberry.field(
        description="Voices whose block counts and who block: the required voices, or every "
        "eligible voter when the proposal has no required voice."
    )
    async def blocked_by(self, info: Info) -> list[UserNode]:
        return await _users(info, self.blocked_by_ids)

    @strawberry.field(description="Required voices (deciders, required) who have not spoken.")
    async def missing_voices(self, info: Info) -> list[UserNode]:
        return await _users(info, self.missing_voice_ids)


async def _users(info: Info, ids: tuple[int, ...]) -> list[UserNode]:
    users = await info.context.loaders.user.load_many(list(ids))
    return [UserNode.from_model(u) for u in users if u]


@strawberry.type(name="ProposalVersion", description="One revision of the proposal's text.")
class ProposalVersionNode(relay.Node):
    id: relay.NodeID[int]
    number: int
    title: str
    summary: str
    body: str
    change_note: str
    created_at: datetime
    author_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, version: models.ProposalVersion) -> ProposalVersionNode:
        return cls(
            id=version.id,
            number=version.number,
            title=version.title,
            summary=version.summary,
            body=version.body,
            change_note=version.change_note,
            created_at=version.created_at,
            author_id=version.author_id,
        )

    @strawberry.field
    async def author(self, info: Info) -> UserNode:
        return await _user(info, self.author_id)


@strawberry.type(description="A person's role on this proposal.")
class Participant:
    role: ParticipantRole
    user_id: strawberry.Private[int]

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        return await _user(info, self.user_id)


@strawberry.type(name="Decision", description="How the proposal closed, and why.")
class DecisionNode:
    outcome: ProposalState
    statement: str = strawberry.field(description="The why (Markdown).")
    decided_at: datetime
    rule: RuleKind
    tally: TallyNode = strawberry.field(description="The tally at the moment of the decision.")
    decision_id: strawberry.Private[int]
    proposal_id: strawberry.Private[int]
    decided_by_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, decision: models.Decision) -> DecisionNode:
        return cls(
            outcome=vocabulary.ProposalState(decision.outcome),
            statement=decision.statement,
            decided_at=decision.decided_at,
            rule=vocabulary.RuleKind(decision.rule),
            tally=TallyNode.from_json(decision.tally),
            decision_id=decision.id,
            proposal_id=decision.proposal_id,
            decided_by_id=decision.decided_by_id,
        )

    @strawberry.field(description="Who decided; null when the rule decided at the deadline.")
    async def decided_by(self, info: Info) -> UserNode | None:
        return None if self.decided_by_id is None else await _user(info, self.decided_by_id)

    @strawberry.field(description="The arguments the statement cites as decisive.")
    async def cited_arguments(self, info: Info) -> list[ArgumentNode]:
        ids = await info.context.loaders.citations.load(self.decision_id)
        return await argument_nodes(info, ids, of_proposal=self.proposal_id)


@strawberry.enum(description="How another proposal relates to this one.")
class LinkKind(Enum):
    SUPERSEDES = "supersedes"
    SUPERSEDED_BY = "superseded_by"
    RELATED = "related"


@strawberry.type(description="A link to another proposal of the same organisation.")
class ProposalLink:
    kind: LinkKind
    created_at: datetime
    other_id: strawberry.Private[int]

    @strawberry.field(description="The other proposal.")
    async def proposal(self, info: Info) -> ProposalNode | None:
        other = await info.context.loaders.proposal.load(self.other_id)
        return ProposalNode.from_model(other) if other else None


@strawberry.type(name="Proposal")
class ProposalNode(relay.Node):
    id: relay.NodeID[int]
    reference: str = strawberry.field(description="A readable, permanent reference: ACME-42.")
    number: int
    title: str
    summary: str
    body: str = strawberry.field(description="Markdown.")
    version: int = strawberry.field(description="Send it back with a revision to detect conflicts.")
    state: ProposalState
    visibility: Visibility
    publishable: bool = strawberry.field(
        description="Included, once closed, in archives built for the public."
    )
    deadline: datetime | None
    impact: Impact
    rule: DecisionRule
    created_at: datetime
    updated_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    organisation_id: strawberry.Private[int]
    author_id: strawberry.Private[int]
    unit_id: strawberry.Private[int | None]
    tally_json: strawberry.Private[str]

    @classmethod
    def from_model(cls, proposal: models.Proposal) -> ProposalNode:
        return cls(
            id=proposal.id,
            reference=format_reference(proposal.organisation.slug, proposal.number),
            number=proposal.number,
            title=proposal.title,
            summary=proposal.summary,
            body=proposal.body,
            version=proposal.version,
            state=vocabulary.ProposalState(proposal.state),
            visibility=vocabulary.Visibility(proposal.visibility),
            publishable=proposal.publishable,
            deadline=proposal.deadline,
            impact=Impact(
                metric=proposal.impact_metric,
                baseline=proposal.impact_baseline,
                target=proposal.impact_target,
                by=proposal.impact_by,
            ),
            rule=DecisionRule(
                kind=vocabulary.RuleKind(proposal.rule),
                threshold=proposal.threshold,
                quorum=proposal.quorum,
            ),
            created_at=proposal.created_at,
            updated_at=proposal.updated_at,
            opened_at=proposal.opened_at,
            closed_at=proposal.closed_at,
            organisation_id=proposal.organisation_id,
            author_id=proposal.author_id,
            unit_id=proposal.unit_id,
            tally_json=proposal.tally,
        )

    @strawberry.field
    async def author(self, info: Info) -> UserNode:
        return await _user(info, self.author_id)

    @strawberry.field
    async def organisation(self, info: Info) -> OrganisationNode:
        organisation = await info.context.loaders.organisation.load(self.organisation_id)
        assert organisation is not None
        return OrganisationNode.from_model(organisation)

    @strawberry.field(description="The owning unit.")
    async def unit(self, info: Info) -> UnitNode | None:
        return await _unit(info, self.organisation_id, self.unit_id)

    @strawberry.field
    async def tags(self, info: Info) -> list[str]:
        return await info.context.loaders.tags.load(self.id)

    @strawberry.field(description="Every version of the text, oldest first.")
    async def versions(self, info: Info) -> list[ProposalVersionNode]:
        return [
            ProposalVersionNode.from_model(v)
            for v in await info.context.loaders.versions.load(self.id)
        ]

    @strawberry.field
    async def participants(self, info: Info) -> list[Participant]:
        rows = await info.context.loaders.participants.load(self.id)
        return [
            Participant(role=vocabulary.ParticipantRole(p.role), user_id=p.user_id) for p in rows
        ]

    @strawberry.field(
        description="The debate, depth first: each reply follows the argument it answers. "
        "Rebuild the tree from `parentId` and `depth`."
    )
    async def arguments(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[ArgumentNode]:
        thread = await info.context.loaders.arguments.load(self.id)
        return slice_loaded(
            thread,
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            key=lambda item: item[0].id,
            convert=lambda item: ArgumentNode.from_row(*item),
        )

    @strawberry.field(description="Each member's current position.")
    async def positions(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[PositionNode]:
        positions = await info.context.loaders.positions.load(self.id)
        return slice_loaded(
            positions,
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            key=lambda p: p.id,
            convert=PositionNode.from_row,
        )

    @strawberry.field(
        description="Voters away from this open proposal now: until when, and who speaks for "
        "them (nobody, when none can: their head is told)."
    )
    async def away_voices(self, info: Info) -> list[AwayVoiceNode]:
        voices = await info.context.loaders.away_voices.load(self.id)
        return [AwayVoiceNode.of(voice) for voice in voices]

    @strawberry.field(description="The tally now (frozen when the proposal closed).")
    def tally(self) -> TallyNode:
        return TallyNode.of(
            tally_as_read(self.tally_json, state=self.state, deadline=self.deadline)
        )

    @strawberry.field
    async def decision(self, info: Info) -> DecisionNode | None:
        decision = await info.context.loaders.decision.load(self.id)
        return DecisionNode.from_model(decision) if decision else None

    @strawberry.field(description="Links to and from other proposals you may see.")
    async def links(self, info: Info) -> list[ProposalLink]:
        links = await info.context.loaders.links.load(self.id)
        others = [link.target_id if link.source_id == self.id else link.source_id for link in links]
        visible = {p.id for p in await info.context.loaders.proposal.load_many(others) if p}
        return [
            ProposalLink(kind=_link_kind(link, self.id), created_at=link.created_at, other_id=other)
            for link, other in zip(links, others, strict=True)
            if other in visible
        ]

    @strawberry.field(description="The record of every change, oldest first.")
    async def events(
        self, info: Info, first: int = 100, after: str | None = None
    ) -> Connection[EventNode]:
        events = await info.context.loaders.events.load(self.id)
        return slice_loaded(
            events,
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            key=lambda e: e.id,
            convert=EventNode.from_model,
        )

    @strawberry.field(description="Actions that carry the decision through, soonest due first.")
    async def follow_ups(self, info: Info) -> list[FollowUpNode]:
        return [
            FollowUpNode.from_model(f) for f in await info.context.loaders.follow_ups.load(self.id)
        ]

    @strawberry.field(description="What the decision achieved, once recorded.")
    async def outcome_review(self, info: Info) -> OutcomeReview | None:
        review = await info.context.loaders.outcome_review.load(self.id)
        return OutcomeReview.from_model(review) if review else None

    @strawberry.field(description="Whether you follow this proposal (and hear of its changes).")
    async def viewer_follows(self, info: Info) -> bool:
        return await info.context.loaders.following.load(self.id)

    @strawberry.field(description="What you may do on this proposal now.")
    async def viewer_can(self, info: Info) -> ProposalViewerCan:
        return ProposalViewerCan.of(await info.context.loaders.viewer_can.load(self.id))

    @strawberry.field(
        description="Where the debate stands: open questions, objections the author has not "
        "answered, blocks, and what others said since `since` (default: when you last argued "
        "or took a position here)."
    )
    async def debate_state(
        self, info: Info, since: datetime | None = None
    ) -> Annotated[DebateState, strawberry.lazy("actas.schema.types.debate_state")]:
        from actas.schema.types.debate_state import debate_state_of

        return await debate_state_of(info, self.id, self.author_id, since)

    @strawberry.field(
        description="Other proposals you may see here, past and open, closest to this one's "
        "title and summary first (`similarProposals` for its text). A search each: ask it of one "
        "proposal, not of a list."
    )
    async def similar(
        self, info: Info, first: int = 5
    ) -> list[Annotated[SimilarProposal, strawberry.lazy("actas.schema.types.search")]]:
        from actas.api.services.similar import draft_text, similar_to
        from actas.schema.types.search import SimilarProposal, check_similar_first

        check_similar_first(first)
        text = draft_text(self.title, self.summary)
        found = await similar_to(
            info.context.viewer, self.organisation_id, text, first=first, but=self.id
        )
        return [SimilarProposal.of(s) for s in found]


def _link_kind(link: models.ProposalLink, proposal_id: int) -> LinkKind:
    if link.kind == vocabulary.LinkKind.RELATED:
        return LinkKind.RELATED
    return LinkKind.SUPERSEDES if link.source_id == proposal_id else LinkKind.SUPERSEDED_BY


async def _user(info: Info, user_id: int) -> UserNode:
    user = await info.context.loaders.user.load(user_id)
    assert user is not None
    return UserNode.from_model(user)
