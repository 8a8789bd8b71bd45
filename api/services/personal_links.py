"""Personal links: what lets a person act from an email without a password or a token.

A link's key is a payload signed by itsdangerous with ``ACTAS_SECRET_KEY`` and a salt per
purpose, so a key made for one purpose means nothing for another. It names one person, one
organisation and (for a proposal) one proposal, and carries the person's ``link_generation``:
``revoke_links`` raises that number, and every key signed before stops working at once. Keys
expire (``LIFETIMES``). Reading a key only says who holds it; what they may see and do is asked
of the same services as the GraphQL API, at every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from tortoise.expressions import F

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import Language, TokenScope
from actas.api.models import Membership, ReplyAddress, User
from actas.api.services.access import MEMBERSHIP_COLUMNS, UNIT_COLUMNS, member_scopes


class Purpose(StrEnum):
    PROPOSAL = "proposal"  # read a proposal, take a position, argue
    INVITATION = "invitation"  # accept or decline an invitation to join (before being a member)
    SETTINGS = "settings"  # the member's notification settings in one organisation
    UNSUBSCRIBE = "unsubscribe"  # one click: no more email from that organisation


LIFETIMES = {
    Purpose.PROPOSAL: timedelta(days=30),
    Purpose.INVITATION: timedelta(days=14),  # as long as an invitation lasts
    Purpose.SETTINGS: timedelta(days=30),
    # RFC 8058 asks that an unsubscribe link keeps working for a while after the email.
    Purpose.UNSUBSCRIBE: timedelta(days=60),
}


@dataclass(frozen=True)
class PersonalKey:
    purpose: Purpose
    user_id: int
    organisation_id: int
    subject_id: int | None = None  # the proposal, or the invitation, the key opens


@dataclass(frozen=True)
class Holder:
    """The person a key speaks for, able to act in the key's organisation only."""

    key: PersonalKey
    viewer: Viewer
    name: str
    language: Language
    units: tuple[Mapping[str, Any], ...] = ()  # the organisation's, as read for the viewer


class LinkRefused(Exception):
    """A key that does not open: ``why`` is expired, invalid or revoked (never shown apart to
    the holder: every refusal offers the same fresh link by email)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class _ClockSigner(TimestampSigner):
    """Signs and checks ages by actas's clock, which demos and tests may set."""

    def get_timestamp(self) -> int:
        # Never below 0, which itsdangerous cannot encode: only simulated eras lie before 1970.
        return max(0, int(clock.now().timestamp()))


class PersonalLinks:
    def __init__(self, signing_key: str) -> None:
        self._serializers = {
            purpose: URLSafeTimedSerializer(
                signing_key, salt=f"actas.link.{purpose}", signer=_ClockSigner
            )
            for purpose in Purpose
        }

    def key(self, key: PersonalKey, *, generation: int) -> str:
        payload = [key.user_id, key.organisation_id, key.subject_id, generation]
        return str(self._serializers[key.purpose].dumps(payload))

    def read(self, purpose: Purpose, raw: str) -> tuple[PersonalKey, int]:
        """The key and the generation it was signed with; raises ``LinkRefused``."""
        max_age = int(LIFETIMES[purpose].total_seconds())
        try:
            user, organisation, subject, generation = self._serializers[purpose].loads(
                raw, max_age=max_age
            )
        except SignatureExpired:
            raise LinkRefused("expired") from None
        except (BadSignature, ValueError, TypeError):
            raise LinkRefused("invalid") from None
        if not all(isinstance(n, int) for n in (user, organisation, generation)) or not (
            subject is None or isinstance(subject, int)
        ):
            raise LinkRefused("invalid")
        return PersonalKey(purpose, user, organisation, subject), generation

    async def holder(self, purpose: Purpose, raw: str) -> Holder:
        """Who holds ``raw``, if it opens (signed, unexpired, not revoked since, and its holder
        still a member of its organisation), as a viewer of that organisation only: one query,
        the membership joined with the person and with the organisation's units (a row each)."""
        key, generation = self.read(purpose, raw)
        rows = await Membership.filter(
            user_id=key.user_id, organisation_id=key.organisation_id
        ).values(
            *MEMBERSHIP_COLUMNS,
            "user__name",
            "user__language",
            "user__link_generation",
            *(f"organisation__units__{c}" for c in UNIT_COLUMNS),
        )
        if not rows:
            raise LinkRefused("invalid")
        if rows[0]["user__link_generation"] != generation:
            raise LinkRefused("revoked")
        units = [
            {c: row[f"organisation__units__{c}"] for c in UNIT_COLUMNS}
            for row in rows
            if row["organisation__units__id"] is not None
        ]
        scopes = member_scopes(rows[:1], units)
        viewer = Viewer(
            user_id=key.user_id,
            memberships={org: member for (org, _), member in scopes.items()},
            scope=TokenScope.WRITE,
        )
        language = Language(rows[0]["user__language"])
        return Holder(key, viewer, rows[0]["user__name"], language, tuple(units))

    async def invitee(self, raw: str) -> tuple[PersonalKey, User]:
        """Who holds an invitation key, if it opens: not a member yet, so only the person's
        own row is read (its link generation, name and language)."""
        key, generation = self.read(Purpose.INVITATION, raw)
        user = await User.get_or_none(id=key.user_id)
        if user is None or key.subject_id is None:
            raise LinkRefused("invalid")
        if user.link_generation != generation:
            raise LinkRefused("revoked")
        return key, user

    async def keys(self, wanted: list[PersonalKey]) -> list[str]:
        """Keys for many people at once (the worker's emails), one query for their generations."""
        generations = dict(
            await User.filter(id__in=sorted({k.user_id for k in wanted})).values_list(
                "id", "link_generation"
            )
        )
        return [self.key(k, generation=generations.get(k.user_id, 0)) for k in wanted]


def page_link(link_template: str, reference: str, key: str) -> str:
    """Where an email's personal link points: ``ACTAS_LINK_TEMPLATE`` (actas's own proposal page
    unless a frontend is configured) with the key as ``k``."""
    base = link_template.format(reference=reference)
    return f"{base}{'&' if '?' in base else '?'}k={key}"


async def revoke_links(user_id: int) -> None:
    """Every personal link and reply address of the person stops working."""
    async with write_transaction(None):
        await User.filter(id=user_id).update(link_generation=F("link_generation") + 1)
        await ReplyAddress.filter(user_id=user_id, expires_at__gt=clock.now()).update(
            expires_at=clock.now()
        )
