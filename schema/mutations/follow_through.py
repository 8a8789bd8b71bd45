"""Your inbox and preferences; webhooks; following decisions through."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from actas.api.domain.vocabulary import EmailMode, FollowUpStatus, OutcomeVerdict
from actas.api.services import follow_through, inbox, preferences, webhooks
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id, optional_database_id
from actas.schema.mutations.results import (
    Errors,
    MembershipResult,
    ProposalResult,
    membership_result,
    proposal_result,
)
from actas.schema.types.follow_through import FollowUpNode, WebhookNode


@strawberry.type(description="How many notifications changed.")
class MarkedRead:
    count: int


@strawberry.type(description="A new webhook and its signing secret, shown this once.")
class CreatedWebhook:
    webhook: WebhookNode
    secret: str


MarkedReadResult = Annotated[MarkedRead | Errors, strawberry.union("MarkedReadResult")]
FollowUpResult = Annotated[FollowUpNode | Errors, strawberry.union("FollowUpResult")]
WebhookResult = Annotated[WebhookNode | Errors, strawberry.union("WebhookResult")]
CreatedWebhookResult = Annotated[CreatedWebhook | Errors, strawberry.union("CreatedWebhookResult")]


@strawberry.input
class MarkReadInput:
    notifications: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Empty: all of yours."
    )


@strawberry.input
class FollowInput:
    proposal: relay.GlobalID
    following: bool = True


@strawberry.input
class EmailModeInput:
    organisation: relay.GlobalID
    mode: EmailMode


@strawberry.input
class CreateWebhookInput:
    organisation: relay.GlobalID
    url: str
    event_types: list[str] = strawberry.field(
        default_factory=list, description="Event types such as proposal.opened; empty: all."
    )


@strawberry.input
class UpdateWebhookInput:
    webhook: relay.GlobalID
    url: str | None = None
    event_types: list[str] | None = None
    active: bool | None = None


@strawberry.input
class AddFollowUpInput:
    proposal: relay.GlobalID
    title: str
    owner: relay.GlobalID
    due: date


@strawberry.input
class UpdateFollowUpInput:
    follow_up: relay.GlobalID
    status: FollowUpStatus | None = None
    note: str | None = strawberry.field(default=None, description="Needed to close it.")
    due: date | None = None
    owner: relay.GlobalID | None = None


@strawberry.input
class RecordOutcomeInput:
    proposal: relay.GlobalID
    observed: str = strawberry.field(description="The metric's observed value.")
    verdict: OutcomeVerdict
    comment: str = ""


@strawberry.type
class FollowThroughMutations:
    @strawberry.mutation(description="Mark notifications read.")
    @returns_errors
    async def mark_notifications_read(self, info: Info, input: MarkReadInput) -> MarkedReadResult:
        ids = [database_id(n, "Notification") for n in input.notifications]
        viewer = info.context.viewer
        count = await (inbox.mark_read(viewer, ids) if ids else inbox.mark_all_read(viewer))
        return MarkedRead(count=count)

    @strawberry.mutation(description="Follow a proposal, or stop following it.")
    @returns_errors
    async def follow_proposal(self, info: Info, input: FollowInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await preferences.follow(info.context.viewer, proposal_id, following=input.following)
        return await proposal_result(info, proposal_id)

    @strawberry.mutation(description="Email at once, as a daily or weekly digest, or not at all.")
    @returns_errors
    async def set_email_mode(self, info: Info, input: EmailModeInput) -> MembershipResult:
        membership = await preferences.set_email_mode(
            info.context.viewer, database_id(input.organisation, "Organisation"), input.mode
        )
        return await membership_result(info, membership.id)

    @strawberry.mutation(description="Register a webhook (admins); its secret is shown once.")
    @returns_errors
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> CreatedWebhookResult:
        created = await webhooks.create_webhook(
            info.context.viewer,
            database_id(input.organisation, "Organisation"),
            url=input.url,
            event_types=input.event_types,
            allowed=info.context.settings.webhook_allow,
        )
        return CreatedWebhook(
            webhook=WebhookNode.from_model(created.webhook), secret=created.secret
        )

    @strawberry.mutation
    @returns_errors
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> WebhookResult:
        webhook = await webhooks.update_webhook(
            info.context.viewer,
            database_id(input.webhook, "Webhook"),
            url=input.url,
            event_types=input.event_types,
            active=input.active,
            allowed=info.context.settings.webhook_allow,
        )
        return WebhookNode.from_model(webhook)

    @strawberry.mutation(description="Add an action that carries an accepted decision through.")
    @returns_errors
    async def add_follow_up(self, info: Info, input: AddFollowUpInput) -> FollowUpResult:
        follow_up = await follow_through.add_follow_up(
            info.context.viewer,
            database_id(input.proposal, "Proposal"),
            title=input.title,
            owner_id=database_id(input.owner, "User"),
            due=input.due,
        )
        return FollowUpNode.from_model(follow_up)

    @strawberry.mutation(description="Mark a follow-up done or dropped (with a note), or move it.")
    @returns_errors
    async def update_follow_up(self, info: Info, input: UpdateFollowUpInput) -> FollowUpResult:
        follow_up = await follow_through.update_follow_up(
            info.context.viewer,
            database_id(input.follow_up, "FollowUp"),
            follow_through.FollowUpChanges(
                status=input.status,
                note=input.note,
                due=input.due,
                owner_id=optional_database_id(input.owner, "User"),
            ),
        )
        return FollowUpNode.from_model(follow_up)

    @strawberry.mutation(description="Record what the decision achieved on its metric.")
    @returns_errors
    async def record_outcome(self, info: Info, input: RecordOutcomeInput) -> ProposalResult:
        proposal_id = database_id(input.proposal, "Proposal")
        await follow_through.record_outcome(
            info.context.viewer,
            proposal_id,
            observed=input.observed,
            verdict=input.verdict,
            comment=input.comment,
        )
        return await proposal_result(info, proposal_id)
