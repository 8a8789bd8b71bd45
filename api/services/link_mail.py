"""A fresh personal link by email, for whoever shows an expired or lost one.

The page that asks answers the same whether or not the address is known (nothing tells who
takes part where). A link goes only to a member who can see the proposal, at most
``PER_HOUR`` times an hour per person: the address typed is never trusted for more than that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

import orjson

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.domain.references import format_reference, parse_reference
from actas.api.domain.visibility import visible_proposals
from actas.api.domain.vocabulary import DeliveryChannel, Language
from actas.api.models import Delivery, Proposal, User
from actas.api.services import mail
from actas.api.services.access import load_viewer
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose, page_link
from actas.api.settings import Settings

PER_HOUR = 3


async def request_fresh_link(email: str, reference: str) -> None:
    """Queue a link to ``reference`` for the member with ``email``, if there is one who may see
    it and has not asked too often; otherwise do nothing, silently."""
    parsed = parse_reference(reference)
    user = await User.get_or_none(email=email.strip().lower())
    if parsed is None or user is None:
        return
    slug, number = parsed
    viewer = await load_viewer(user.id)
    proposal = (
        await visible_proposals(viewer).filter(organisation__slug=slug, number=number).first()
    )
    if proposal is None:
        return
    now = clock.now()
    async with write_transaction(proposal.organisation_id):
        recent = await Delivery.filter(
            recipient_id=user.id,
            notification_id=None,
            created_at__gt=now - timedelta(hours=1),
            payload__contains='"link"',
        ).count()
        if recent >= PER_HOUR:
            return
        await Delivery.create(
            organisation_id=proposal.organisation_id,
            channel=DeliveryChannel.EMAIL,
            key=str(uuid.uuid4()),
            recipient_id=user.id,
            payload=orjson.dumps({"link": {"proposal": proposal.id}}).decode(),
            next_attempt_at=now,
            created_at=now,
        )


def is_link(delivery: Delivery) -> bool:
    return delivery.notification_id is None and '"link"' in delivery.payload


async def link_letters(
    settings: Settings, deliveries: Sequence[Delivery]
) -> dict[int, mail.Letter]:
    """The email of each fresh-link delivery."""
    if not deliveries:
        return {}
    wanted = {d.id: orjson.loads(d.payload)["link"]["proposal"] for d in deliveries}
    proposals = {
        p.id: p
        for p in await Proposal.filter(id__in=sorted(set(wanted.values()))).select_related(
            "organisation"
        )
    }
    people = {u.id: u for u in await User.filter(id__in=[d.recipient_id for d in deliveries])}
    links = PersonalLinks(settings.signing_key)
    keys = await links.keys(
        [
            PersonalKey(Purpose.PROPOSAL, d.recipient_id or 0, d.organisation_id, wanted[d.id])
            for d in deliveries
        ]
    )
    letters = {}
    for delivery, key in zip(deliveries, keys, strict=True):
        proposal = proposals[wanted[delivery.id]]
        person = people[delivery.recipient_id or 0]
        reference = format_reference(proposal.organisation.slug, proposal.number)
        letters[delivery.id] = mail.compose_link(
            key=delivery.key,
            to=person.email,
            language=Language(person.language),
            reference=reference,
            title=proposal.title,
            link=page_link(settings.link_template, reference, key),
        )
    return letters
