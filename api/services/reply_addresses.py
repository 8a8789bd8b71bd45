"""Reply addresses: ``reply+<key>@<ACTAS_REPLY_DOMAIN>``, one per notification email.

A key names no one by itself. It is the HMAC of the delivery's key under ``ACTAS_SECRET_KEY``
(so a resent email has the same address, and nobody without the secret can make one), written in
lower-case base32 (mail systems may change the case of an address; 32 characters keep the local
part well under its 64). Only its SHA-256 is stored, like an API token's, with what a reply to it
answers: whose it is, the proposal, and the argument the email was about. Revoking a person's
links ends their reply addresses too (``personal_links.revoke_links``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.models import ReplyAddress

LIFETIME = timedelta(days=60)
KEY_BYTES = 20  # 160 bits: 32 base32 characters


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply to one email answers."""

    delivery_key: str
    user_id: int
    organisation_id: int
    proposal_id: int
    argument_id: int | None = None


def reply_key(signing_key: str, delivery_key: str) -> str:
    digest = hmac.new(
        signing_key.encode(), f"actas.reply:{delivery_key}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:KEY_BYTES]).decode().lower()


def key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().lower().encode()).hexdigest()


async def addresses_for(
    signing_key: str, domain: str, targets: Sequence[ReplyTarget]
) -> dict[str, str]:
    """The reply address of each target's email, by delivery key, stored once (one query to see
    which are stored, one insert for the rest)."""
    if not domain or not targets:
        return {}
    keys = {t.delivery_key: reply_key(signing_key, t.delivery_key) for t in targets}
    async with write_transaction(None):
        stored = {
            row["delivery_key"]
            for row in await ReplyAddress.filter(delivery_key__in=list(keys)).values("delivery_key")
        }
        now = clock.now()
        await ReplyAddress.bulk_create(
            [
                ReplyAddress(
                    key_hash=key_hash(keys[t.delivery_key]),
                    delivery_key=t.delivery_key,
                    user_id=t.user_id,
                    organisation_id=t.organisation_id,
                    proposal_id=t.proposal_id,
                    argument_id=t.argument_id,
                    created_at=now,
                    expires_at=now + LIFETIME,
                )
                for t in targets
                if t.delivery_key not in stored
            ]
        )
    return {delivery: f"reply+{key}@{domain}" for delivery, key in keys.items()}


async def target_of(key: str) -> ReplyAddress | None:
    """The live reply address with ``key``, or None (unknown, expired or revoked)."""
    return await ReplyAddress.get_or_none(key_hash=key_hash(key), expires_at__gt=clock.now())
