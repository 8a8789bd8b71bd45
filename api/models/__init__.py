"""Tables. Every table of organisation data carries ``organisation`` (the tenant key).

Users and their API tokens are the only global tables: a person may belong to several
organisations. Rows are never deleted; closed proposals never change again.
"""

from actas.api.models.absences import Absence, Delegation
from actas.api.models.base import RESTRICT
from actas.api.models.debate import Argument, ArgumentRevision, Position, PositionChange
from actas.api.models.decisions import Decision, DecisionCitation
from actas.api.models.following import (
    Delivery,
    DeliveryAttempt,
    FollowUp,
    Notification,
    OutcomeReview,
    ScheduledNotice,
    Subscription,
    Webhook,
)
from actas.api.models.idempotency import IdempotencyKey
from actas.api.models.invitations import Invitation
from actas.api.models.organisations import Membership, Organisation, Unit
from actas.api.models.people import ApiToken, ProcessedMessage, ReplyAddress, User
from actas.api.models.proposals import (
    Participant,
    Proposal,
    ProposalLink,
    ProposalTag,
    ProposalVersion,
)
from actas.api.models.record import Event
from actas.api.models.search import Keyphrase, ProposalEmbedding, SearchText

__all__ = [
    "RESTRICT",
    "Absence",
    "ApiToken",
    "Argument",
    "ArgumentRevision",
    "Decision",
    "DecisionCitation",
    "Delegation",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "FollowUp",
    "IdempotencyKey",
    "Invitation",
    "Keyphrase",
    "Membership",
    "Notification",
    "Organisation",
    "OutcomeReview",
    "Participant",
    "Position",
    "PositionChange",
    "ProcessedMessage",
    "Proposal",
    "ProposalEmbedding",
    "ProposalLink",
    "ProposalTag",
    "ProposalVersion",
    "ReplyAddress",
    "ScheduledNotice",
    "SearchText",
    "Subscription",
    "Unit",
    "User",
    "Webhook",
]
