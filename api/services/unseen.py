"""The audience checked again when a message is sent, not only when it was queued: a queued
email, or a retried webhook call, waits minutes to hours, and meanwhile its recipient may have
lost sight of the proposal (removed from a participants-only proposal, moved to another unit,
gone from the organisation) or the proposal may have stopped being one every member sees."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from tortoise.expressions import Q

from actas.api.domain.references import parse_reference
from actas.api.domain.vocabulary import DeliveryChannel
from actas.api.models import Delivery, Membership, Notification, Organisation, Proposal, Unit
from actas.api.services.access import (
    MEMBERSHIP_COLUMNS,
    UNIT_COLUMNS,
    member_scopes,
    proposal_audiences,
)

HIDDEN = "not sent: the recipient may no longer see the proposal"
NOT_PUBLIC = "not sent: the proposal is no longer one every member sees"


async def no_longer_seen(deliveries: Sequence[Delivery]) -> dict[int, str]:
    """Deliveries to drop because their proposal is no longer theirs to hear of, and why."""
    emails = [
        d
        for d in deliveries
        if d.channel == DeliveryChannel.EMAIL and d.notification_id and d.recipient_id
    ]
    hooks = [d for d in deliveries if d.channel == DeliveryChannel.WEBHOOK]
    return {**await _emails_unseen(emails), **await _webhooks_unseen(hooks)}


async def _emails_unseen(emails: Sequence[Delivery]) -> dict[int, str]:
    if not emails:
        return {}
    about = dict(
        await Notification.filter(
            id__in=[d.notification_id for d in emails], proposal_id__isnull=False
        ).values_list("id", "proposal_id")
    )
    proposals = await Proposal.filter(id__in=sorted(set(about.values())))
    if not proposals:
        return {}
    audiences = await proposal_audiences(proposals)
    organisations = sorted({p.organisation_id for p in proposals})
    memberships = await Membership.filter(
        organisation_id__in=organisations,
        user_id__in=sorted({d.recipient_id for d in emails if d.recipient_id}),
    ).values(*MEMBERSHIP_COLUMNS)
    units = await Unit.filter(organisation_id__in=organisations).values(*UNIT_COLUMNS)
    scopes = member_scopes(memberships, units)
    unseen = {}
    for delivery in emails:
        proposal_id = about.get(delivery.notification_id)
        if proposal_id is None or delivery.recipient_id is None:
            continue  # about the organisation, not a proposal
        audience = audiences[proposal_id]
        scope = scopes.get((audience.organisation_id, delivery.recipient_id))
        if not audience.can_see(delivery.recipient_id, scope):
            unseen[delivery.id] = HIDDEN
    return unseen


async def _webhooks_unseen(hooks: Sequence[Delivery]) -> dict[int, str]:
    about: dict[int, tuple[str, int]] = {}
    for delivery in hooks:
        reference = orjson.loads(delivery.payload)["event"].get("proposal")
        parsed = parse_reference(reference) if reference else None
        if parsed is not None:
            about[delivery.id] = parsed
    if not about:
        return {}
    slugs = dict(
        await Organisation.filter(slug__in=sorted({s for s, _ in about.values()})).values_list(
            "slug", "id"
        )
    )
    wanted = [
        Q(organisation_id=slugs[slug], number=number)
        for slug, number in set(about.values())
        if slug in slugs
    ]
    proposals = await Proposal.filter(Q(*wanted, join_type="OR")) if wanted else []
    audiences = await proposal_audiences(proposals)
    found = {(p.organisation_id, p.number): audiences[p.id] for p in proposals}
    unseen = {}
    for delivery_id, (slug, number) in about.items():
        audience = found.get((slugs.get(slug, 0), number))
        if audience is None or not audience.every_member_sees():
            unseen[delivery_id] = NOT_PUBLIC
    return unseen
