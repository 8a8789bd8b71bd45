"""What each email delivery says — a notification (``notices``), a fresh link (``link_mail``) or
a digest — and which queued notification emails are no longer wanted. Composed when the worker
sends, with a fixed number of queries for a whole batch."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from actas.api.domain.vocabulary import (
    EmailMode,
    Language,
)
from actas.api.models import Delivery, Membership, Organisation, User
from actas.api.services import link_mail, mail, reply_mail
from actas.api.services.notices import notification_letters
from actas.api.settings import Settings


async def no_longer_wanted(emails: Sequence[Delivery]) -> dict[int, str]:
    """Notification emails not to send after all, and why: a queued message (say, one waiting
    for a retry) follows the member's email choice as it is now, and goes to members only."""
    notices = [
        d
        for d in emails
        if d.notification_id is not None
        and d.recipient_id
        and not orjson.loads(d.payload).get("invitation")  # invitees are not members yet
    ]
    if not notices:
        return {}
    modes = {
        (organisation, user): mode
        for organisation, user, mode in await Membership.filter(
            organisation_id__in=sorted({d.organisation_id for d in notices}),
            user_id__in=sorted({d.recipient_id for d in notices if d.recipient_id}),
        ).values_list("organisation_id", "user_id", "email_mode")
    }
    unwanted = {}
    for delivery in notices:
        mode = modes.get((delivery.organisation_id, delivery.recipient_id or 0))
        if mode is None:
            unwanted[delivery.id] = "not sent: no longer a member"
        elif mode == EmailMode.OFF:
            unwanted[delivery.id] = "not sent: the member has since turned email off"
        elif mode != EmailMode.IMMEDIATE:
            unwanted[delivery.id] = f"not sent: the member has since chosen a {mode} digest"
    return unwanted


async def letters_for(settings: Settings, deliveries: Sequence[Delivery]) -> dict[int, mail.Letter]:
    """The email of each delivery: a notification's, a fresh link, or a digest."""
    organisations = dict(
        await Organisation.filter(
            id__in=sorted({d.organisation_id for d in deliveries})
        ).values_list("id", "name")
    )
    notices = [d for d in deliveries if d.notification_id]
    letters = await notification_letters(settings, notices, organisations)
    links = [d for d in deliveries if link_mail.is_link(d)]
    refusals = [d for d in deliveries if reply_mail.is_refusal(d)]
    digests = [d for d in deliveries if d.notification_id is None and d not in links + refusals]
    letters |= await link_mail.link_letters(settings, links)
    letters |= await reply_mail.refusal_letters(settings, refusals)
    return letters | await _digest_letters(settings, digests)


async def _digest_letters(
    settings: Settings, deliveries: Sequence[Delivery]
) -> dict[int, mail.Letter]:
    if not deliveries:
        return {}
    people = {u.id: u for u in await User.filter(id__in=[d.recipient_id for d in deliveries])}
    organisations = dict(
        await Organisation.filter(id__in=[d.organisation_id for d in deliveries]).values_list(
            "id", "name"
        )
    )
    inbox = settings.link_template.format(reference="").rstrip("/")
    letters = {}
    for delivery in deliveries:
        person = people[delivery.recipient_id or 0]
        letters[delivery.id] = mail.compose_digest(
            key=delivery.key,
            to=person.email,
            language=Language(person.language),
            organisation=organisations[delivery.organisation_id],
            counts=orjson.loads(delivery.payload)["digest"],
            link=inbox,
        )
    return letters
