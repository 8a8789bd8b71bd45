"""Tables. Every table of organisation data carries ``organisation`` (the tenant key).

Users and their API tokens are the only global tables: a person may belong to several
organisations. Rows are never deleted; closed proposals never change again.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import (
    DeliveryChannel,
    DeliveryStatus,
    EmailMode,
    FollowUpStatus,
    Language,
    LinkKind,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    TokenScope,
    Visibility,
)

RESTRICT = fields.OnDelete.RESTRICT


class User(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, unique=True)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    created_at = fields.DatetimeField()

    class Meta:
        table = "user"


class ApiToken(Model):
    """A bearer token, of which only the SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=RESTRICT
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    scope = fields.CharEnumField(TokenScope, max_length=5)
    label = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        indexes = (("user_id",),)


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=200)
    language = fields.CharEnumField(Language, max_length=2, default=Language.ES)
    default_rule = fields.CharEnumField(RuleKind, max_length=10, default=RuleKind.CONSENT)
    majority_threshold = fields.FloatField(default=0.5)
    quorum = fields.FloatField(default=0.5)
    # Hours before a deadline when silent voices are reminded, and when their head is alerted.
    reminder_hours = fields.CharField(max_length=50, default="48,24")
    escalation_hours = fields.IntField(default=24)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "organisation"


class Unit(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="units", on_delete=RESTRICT
    )
    organisation_id: int
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=RESTRICT
    )
    parent_id: int | None
    name = fields.CharField(max_length=200)
    head: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="headed_units", null=True, on_delete=RESTRICT
    )
    head_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "unit"
        indexes = (("organisation_id",),)


class Membership(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", on_delete=RESTRICT
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="memberships", on_delete=RESTRICT
    )
    user_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="memberships", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    title = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(Role, max_length=8, default=Role.MEMBER)
    external = fields.BooleanField(default=False)
    weight = fields.IntField(default=1)
    email_mode = fields.CharEnumField(EmailMode, max_length=9, default=EmailMode.IMMEDIATE)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "membership"
        unique_together = (("organisation", "user"),)
        indexes = (("user_id",),)


class Proposal(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposals", on_delete=RESTRICT
    )
    organisation_id: int
    number = fields.IntField()
    title = fields.CharField(max_length=300)
    summary = fields.TextField()
    body = fields.TextField()
    version = fields.IntField(default=1)
    impact_metric = fields.CharField(max_length=200, null=True)
    impact_baseline = fields.CharField(max_length=100, null=True)
    impact_target = fields.CharField(max_length=100, null=True)
    impact_by = fields.DateField(null=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="authored_proposals", on_delete=RESTRICT
    )
    author_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="proposals", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    visibility = fields.CharEnumField(Visibility, max_length=12, default=Visibility.ORGANISATION)
    # An admin's choice to include the proposal, once closed, in archives built for the public.
    publishable = fields.BooleanField(default=False)
    deadline = fields.DatetimeField(null=True)
    rule = fields.CharEnumField(RuleKind, max_length=10)
    threshold = fields.FloatField()
    quorum = fields.FloatField()
    state = fields.CharEnumField(ProposalState, max_length=9, default=ProposalState.DRAFT)
    # The current tally as canonical JSON, recomputed in every transaction that can change it
    # and frozen when the proposal closes.
    tally = fields.TextField(default="{}")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    opened_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    decision: fields.BackwardOneToOneRelation[Decision]

    class Meta:
        table = "proposal"
        unique_together = (("organisation", "number"),)
        indexes = (("organisation_id", "state"),)


class ProposalTag(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="tags", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="tag_rows", on_delete=RESTRICT
    )
    proposal_id: int
    tag = fields.CharField(max_length=50)

    class Meta:
        table = "proposal_tag"
        unique_together = (("proposal", "tag"),)
        indexes = (("organisation_id", "tag"),)


