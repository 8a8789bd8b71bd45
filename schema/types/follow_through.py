"""Notifications, follow-ups, outcome reviews, webhooks and metrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from actas.api import models
from actas.api.domain.notifications import Reason
from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    EmailMode,
    FollowUpStatus,
    OutcomeVerdict,
)
from actas.api.services.metrics import Metrics
from actas.schema.context import Info
from actas.schema.pagination import Connection, page_of
from actas.schema.types.people import UserNode
from actas.schema.types.record import EventNode

if TYPE_CHECKING:
    from actas.schema.types.proposal import ProposalNode

ProposalRef = Annotated["ProposalNode", strawberry.lazy("actas.schema.types.proposal")]

for vocabulary, description in (
    (Reason, "Why you were told."),
    (EmailMode, "How you want email: each at once, a daily or weekly digest, or none."),
    (FollowUpStatus, "Where a follow-up stands."),
    (OutcomeVerdict, "Whether the decision met its expected impact."),
    (DeliveryChannel, "How a message travels."),
    (DeliveryStatus, "Whether a message was delivered (skipped: not needed, nobody was sent it)."),
):
    strawberry.enum(vocabulary, description=description)


async def _user(info: Info, user_id: int) -> UserNode:
    user = await info.context.loaders.user.load(user_id)
    assert user is not None
    return UserNode.from_model(user)


@strawberry.type(name="Notification", description="Something you were told, and why.")
class NotificationNode(relay.Node):
    id: relay.NodeID[int]
    reason: Reason
    created_at: datetime
    read_at: datetime | None
    event_id: strawberry.Private[int]
    proposal_key: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, notification: models.Notification) -> NotificationNode:
        return cls(
            id=notification.id,
            reason=Reason(notification.reason),
            created_at=notification.created_at,
            read_at=notification.read_at,
            event_id=notification.event_id,
            proposal_key=notification.proposal_id,
        )

    @strawberry.field(description="What happened.")
    async def event(self, info: Info) -> EventNode | None:
        event = await info.context.loaders.event.load(self.event_id)
        return EventNode.from_model(event) if event else None

    @strawberry.field
    async def proposal(self, info: Info) -> ProposalRef | None:
        from actas.schema.types.proposal import ProposalNode

        if self.proposal_key is None:
            return None
        proposal = await info.context.loaders.proposal.load(self.proposal_key)
        return ProposalNode.from_model(proposal) if proposal else None

    @strawberry.field(
        description="The email that was to tell you, and how it went (null when none was due)."
    )
    async def email(self, info: Info) -> DeliveryNode | None:
        delivery = await info.context.loaders.notification_email.load(self.id)
        return DeliveryNode.from_model(delivery) if delivery else None


@strawberry.type(name="FollowUp", description="An action that carries a decision to its result.")
class FollowUpNode(relay.Node):
    id: relay.NodeID[int]
    title: str
    due: date
    status: FollowUpStatus
    note: str
    created_at: datetime
    updated_at: datetime
    owner_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, follow_up: models.FollowUp) -> FollowUpNode:
        return cls(
            id=follow_up.id,
            title=follow_up.title,
            due=follow_up.due,
            status=FollowUpStatus(follow_up.status),
            note=follow_up.note,
            created_at=follow_up.created_at,
            updated_at=follow_up.updated_at,
            owner_id=follow_up.owner_id,
        )

    @strawberry.field
    async def owner(self, info: Info) -> UserNode:
        return await _user(info, self.owner_id)


@strawberry.type(description="What the decision achieved, compared with its expected impact.")
class OutcomeReview:
    observed: str
    verdict: OutcomeVerdict
    comment: str
    reviewed_at: datetime
    reviewed_by_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, review: models.OutcomeReview) -> OutcomeReview:
        return cls(
            observed=review.observed,
            verdict=OutcomeVerdict(review.verdict),
            comment=review.comment,
            reviewed_at=review.reviewed_at,
            reviewed_by_id=review.reviewed_by_id,
        )

    @strawberry.field
    async def reviewed_by(self, info: Info) -> UserNode:
        return await _user(info, self.reviewed_by_id)


@strawberry.type(description="One try at delivering a message.")
class DeliveryAttempt:
    number: int
    succeeded: bool
    detail: str
    at: datetime


@strawberry.type(name="Delivery", description="A message of the outbox and how its delivery went.")
class DeliveryNode:
    key: str = strawberry.field(description="The delivery id receivers deduplicate on.")
    channel: DeliveryChannel
    status: DeliveryStatus
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    delivery_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, delivery: models.Delivery) -> DeliveryNode:
        return cls(
            key=delivery.key,
            channel=DeliveryChannel(delivery.channel),
            status=DeliveryStatus(delivery.status),
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            sent_at=delivery.sent_at,
            next_attempt_at=delivery.next_attempt_at,
            delivery_id=delivery.id,
        )

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempt_log(self, info: Info) -> list[DeliveryAttempt]:
        rows = await info.context.loaders.delivery_attempts.load(self.delivery_id)
        return [
            DeliveryAttempt(number=r.number, succeeded=r.succeeded, detail=r.detail, at=r.at)
            for r in rows
        ]


@strawberry.type(name="Webhook", description="An endpoint that receives the organisation's events.")
class WebhookNode(relay.Node):
    id: relay.NodeID[int]
    url: str
    event_types: list[str] = strawberry.field(description="Empty: every event.")
    active: bool
    created_at: datetime

    @classmethod
    def from_model(cls, webhook: models.Webhook) -> WebhookNode:
        return cls(
            id=webhook.id,
            url=webhook.url,
            event_types=[t for t in webhook.event_types.split(",") if t],
            active=webhook.active,
            created_at=webhook.created_at,
        )

    @strawberry.field(description="The delivery log, newest first.")
    async def deliveries(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[DeliveryNode]:
        return await page_of(
            models.Delivery.filter(webhook_id=self.id),
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            newest_first=True,
            convert=DeliveryNode.from_model,
        )


@strawberry.type(description="Someone whose required position is missing, and on how many.")
class PendingVoice:
    proposals: int
    user_id: strawberry.Private[int]

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        return await _user(info, self.user_id)


@strawberry.type(name="Metrics", description="How decisions flow (over the proposals you may see).")
class MetricsNode:
    decided: int
    median_hours_to_decision: float | None = strawberry.field(
        description="From opening to decision."
    )
    required_participation: float | None = strawberry.field(
        description="Share of required voices that took a position."
    )
    open_proposals: int
    open_past_deadline: int
    pending_voices: list[PendingVoice]
    overdue_follow_ups: int

    @classmethod
    def from_metrics(cls, metrics: Metrics) -> MetricsNode:
        return cls(
            decided=metrics.decided,
            median_hours_to_decision=metrics.median_hours_to_decision,
            required_participation=metrics.required_participation,
            open_proposals=metrics.open_proposals,
            open_past_deadline=metrics.open_past_deadline,
            pending_voices=[
                PendingVoice(proposals=p.proposals, user_id=p.user_id)
                for p in metrics.pending_voices
            ],
            overdue_follow_ups=metrics.overdue_follow_ups,
        )
