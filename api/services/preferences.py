"""A member's own choices: which proposals they follow and how they want email."""

from __future__ import annotations

from actas.api import clock
from actas.api.domain.permissions import ensure_write_scope
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import EmailMode
from actas.api.models import Membership, Subscription
from actas.api.services.access import require_member
from actas.api.services.proposals import visible_proposal


async def follow(viewer: Viewer, proposal_id: int, *, following: bool) -> Subscription:
    """Follow a proposal you can see, or stop following it (which automatic following then
    respects)."""
    ensure_write_scope(viewer)
    proposal = await visible_proposal(viewer, proposal_id)
    subscription, _ = await Subscription.update_or_create(
        defaults={"following": following, "updated_at": clock.now()},
        proposal_id=proposal.id,
        user_id=viewer.user_id,
        organisation_id=proposal.organisation_id,
    )
    return subscription


async def set_email_mode(viewer: Viewer, organisation_id: int, mode: EmailMode) -> Membership:
    """Email at once, as a daily or weekly digest, or not at all (in-app notifications stay)."""
    ensure_write_scope(viewer)
    member = require_member(viewer, organisation_id)
    membership = await Membership.get(id=member.membership_id)
    if membership.email_mode != mode:
        membership.email_mode = mode
        membership.updated_at = clock.now()
        await membership.save(update_fields=["email_mode", "updated_at"])
    return membership