class ProposalVersion(Model):
    """One revision of a proposal's text (version 1 is the text it was drafted with)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposal_versions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="versions", on_delete=RESTRICT
    )
    proposal_id: int
    number = fields.IntField()
    title = fields.CharField(max_length=300)
    summary = fields.TextField()
    body = fields.TextField()
    change_note = fields.TextField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposal_versions", on_delete=RESTRICT
    )
    author_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_version"
        unique_together = (("proposal", "number"),)


class Participant(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="participants", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="participants", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="participations", on_delete=RESTRICT
    )
    user_id: int
    role = fields.CharEnumField(ParticipantRole, max_length=9)
    created_at = fields.DatetimeField()

    class Meta:
        table = "participant"
        unique_together = (("proposal", "user"),)
        indexes = (("organisation_id", "user_id"),)


class Argument(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="arguments", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="arguments", on_delete=RESTRICT
    )
    proposal_id: int
    parent: fields.ForeignKeyNullableRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="replies", null=True, on_delete=RESTRICT
    )
    parent_id: int | None
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="arguments", on_delete=RESTRICT
    )
    author_id: int
    proposal_version = fields.IntField()
    revision = fields.IntField(default=1)
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "argument"
        indexes = (("proposal_id", "id"),)


class ArgumentRevision(Model):
    """An earlier text of an argument, kept when its author edits it."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="argument_revisions", on_delete=RESTRICT
    )
    organisation_id: int
    argument: fields.ForeignKeyRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="revisions", on_delete=RESTRICT
    )
    argument_id: int
    revision = fields.IntField()
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "argument_revision"
        unique_together = (("argument", "revision"),)


class Position(Model):
    """A member's current position on a proposal (every change is kept in PositionChange)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="positions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="positions", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="positions", on_delete=RESTRICT
    )
    user_id: int
    stance = fields.CharEnumField(PositionStance, max_length=8)
    reason = fields.TextField()
    proposal_version = fields.IntField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "position"
        unique_together = (("proposal", "user"),)


class PositionChange(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="position_changes", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="position_changes", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="position_changes", on_delete=RESTRICT
    )
    user_id: int
    stance = fields.CharEnumField(PositionStance, max_length=8)
    reason = fields.TextField()
    proposal_version = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "position_change"
        indexes = (("proposal_id", "user_id"),)


class Decision(Model):
    """How a proposal closed: outcome, the statement of why, who, when and the tally then."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="decisions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.OneToOneRelation[Proposal] = fields.OneToOneField(
        "models.Proposal", related_name="decision", on_delete=RESTRICT
    )
    proposal_id: int
    outcome = fields.CharEnumField(ProposalState, max_length=9)
    statement = fields.TextField()
    # Null when the rule itself decided as the deadline passed.
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="decisions", null=True, on_delete=RESTRICT
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField()
    rule = fields.CharEnumField(RuleKind, max_length=10)
    tally = fields.TextField()

    class Meta:
        table = "decision"


class DecisionCitation(Model):
    """An argument the decision statement cites as decisive."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="decision_citations", on_delete=RESTRICT
    )
    organisation_id: int
    decision: fields.ForeignKeyRelation[Decision] = fields.ForeignKeyField(
        "models.Decision", related_name="citations", on_delete=RESTRICT
    )
    decision_id: int
    argument: fields.ForeignKeyRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="citations", on_delete=RESTRICT
    )
    argument_id: int

    class Meta:
        table = "decision_citation"
        unique_together = (("decision", "argument"),)


class ProposalLink(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposal_links", on_delete=RESTRICT
    )
    organisation_id: int
    source: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="links_out", on_delete=RESTRICT
    )
    source_id: int
    target: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="links_in", on_delete=RESTRICT
    )
    target_id: int
    kind = fields.CharEnumField(LinkKind, max_length=10)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposal_links", on_delete=RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_link"
        unique_together = (("source", "target", "kind"),)
        indexes = (("target_id",),)


class Event(Model):
    """The record, append-only and hash-chained per organisation.

    Database triggers refuse UPDATE and DELETE. ``payload`` is canonical JSON text, so the hash
    never depends on how a database re-serialises JSON.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="events", on_delete=RESTRICT
    )
    organisation_id: int
    seq = fields.IntField()
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="events", null=True, on_delete=RESTRICT
    )
    proposal_id: int | None
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events", null=True, on_delete=RESTRICT
    )
    actor_id: int | None
    type = fields.CharField(max_length=40)
    payload = fields.TextField()
    created_at = fields.DatetimeField()
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "event"
        unique_together = (("organisation", "seq"),)
        indexes = (("proposal_id", "seq"),)


# Following through: notifications, their delivery, reminders, follow-ups and outcome reviews.


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
