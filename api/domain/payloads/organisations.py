"""Payloads of an organisation's own record: itself, its units, members, invitations, webhooks."""

from __future__ import annotations

from dataclasses import dataclass

from actas.api.domain.events import EventType
from actas.api.domain.payloads.shape import Payload, Shape
from actas.api.domain.vocabulary import Language, Role, RuleKind


@dataclass(frozen=True)
class OrganisationCreated(Payload):
    event_type = EventType.ORGANISATION_CREATED
    slug: str
    name: str
    language: Language
    default_rule: RuleKind
    majority_threshold: float
    quorum: float


@dataclass(frozen=True)
class OrganisationUpdated(Payload):
    """Only what changed: every key is absent unless its setting did."""

    event_type = EventType.ORGANISATION_UPDATED
    omitted_when_none = frozenset(
        {
            "name",
            "language",
            "default_rule",
            "majority_threshold",
            "quorum",
            "reminder_hours",
            "escalation_hours",
        }
    )
    name: str | None = None
    language: Language | None = None
    default_rule: RuleKind | None = None
    majority_threshold: float | None = None
    quorum: float | None = None
    reminder_hours: str | None = None  # hours before a deadline, comma-separated: "72,24"
    escalation_hours: int | None = None


@dataclass(frozen=True)
class _UnitPlacement(Payload):
    unit: int
    name: str
    parent: int | None
    head: int | None


class UnitCreated(_UnitPlacement):
    event_type = EventType.UNIT_CREATED


class UnitUpdated(_UnitPlacement):
    """The unit as it is after the change."""

    event_type = EventType.UNIT_UPDATED


@dataclass(frozen=True)
class _MembershipTerms(Payload):
    membership: int
    user: int
    unit: int | None
    title: str
    role: Role
    external: bool
    weight: int


@dataclass(frozen=True)
class MemberAdded(_MembershipTerms):
    event_type = EventType.MEMBER_ADDED
    omitted_when_none = frozenset({"invitation"})
    invitation: int | None = None  # the invitation accepted, when the member answered one


class MemberUpdated(_MembershipTerms):
    """The membership as it is after the change."""

    event_type = EventType.MEMBER_UPDATED


@dataclass(frozen=True)
class InvitationTerms(Shape):
    unit: int | None
    title: str
    role: Role
    external: bool
    weight: int


@dataclass(frozen=True)
class MemberInvited(Payload):
    event_type = EventType.MEMBER_INVITED
    invitation: int
    terms: InvitationTerms
    expires_at: str  # canonical time


@dataclass(frozen=True)
class _InvitationAnswered(Payload):
    invitation: int


class InvitationDeclined(_InvitationAnswered):
    event_type = EventType.INVITATION_DECLINED


class InvitationRevoked(_InvitationAnswered):
    event_type = EventType.INVITATION_REVOKED


# Shapes share fields through private bases only, so that ``isinstance`` names one event type.
@dataclass(frozen=True)
class _Webhook(Payload):
    webhook: int
    endpoint: str = ""  # scheme, host and port; older records kept the URL (see redaction)
    event_types: str = ""  # comma-separated, as the webhook stores them


class WebhookCreated(_Webhook):
    event_type = EventType.WEBHOOK_CREATED


@dataclass(frozen=True)
class WebhookUpdated(_Webhook):
    event_type = EventType.WEBHOOK_UPDATED
    active: bool = True


def organisation_created(
    *,
    slug: str,
    name: str,
    language: Language,
    default_rule: RuleKind,
    majority_threshold: float,
    quorum: float,
) -> OrganisationCreated:
    return OrganisationCreated(slug, name, language, default_rule, majority_threshold, quorum)


def organisation_updated(
    *,
    name: str | None = None,
    language: Language | None = None,
    default_rule: RuleKind | None = None,
    majority_threshold: float | None = None,
    quorum: float | None = None,
    reminder_hours: str | None = None,
    escalation_hours: int | None = None,
) -> OrganisationUpdated:
    """The settings that changed (``None``: unchanged)."""
    return OrganisationUpdated(
        name, language, default_rule, majority_threshold, quorum, reminder_hours, escalation_hours
    )


def unit_created(*, unit: int, name: str, parent: int | None, head: int | None) -> UnitCreated:
    return UnitCreated(unit, name, parent, head)


def unit_updated(*, unit: int, name: str, parent: int | None, head: int | None) -> UnitUpdated:
    return UnitUpdated(unit, name, parent, head)


def member_added(
    *,
    membership: int,
    user: int,
    unit: int | None,
    title: str,
    role: Role,
    external: bool,
    weight: int,
    invitation: int | None = None,
) -> MemberAdded:
    return MemberAdded(membership, user, unit, title, role, external, weight, invitation)


def member_updated(
    *,
    membership: int,
    user: int,
    unit: int | None,
    title: str,
    role: Role,
    external: bool,
    weight: int,
) -> MemberUpdated:
    return MemberUpdated(membership, user, unit, title, role, external, weight)


def member_invited(*, invitation: int, terms: InvitationTerms, expires_at: str) -> MemberInvited:
    return MemberInvited(invitation, terms, expires_at)


def invitation_declined(*, invitation: int) -> InvitationDeclined:
    return InvitationDeclined(invitation)


def invitation_revoked(*, invitation: int) -> InvitationRevoked:
    return InvitationRevoked(invitation)


def webhook_created(*, webhook: int, endpoint: str, event_types: str) -> WebhookCreated:
    return WebhookCreated(webhook, endpoint, event_types)


def webhook_updated(
    *, webhook: int, endpoint: str, event_types: str, active: bool
) -> WebhookUpdated:
    return WebhookUpdated(webhook, endpoint, event_types, active)
