"""Following through: notifications, the outbox, reminders, follow-ups and outcome reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    FollowUpStatus,
    OutcomeVerdict,
)
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.organisations import Organisation
    from actas.api.models.people import User
    from actas.api.models.proposals import Proposal
    from actas.api.models.record import Event


class Subscription(Model):
    """Whether a person follows a proposal.

    Authors and people who argue follow automatically. An explicit unfollow is kept, so the
    next argument does not undo it.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="subscriptions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="subscriptions", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="subscriptions", on_delete=RESTRICT
    )
    user_id: int
    following = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "subscription"
        unique_together = (("proposal", "user"),)


class Notification(Model):
    """One in-app notification: an event, for one person, with the reason they are told."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="notifications", on_delete=RESTRICT
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=RESTRICT
    )
    user_id: int
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="notifications", on_delete=RESTRICT
    )
    event_id: int
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="notifications", null=True, on_delete=RESTRICT
    )
    proposal_id: int | None
    reason = fields.CharField(max_length=20)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        unique_together = (("event", "user"),)
        indexes = (("user_id", "read_at"), ("user_id", "id"))


class Webhook(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="webhooks", on_delete=RESTRICT
    )
    organisation_id: int
    url = fields.CharField(max_length=500)
    secret = fields.CharField(max_length=200)
    # Comma-separated event types; empty means every event.
    event_types = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook"
        indexes = (("organisation_id",),)


class Delivery(Model):
    """The outbox: one message to send through one channel.

    Written in the transaction of the change it announces and sent at least once by the worker.
    Receivers deduplicate on ``key``.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="deliveries", on_delete=RESTRICT
    )
    organisation_id: int
    channel = fields.CharEnumField(DeliveryChannel, max_length=7)
    key = fields.CharField(max_length=36, unique=True)  # the delivery id receivers deduplicate on
    notification: fields.ForeignKeyNullableRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="deliveries", null=True, on_delete=RESTRICT
    )
    notification_id: int | None
    webhook: fields.ForeignKeyNullableRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", null=True, on_delete=RESTRICT
    )
    webhook_id: int | None
    recipient: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="deliveries", null=True, on_delete=RESTRICT
    )
    recipient_id: int | None
    payload = fields.TextField()  # what to send, as canonical JSON
    status = fields.CharEnumField(DeliveryStatus, max_length=7, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "delivery"
        indexes = (("status", "next_attempt_at"), ("webhook_id", "id"))


class DeliveryAttempt(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="delivery_attempts", on_delete=RESTRICT
    )
    organisation_id: int
    delivery: fields.ForeignKeyRelation[Delivery] = fields.ForeignKeyField(
        "models.Delivery", related_name="attempt_log", on_delete=RESTRICT
    )
    delivery_id: int
    number = fields.IntField()
    succeeded = fields.BooleanField()
    detail = fields.TextField(default="")
    at = fields.DatetimeField()

    class Meta:
        table = "delivery_attempt"
        unique_together = (("delivery", "number"),)


class ScheduledNotice(Model):
    """A scheduled step already taken: a reminder, an escalation, a deadline or a digest.

    Its unique key makes sure no worker, however many run, takes the step twice.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="scheduled_notices", on_delete=RESTRICT
    )
    organisation_id: int
    key = fields.CharField(max_length=200, unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "scheduled_notice"


class FollowUp(Model):
    """An action that carries an accepted decision through to its result."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="follow_ups", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="follow_ups", on_delete=RESTRICT
    )
    proposal_id: int
    title = fields.CharField(max_length=300)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="follow_ups", on_delete=RESTRICT
    )
    owner_id: int
    due = fields.DateField()
    status = fields.CharEnumField(FollowUpStatus, max_length=7, default=FollowUpStatus.OPEN)
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "follow_up"
        indexes = (("organisation_id", "status", "due"),)


class OutcomeReview(Model):
    """What the decision achieved, recorded when its expected impact falls due."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="outcome_reviews", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.OneToOneRelation[Proposal] = fields.OneToOneField(
        "models.Proposal", related_name="outcome_review", on_delete=RESTRICT
    )
    proposal_id: int
    observed = fields.CharField(max_length=100)
    verdict = fields.CharEnumField(OutcomeVerdict, max_length=7)
    comment = fields.TextField(default="")
    reviewed_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="outcome_reviews", on_delete=RESTRICT
    )
    reviewed_by_id: int
    reviewed_at = fields.DatetimeField()

    class Meta:
        table = "outcome_review"
