"""Event payloads with a shape: one constructor per event type, read back through the same type.

Every writer records ``work.record(payloads.argument_added(...), proposal_id=...)``; every reader
that needs what a payload says reads ``payloads.read(event.type, event.payload)`` and its
attributes, never keys picked by hand. ``to_payload()`` is exactly the dict recorded, so the
stored JSON, and the hash chain over it, are what they were when payloads were plain dicts
(saleor's ``order/events.py`` is the model). Unknown keys of older records are ignored and a
key they lack takes its field's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from actas.api.domain.payloads.debate import (
    ArgumentAdded,
    ArgumentEdited,
    PositionTaken,
    argument_added,
    argument_edited,
    position_taken,
)
from actas.api.domain.payloads.follow_through import (
    DeadlineApproaching,
    DeadlinePassed,
    FollowUpAdded,
    FollowUpDue,
    FollowUpUpdated,
    OutcomeRecorded,
    OutcomeReviewDue,
    Reminding,
    deadline_approaching,
    deadline_passed,
    follow_up_added,
    follow_up_due,
    follow_up_updated,
    outcome_recorded,
    outcome_review_due,
)
from actas.api.domain.payloads.organisations import (
    InvitationDeclined,
    InvitationRevoked,
    InvitationTerms,
    MemberAdded,
    MemberInvited,
    MemberUpdated,
    OrganisationCreated,
    OrganisationUpdated,
    UnitCreated,
    UnitUpdated,
    WebhookCreated,
    WebhookUpdated,
    invitation_declined,
    invitation_revoked,
    member_added,
    member_invited,
    member_updated,
    organisation_created,
    organisation_updated,
    unit_created,
    unit_updated,
    webhook_created,
    webhook_updated,
)
from actas.api.domain.payloads.proposals import (
    Impact,
    ParticipantRemoved,
    ParticipantSet,
    ProposalAbandoned,
    ProposalAccepted,
    ProposalDrafted,
    ProposalLinked,
    ProposalOpened,
    ProposalPublishable,
    ProposalRejected,
    ProposalRevised,
    ProposalUpdated,
    ProposalWithdrawn,
    RuleTerms,
    TallySummary,
    participant_removed,
    participant_set,
    proposal_abandoned,
    proposal_accepted,
    proposal_drafted,
    proposal_linked,
    proposal_opened,
    proposal_publishable,
    proposal_rejected,
    proposal_revised,
    proposal_updated,
    proposal_withdrawn,
)
from actas.api.domain.payloads.shape import Payload, PayloadError, Shape

SHAPES: Mapping[str, type[Payload]] = {
    shape.event_type.value: shape
    for shape in (
        OrganisationCreated,
        OrganisationUpdated,
        UnitCreated,
        UnitUpdated,
        MemberAdded,
        MemberUpdated,
        MemberInvited,
        InvitationDeclined,
        InvitationRevoked,
        WebhookCreated,
        WebhookUpdated,
        ProposalUpdated,
        ProposalDrafted,
        ProposalRevised,
        ProposalOpened,
        ProposalWithdrawn,
        ProposalAbandoned,
        ProposalAccepted,
        ProposalRejected,
        ParticipantSet,
        ParticipantRemoved,
        ProposalLinked,
        ProposalPublishable,
        ArgumentAdded,
        ArgumentEdited,
        PositionTaken,
        DeadlineApproaching,
        DeadlinePassed,
        FollowUpAdded,
        FollowUpUpdated,
        FollowUpDue,
        OutcomeReviewDue,
        OutcomeRecorded,
    )
}


def read(event_type: str, payload: str | bytes | Mapping[str, Any]) -> Payload:
    """The typed payload of a recorded event (its stored JSON text, or that text loaded)."""
    shape = SHAPES.get(event_type)
    if shape is None:
        raise PayloadError(f"No payload shape for event type {event_type!r}.")
    loaded = orjson.loads(payload) if isinstance(payload, str | bytes) else payload
    return shape.from_payload(loaded)


__all__ = [
    "SHAPES",
    "ArgumentAdded",
    "ArgumentEdited",
    "DeadlineApproaching",
    "DeadlinePassed",
    "FollowUpAdded",
    "FollowUpDue",
    "FollowUpUpdated",
    "Impact",
    "InvitationDeclined",
    "InvitationRevoked",
    "InvitationTerms",
    "MemberAdded",
    "MemberInvited",
    "MemberUpdated",
    "OrganisationCreated",
    "OrganisationUpdated",
    "OutcomeRecorded",
    "OutcomeReviewDue",
    "ParticipantRemoved",
    "ParticipantSet",
    "Payload",
    "PayloadError",
    "PositionTaken",
    "ProposalAbandoned",
    "ProposalAccepted",
    "ProposalDrafted",
    "ProposalLinked",
    "ProposalOpened",
    "ProposalPublishable",
    "ProposalRejected",
    "ProposalRevised",
    "ProposalUpdated",
    "ProposalWithdrawn",
    "Reminding",
    "RuleTerms",
    "Shape",
    "TallySummary",
    "UnitCreated",
    "UnitUpdated",
    "WebhookCreated",
    "WebhookUpdated",
    "argument_added",
    "argument_edited",
    "deadline_approaching",
    "deadline_passed",
    "follow_up_added",
    "follow_up_due",
    "follow_up_updated",
    "invitation_declined",
    "invitation_revoked",
    "member_added",
    "member_invited",
    "member_updated",
    "organisation_created",
    "organisation_updated",
    "outcome_recorded",
    "outcome_review_due",
    "participant_removed",
    "participant_set",
    "position_taken",
    "proposal_abandoned",
    "proposal_accepted",
    "proposal_drafted",
    "proposal_linked",
    "proposal_opened",
    "proposal_publishable",
    "proposal_rejected",
    "proposal_revised",
    "proposal_updated",
    "proposal_withdrawn",
    "read",
    "unit_created",
    "unit_updated",
    "webhook_created",
    "webhook_updated",
]
