"""Invitations: how the API makes someone a member, with their consent.

An admin invites an address; the answer is the same whatever the address is (an account, none
yet, or already a member), and nothing in it or in the organisation's record says which: the
invitee is named by the invitation, never by their user id (a fresh id would tell that the
account is new). The invitee sees the invitation in ``viewer.invitations`` (and by email) and
accepts or declines it; only accepting makes them a member, and only then does their name show
in the organisation. Every step is an event in the organisation's record.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.queryset import QuerySet

from actas.api import clock
from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.errors import NotFound
from actas.api.domain.events import canonical_time
from actas.api.domain.membership import (
    INVITATION_LIFETIME,
    InvitationState,
    ensure_may_accept,
    ensure_may_decline,
    ensure_may_revoke,
    invitation_state,
)
from actas.api.domain.notifications import handle_of
from actas.api.domain.permissions import ensure_admin, ensure_write_scope
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import Language
from actas.api.models import Invitation, Membership
from actas.api.services.access import require_member
from actas.api.services.organisations import MembershipTerms, admit, check_unit
from actas.api.services.recording import change
from actas.api.services.users import find_or_create_user


async def invite_member(
    viewer: Viewer,
    organisation_id: int,
    *,
    email: str,
    terms: MembershipTerms,
    name: str | None = None,
    language: Language | None = None,
) -> str:
    """Invite ``email`` to the organisation on ``terms``; returns the cleaned address.

    An address without an account gets a pending one (named ``name``, or after its handle), so
    the invitation reaches it like any other; the name of an existing account is never changed.
    Someone already a member, or already invited, is left as they are."""
    ensure_admin(viewer, require_member(viewer, organisation_id))
    address = clean.email(email)
    terms = terms.cleaned()
    name = clean.optional_text(name, field="name", max_length=200) or handle_of(address)
    async with change(organisation_id, viewer.user_id) as work:
        await check_unit(organisation_id, terms.unit_id)
        invitee = await find_or_create_user(address, name=name, language=language)
        if await _already_in_or_invited(organisation_id, invitee.id):
            return address
        invitation = await Invitation.create(
            organisation_id=organisation_id,
            invitee_id=invitee.id,
            invited_by_id=viewer.user_id,
            unit_id=terms.unit_id,
            title=terms.title,
            role=terms.role,
            external=terms.external,
            weight=terms.weight,
            created_at=work.at,
            expires_at=work.at + INVITATION_LIFETIME,
        )
        work.record(
            payloads.member_invited(
                invitation=invitation.id,
                terms=_terms_payload(terms),
                expires_at=canonical_time(invitation.expires_at),
            )
        )
    return address


async def accept_invitation(viewer: Viewer, invitation_id: int) -> Membership:
    """Join the organisation on the invitation's terms. Accepting again returns the same
    membership, so a client may retry safely."""
    ensure_write_scope(viewer)
    found = await _addressed_to(viewer, invitation_id)
    async with change(found.organisation_id, viewer.user_id) as work:
        invitation = await Invitation.get(id=invitation_id)
        state = invitation_state(InvitationState(invitation.state), invitation.expires_at, work.at)
        ensure_may_accept(state)
        if state is InvitationState.ACCEPTED:
            return await Membership.get(id=invitation.membership_id)
        membership = await Membership.get_or_none(
            organisation_id=invitation.organisation_id, user_id=viewer.user_id
        )
        if membership is None:  # not added directly by an operator meanwhile
            membership = await admit(
                work, viewer.user_id, _terms_of(invitation), invitation_id=invitation.id
            )
        await _answer(invitation, InvitationState.ACCEPTED, work.at, membership_id=membership.id)
    return membership


async def decline_invitation(viewer: Viewer, invitation_id: int) -> Invitation:
    """Say no; declining again (or an invitation that lapsed) changes nothing."""
    ensure_write_scope(viewer)
    found = await _addressed_to(viewer, invitation_id)
    async with change(found.organisation_id, viewer.user_id) as work:
        invitation = await Invitation.get(id=invitation_id)
        state = invitation_state(InvitationState(invitation.state), invitation.expires_at, work.at)
        ensure_may_decline(state)
        if state is InvitationState.PENDING:
            await _answer(invitation, InvitationState.DECLINED, work.at)
            work.record(payloads.invitation_declined(invitation=invitation.id))
    return invitation


async def revoke_invitation(viewer: Viewer, invitation_id: int) -> Invitation:
    """An admin withdraws an invitation not yet answered (even one that has expired)."""
    found = await Invitation.get_or_none(id=invitation_id)
    if found is None or viewer.member_of(found.organisation_id) is None:
        raise NotFound("invitation", invitation_id)
    ensure_admin(viewer, require_member(viewer, found.organisation_id))
    async with change(found.organisation_id, viewer.user_id) as work:
        invitation = await Invitation.get(id=invitation_id)
        ensure_may_revoke(InvitationState(invitation.state))
        if InvitationState(invitation.state) is InvitationState.PENDING:
            await _answer(invitation, InvitationState.REVOKED, work.at)
            work.record(payloads.invitation_revoked(invitation=invitation.id))
    return invitation


def pending_for(user_id: int) -> QuerySet[Invitation]:
    """The invitations awaiting ``user_id``'s answer (not expired)."""
    return Invitation.filter(
        invitee_id=user_id, state=InvitationState.PENDING, expires_at__gt=clock.now()
    )


def sent_by(viewer: Viewer, organisation_id: int) -> QuerySet[Invitation]:
    """The organisation's invitations, for its admins (nobody else sees who was invited)."""
    member = viewer.member_of(organisation_id)
    if member is None or not member.is_admin:
        return Invitation.filter(id__in=[])
    return Invitation.filter(organisation_id=organisation_id)


def may_see(viewer: Viewer, invitation: Invitation) -> bool:
    """The invitee and the organisation's admins see an invitation; to anyone else it does
    not exist."""
    member = viewer.member_of(invitation.organisation_id)
    return invitation.invitee_id == viewer.user_id or (member is not None and member.is_admin)


async def _addressed_to(viewer: Viewer, invitation_id: int) -> Invitation:
    invitation = await Invitation.get_or_none(id=invitation_id, invitee_id=viewer.user_id)
    if invitation is None:
        raise NotFound("invitation", invitation_id)
    return invitation


async def _already_in_or_invited(organisation_id: int, user_id: int) -> bool:
    if await Membership.exists(organisation_id=organisation_id, user_id=user_id):
        return True
    return await pending_for(user_id).filter(organisation_id=organisation_id).exists()


async def _answer(
    invitation: Invitation,
    state: InvitationState,
    at: datetime,
    *,
    membership_id: int | None = None,
) -> None:
    invitation.state = state
    invitation.answered_at = at
    invitation.membership_id = membership_id
    await invitation.save(update_fields=["state", "answered_at", "membership_id"])


def _terms_of(invitation: Invitation) -> MembershipTerms:
    return MembershipTerms(
        unit_id=invitation.unit_id,
        title=invitation.title,
        role=invitation.role,
        external=invitation.external,
        weight=invitation.weight,
    )


def _terms_payload(terms: MembershipTerms) -> payloads.InvitationTerms:
    return payloads.InvitationTerms(
        unit=terms.unit_id,
        title=terms.title,
        role=terms.role,
        external=terms.external,
        weight=terms.weight,
    )
