"""Who may found an organisation, and how a person comes to belong to one.

Nobody is made a member by someone else's say-so through the API: an admin invites a person by
email, and only the person's acceptance makes them a member. The answer to an invitation is the
same whether the address has an account, has none yet, or is already a member, so inviting
tells an outsider nothing about who uses actas. (Operators, the demo and tests may still add
members directly: ``organisations.add_member``, never exposed over GraphQL.)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from actas.api.domain.errors import Forbidden, ValidationFailed

INVITATION_LIFETIME = timedelta(days=14)


class OrganisationCreators(StrEnum):
    """Who may create organisations (``ACTAS_ORGANISATION_CREATORS``)."""

    ANYONE = "anyone"  # any token holder (development default)
    ADMINS = "admins"  # instance admins only (production default)


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"
    EXPIRED = "expired"  # never stored: a pending invitation past its expiry


def ensure_may_create_organisation(creators: OrganisationCreators, *, instance_admin: bool) -> None:
    """Checked before anything about the new organisation is looked at, so an outsider never
    learns which slugs (tenants) exist."""
    if creators is OrganisationCreators.ADMINS and not instance_admin:
        raise Forbidden("Only the instance's admins can create organisations here.")


def invitation_state(
    stored: InvitationState, expires_at: datetime, now: datetime
) -> InvitationState:
    """The state a person sees: a pending invitation past its expiry has expired."""
    if stored is InvitationState.PENDING and now >= expires_at:
        return InvitationState.EXPIRED
    return stored


def ensure_may_accept(state: InvitationState) -> None:
    """Accepting again is not an error (a retry gets the membership); anything else that is
    not pending is."""
    refusals = {
        InvitationState.DECLINED: "You declined this invitation: ask for a new one.",
        InvitationState.REVOKED: "This invitation was withdrawn.",
        InvitationState.EXPIRED: "This invitation has expired: ask for a new one.",
    }
    if state in refusals:
        raise ValidationFailed(refusals[state], field="invitation")


def ensure_may_decline(state: InvitationState) -> None:
    if state is InvitationState.ACCEPTED:
        raise ValidationFailed(
            "You accepted this invitation and are a member now.", field="invitation"
        )


def ensure_may_revoke(state: InvitationState) -> None:
    if state in (InvitationState.ACCEPTED, InvitationState.DECLINED):
        raise ValidationFailed(
            f"This invitation was already {state.value}: there is nothing to withdraw.",
            field="invitation",
        )
