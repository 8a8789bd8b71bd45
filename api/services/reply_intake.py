"""Replies by email land in the debate: one inbound message in, one outcome out.

``receive(raw, settings)`` reads the message (``domain.replies``), judges it
(``domain.inbound``: the order and the reasons are there), and either acts through the same
services as the API — ``debate.take_position`` or ``debate.add_argument``, which check
visibility, permissions and deadlines and record events and notifications — or refuses.

Each Message-ID is processed once: its ``ProcessedMessage`` row is written in the transaction
of the change itself, so a crash between the two cannot post twice, and a redelivery (the MTA
retrying after a lost answer) finds it and does nothing. A refusal is recorded too, with the
short reply that says why (an outbox ``Delivery`` the worker sends, ``reply_mail.py``), in one
transaction. Auto-replies are recorded under their owner's id with the outcome ``auto_reply``,
and make them *probably away* (``inferred_absences``) in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import orjson
from tortoise.exceptions import IntegrityError

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.domain.addresses import canonical_host
from actas.api.domain.errors import DomainError
from actas.api.domain.inbound import (
    SHORT_REPLIES_PER_HOUR,
    AddressFacts,
    IntakeOutcome,
    acting_outcome,
    judge,
    same_person,
)
from actas.api.domain.replies import Reply, read_reply
from actas.api.domain.vocabulary import DeliveryChannel, Stance
from actas.api.models import Delivery, ProcessedMessage, ReplyAddress, User
from actas.api.services import debate
from actas.api.services.access import load_viewer
from actas.api.services.inferred_absences import infer_from_auto_reply
from actas.api.services.recording import change
from actas.api.services.reply_addresses import key_hash
from actas.api.settings import Settings

log = logging.getLogger("actas.mail")

MAX_MESSAGE_ID = 255  # the column's length: longer ids are kept as their hash


@dataclass(frozen=True)
class Outcome:
    """What became of one inbound message."""

    outcome: IntakeOutcome
    message_id: str
    user_id: int | None = None  # the reply address's owner, when known
    proposal_id: int | None = None
    argument_id: int | None = None  # the argument posted
    detail: str = ""  # the rule's refusal, or why a robot sent it
    answered: bool = False  # a short reply saying why was queued

    def __str__(self) -> str:
        return f"{self.outcome.value} <{self.message_id}>" + (
            f": {self.detail}" if self.detail else ""
        )


class _Duplicate(Exception):
    """The Message-ID was recorded meanwhile (a redelivery processed concurrently)."""


async def receive(raw: bytes, settings: Settings, *, recipient: str | None = None) -> Outcome:
    """Handle one inbound email; ``recipient`` is the envelope's (SMTP RCPT, or the MTA's), whose
    key then counts alone. Raises only on failures worth retrying (the database)."""
    reply = read_reply(raw, reply_domain=settings.reply_domain)
    return await handle(reply, settings, recipient=recipient)


async def handle(reply: Reply, settings: Settings, *, recipient: str | None = None) -> Outcome:
    """``receive`` for a message already read (``actas mail serve`` reads in another process)."""
    keys = _keys(reply, recipient, settings.reply_domain)
    if not keys:
        return _logged(Outcome(IntakeOutcome.NOT_FOR_US, reply.message_id))
    # A message seen before is found when its row is written: first, in every path below.
    stored_id = _stored_id(reply.message_id)
    address, owner = await _address_of(keys, reply.sender)
    facts = AddressFacts(owner.email, address.expires_at) if address and owner else None
    refused = judge(reply, facts, now=clock.now())
    if refused is not None:
        return _logged(await _refuse(refused, reply, stored_id, address, owner))
    assert address is not None and owner is not None
    try:
        return _logged(await _act(reply, stored_id, address))
    except _Duplicate:
        return _logged(Outcome(IntakeOutcome.DUPLICATE, reply.message_id))
    except DomainError as error:
        return _logged(
            await _refuse(
                IntakeOutcome.REFUSED_BY_RULES, reply, stored_id, address, owner, error.message
            )
        )


# --- acting --------------------------------------------------------------------------------------


async def _act(reply: Reply, stored_id: str, address: ReplyAddress) -> Outcome:
    """Take the position or post the argument, in the transaction that records the message."""
    outcome = acting_outcome(reply)
    viewer = await load_viewer(address.user_id)
    argument_id = None
    async with write_transaction(address.organisation_id):
        await _record(stored_id, outcome, address.user_id)
        if reply.position is not None:
            await debate.take_position(
                viewer, address.proposal_id, stance=reply.position, reason=reply.reason
            )
        else:
            argument = await debate.add_argument(
                viewer,
                address.proposal_id,
                stance=Stance.COMMENT,
                body=reply.reason,
                parent_id=address.argument_id,
            )
            argument_id = argument.id
    return Outcome(
        outcome,
        reply.message_id,
        user_id=address.user_id,
        proposal_id=address.proposal_id,
        argument_id=argument_id,
    )


async def _record(stored_id: str, outcome: IntakeOutcome, user_id: int | None) -> None:
    try:
        await ProcessedMessage.create(
            message_id=stored_id, outcome=outcome.value, user_id=user_id, received_at=clock.now()
        )
    except IntegrityError:
        raise _Duplicate() from None


# --- refusing ------------------------------------------------------------------------------------


async def _refuse(
    outcome: IntakeOutcome,
    reply: Reply,
    stored_id: str,
    address: ReplyAddress | None,
    owner: User | None,
    detail: str = "",
) -> Outcome:
    """Record the refusal and, when the owner is told, queue the short reply with it."""
    matches = owner is not None and same_person(reply.sender, owner.email)
    # A robot's message counts for the owner only when it comes from their address.
    user_id = owner.id if owner and (outcome != IntakeOutcome.AUTO_REPLY or matches) else None
    detail = detail or (reply.auto_reply or "")
    answered = False
    try:
        async with change(address.organisation_id if address else None, None) as work:
            await _record(stored_id, outcome, user_id)
            if outcome.owner_told and address is not None and owner is not None:
                answered = await _queue_short_reply(outcome, reply, address, detail)
            if reply.out_of_office and user_id is not None:
                await infer_from_auto_reply(work, user_id, reply.text, subject=reply.subject)
    except _Duplicate:
        return Outcome(IntakeOutcome.DUPLICATE, reply.message_id)
    return Outcome(
        outcome,
        reply.message_id,
        user_id=user_id,
        proposal_id=address.proposal_id if address else None,
        detail=detail,
        answered=answered,
    )


async def _queue_short_reply(
    outcome: IntakeOutcome, reply: Reply, address: ReplyAddress, detail: str
) -> bool:
    """An email to the owner saying why their reply was not used; False when they have had
    ``SHORT_REPLIES_PER_HOUR`` already this hour."""
    now = clock.now()
    recent = await Delivery.filter(
        recipient_id=address.user_id,
        notification_id=None,
        created_at__gt=now - timedelta(hours=1),
        payload__contains='"reply_refused"',
    ).count()
    if recent >= SHORT_REPLIES_PER_HOUR:
        return False
    refused = {
        "outcome": outcome.value,
        "proposal": address.proposal_id,
        "in_reply_to": reply.message_id,
        "sender": reply.sender,
        "detail": detail,
        "text": reply.text[:2000] if outcome == IntakeOutcome.REFUSED_BY_RULES else "",
    }
    await Delivery.create(
        organisation_id=address.organisation_id,
        channel=DeliveryChannel.EMAIL,
        key=str(uuid.uuid4()),
        recipient_id=address.user_id,
        payload=orjson.dumps({"reply_refused": refused}).decode(),
        next_attempt_at=now,
        created_at=now,
    )
    return True


# --- reading -------------------------------------------------------------------------------------


def _keys(reply: Reply, recipient: str | None, reply_domain: str) -> tuple[str, ...]:
    """The keys to try: the envelope recipient's alone when there is one, else the headers'."""
    if recipient is None:
        return reply.keys
    local, _, domain = recipient.strip().strip("<>").rpartition("@")
    ours = bool(reply_domain) and canonical_host(domain) == canonical_host(reply_domain)
    if ours and local[:6].lower() == "reply+" and local[6:]:
        return (local[6:],)
    return ()


async def _address_of(
    keys: tuple[str, ...], sender: str
) -> tuple[ReplyAddress | None, User | None]:
    """The stored address of the first key, preferring one whose owner sent the reply (a
    reply to two of our emails at once), and its owner; expired ones included."""
    found = {
        row.key_hash: row
        for row in await ReplyAddress.filter(
            key_hash__in=[key_hash(k) for k in keys]
        ).select_related("user")
    }
    addresses = [found[h] for k in keys if (h := key_hash(k)) in found]
    if not addresses:
        return None, None
    chosen = next((a for a in addresses if same_person(sender, a.user.email)), addresses[0])
    return chosen, chosen.user


def _stored_id(message_id: str) -> str:
    if len(message_id) <= MAX_MESSAGE_ID:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()


def _logged(outcome: Outcome) -> Outcome:
    log.info("reply by email: %s", outcome)
    return outcome
