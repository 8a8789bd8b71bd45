"""What becomes of a reply by email (pure: the facts in, the outcome out).

A reply is judged in this order, and the first rule that applies decides:

1. it names no reply address of ours: **not_for_us** (nothing recorded, nobody told);
2. its Message-ID was processed before: **duplicate** (nothing done again);
3. its key is one we never issued: **unknown_address** (recorded, nobody told: the From of a
   message we cannot tie to a person is anyone's to forge, and answering it is backscatter);
4. a robot sent it (an out-of-office note, a vacation responder, a bounce): **auto_reply**,
   recorded — under the owner's id when it comes from the owner's address, as a sign that they
   may be away — and never answered, so two robots never talk to each other;
5. its From is not the address owner's email: **sender_mismatch**. Nothing is posted and the
   From is not answered (it may be forged). The *owner* is told, at their own address: so a
   person replying from another account (a forwarded email, a personal address) learns why
   nothing happened, and an attempt to speak for them does not go unnoticed. Only the owner's
   mailbox receives it, and at most ``SHORT_REPLIES_PER_HOUR`` such notes an hour;
6. the address has expired or was revoked: **expired_address**, the owner told (it is their own
   address that wrote);
7. nothing is left once the quote, signature and closing are cut: **empty**, the owner told;

and otherwise the reply acts: a first line that is only a position takes it
(**took_position**, the rest is the reason), anything else is an argument answering the one the
email was about, or a comment on the proposal (**posted_argument**). What the rules refuse (the
deadline has passed, a block needs a reason, an observer may not write) is
**refused_by_rules**, the owner told why in the services' words.

The From address is compared as the MTA hands it over: actas does not check SPF, DKIM or DMARC
itself. An MTA that rejects (or marks and drops) mail failing DMARC before it reaches ``actas mail``
is what makes a forged From fail here; without it, the reply key (160 random bits, in one
person's mailbox only) is the safeguard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from actas.api.domain.replies import Reply

SHORT_REPLIES_PER_HOUR = 5  # per person: a mail loop or a forger cannot flood a mailbox


class IntakeOutcome(StrEnum):
    NOT_FOR_US = "not_for_us"
    UNKNOWN_ADDRESS = "unknown_address"
    SENDER_MISMATCH = "sender_mismatch"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto_reply"
    EXPIRED_ADDRESS = "expired_address"
    EMPTY = "empty"
    REFUSED_BY_RULES = "refused_by_rules"
    POSTED_ARGUMENT = "posted_argument"
    TOOK_POSITION = "took_position"

    @property
    def posted(self) -> bool:
        return self in (IntakeOutcome.POSTED_ARGUMENT, IntakeOutcome.TOOK_POSITION)

    @property
    def owner_told(self) -> bool:
        """Whether the address's owner gets a short reply saying why nothing was posted."""
        return self in TOLD_TO_OWNER


TOLD_TO_OWNER = frozenset(
    {
        IntakeOutcome.SENDER_MISMATCH,
        IntakeOutcome.EXPIRED_ADDRESS,
        IntakeOutcome.EMPTY,
        IntakeOutcome.REFUSED_BY_RULES,
    }
)


@dataclass(frozen=True)
class AddressFacts:
    """What the stored reply address says: its owner's email and until when it works."""

    owner_email: str
    expires_at: datetime


def same_person(sender: str, owner_email: str) -> bool:
    """The From address is the owner's: emails are stored lower-case, From may be in any case."""
    return bool(sender) and sender.strip().casefold() == owner_email.strip().casefold()


def judge(reply: Reply, address: AddressFacts | None, *, now: datetime) -> IntakeOutcome | None:
    """Why a reply to an address of ours (rules 3-7 above) is not used, or None: it may act."""
    if address is None:
        return IntakeOutcome.UNKNOWN_ADDRESS
    if reply.auto_reply is not None:
        return IntakeOutcome.AUTO_REPLY
    if not same_person(reply.sender, address.owner_email):
        return IntakeOutcome.SENDER_MISMATCH
    if address.expires_at <= now:
        return IntakeOutcome.EXPIRED_ADDRESS
    if reply.position is None and not reply.reason.strip():
        return IntakeOutcome.EMPTY
    return None


def acting_outcome(reply: Reply) -> IntakeOutcome:
    """What a usable reply does: take its position, or post its text."""
    return IntakeOutcome.TOOK_POSITION if reply.position else IntakeOutcome.POSTED_ARGUMENT
