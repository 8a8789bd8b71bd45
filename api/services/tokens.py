"""API tokens: random, stored only as a SHA-256, with a scope and an expiry, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from actas.api import clock
from actas.api.domain import validation as clean
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.permissions import ensure_write_scope
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import TokenScope
from actas.api.models import ApiToken

TOKEN_PREFIX = "actas_"
MAX_DAYS = 366


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


async def issue_token(
    user_id: int, *, scope: TokenScope, days: int = 90, label: str = ""
) -> IssuedToken:
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"A token lasts 1 to {MAX_DAYS} days.", field="days")
    label = clean.text(label, field="label", max_length=200, required=False)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    at = clock.now()
    token = await ApiToken.create(
        user_id=user_id,
        token_hash=hash_token(secret),
        scope=scope,
        label=label,
        created_at=at,
        expires_at=at + timedelta(days=days),
    )
    return IssuedToken(token, secret)


async def revoke_token(user_id: int, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (revoking twice is harmless)."""
    token = await ApiToken.get_or_none(id=token_id, user_id=user_id)
    if token is None:
        raise NotFound("token", token_id)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        await token.save(update_fields=["revoked_at"])
    return token


async def issue_own_token(
    viewer: Viewer, *, scope: TokenScope, days: int = 90, label: str = ""
) -> IssuedToken:
    """A token for the viewer, who needs a write token to mint one."""
    ensure_write_scope(viewer)
    return await issue_token(viewer.user_id, scope=scope, days=days, label=label)


async def revoke_own_token(viewer: Viewer, token_id: int) -> ApiToken:
    ensure_write_scope(viewer)
    return await revoke_token(viewer.user_id, token_id)


@dataclass(frozen=True)
class Credentials:
    user_id: int
    scope: TokenScope
    token_id: int


async def authenticate(secret: str) -> Credentials | None:
    """Who a bearer token speaks for, or None if it is unknown, expired or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = (
        await ApiToken.filter(
            token_hash=hash_token(secret), revoked_at__isnull=True, expires_at__gt=clock.now()
        )
        .first()
        .values("id", "user_id", "scope")
    )
    if row is None:
        return None
    return Credentials(user_id=row["user_id"], scope=TokenScope(row["scope"]), token_id=row["id"])


async def still_valid(token_id: int) -> bool:
    """Whether a token once accepted is still neither revoked nor expired (a long-lived
    websocket checks again before each update)."""
    return await ApiToken.filter(
        id=token_id, revoked_at__isnull=True, expires_at__gt=clock.now()
    ).exists()
