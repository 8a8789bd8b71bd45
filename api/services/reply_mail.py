"""The short reply to a reply by email that was not used: why, in the owner's language.

Queued by ``reply_intake`` as an outbox delivery (``{"reply_refused": {...}}``) and composed
here when the worker sends it. It goes only to the reply address's owner, at their own address
(never to a From that may be forged), answers the inbound message (In-Reply-To), says
``Auto-Submitted: auto-replied`` and carries no reply address: answering it posts nothing.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import orjson

from actas.api.catalogue import texts_for
from actas.api.domain.inbound import IntakeOutcome
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import Language
from actas.api.models import Delivery, Proposal, User
from actas.api.services import mail
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose, page_link
from actas.api.settings import Settings

PAYLOAD_KEY = "reply_refused"
QUOTED_CHARACTERS = 1_000


def is_refusal(delivery: Delivery) -> bool:
    return delivery.notification_id is None and f'"{PAYLOAD_KEY}"' in delivery.payload


async def refusal_letters(
    settings: Settings, deliveries: Sequence[Delivery]
) -> dict[int, mail.Letter]:
    """The email of each short-reply delivery (one query per table for them all)."""
    if not deliveries:
        return {}
    refused = {d.id: orjson.loads(d.payload)[PAYLOAD_KEY] for d in deliveries}
    proposals = {
        p.id: p
        for p in await Proposal.filter(
            id__in=sorted({r["proposal"] for r in refused.values()})
        ).select_related("organisation")
    }
    people = {u.id: u for u in await User.filter(id__in=[d.recipient_id for d in deliveries])}
    keys = await PersonalLinks(settings.signing_key).keys(
        [
            PersonalKey(Purpose.PROPOSAL, d.recipient_id or 0, d.organisation_id, r["proposal"])
            for d, r in ((d, refused[d.id]) for d in deliveries)
        ]
    )
    letters = {}
    for delivery, key in zip(deliveries, keys, strict=True):
        facts = refused[delivery.id]
        proposal = proposals.get(facts["proposal"])
        person = people.get(delivery.recipient_id or 0)
        if proposal is None or person is None:
            continue  # nothing to say it about, or nobody to say it to: skipped
        reference = format_reference(proposal.organisation.slug, proposal.number)
        letters[delivery.id] = compose_refusal(
            key=delivery.key,
            to=person.email,
            language=Language(person.language),
            reference=reference,
            title=proposal.title,
            facts=facts,
            link=page_link(settings.link_template, reference, key),
        )
    return letters


def compose_refusal(
    *,
    key: str,
    to: str,
    language: Language,
    reference: str,
    title: str,
    facts: dict[str, Any],
    link: str,
) -> mail.Letter:
    """Why a reply was not posted, what was written (when the rules refused it), and the page."""
    t = texts_for(language.value)
    outcome = IntakeOutcome(facts["outcome"])
    why = t.gettext(
        f"mail.reply_refused.{outcome.value}",
        reference=reference,
        title=title,
        sender=facts.get("sender", ""),
        email=to,
        detail=facts.get("detail", ""),
    )
    written = str(facts.get("text", ""))[:QUOTED_CHARACTERS].strip()
    opened = t.gettext("mail.reply_refused.open")
    automatic = t.gettext("mail.reply_refused.automatic")
    lines = [why]
    if written:
        lines += ["", t.gettext("mail.reply_refused.your_text")]
        lines += [f"> {line}" for line in written.splitlines()]
    lines += ["", f"{opened}: {link}", "", t.gettext("mail.personal"), automatic]
    e = html.escape
    quoted = (
        f"<p>{e(t.gettext('mail.reply_refused.your_text'))}</p>"
        f"<blockquote>{e(written).replace(chr(10), '<br>')}</blockquote>"
        if written
        else ""
    )
    parts = [
        f"<p>{e(why)}</p>",
        quoted,
        f'<p><a href="{e(link, quote=True)}">{e(opened)}</a></p>',
        f'<p style="color:#666;font-size:small">{e(t.gettext("mail.personal"))} {e(automatic)}</p>',
    ]
    inbound = str(facts.get("in_reply_to", ""))
    return mail.Letter(
        to=to,
        subject=" ".join(t.gettext("mail.reply_refused.subject", reference=reference).split()),
        text="\n".join(lines) + "\n",
        html="<html><body>" + "".join(parts) + "</body></html>",
        message_id=mail.message_id(key),
        thread=f"<{inbound}>" if inbound else None,
        auto="auto-replied",
    )
