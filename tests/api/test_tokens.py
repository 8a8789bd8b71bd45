"""API tokens: only a SHA-256 is stored, expiry and revocation are honoured, the scope is kept."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from actas.api import clock
from actas.api.domain.errors import Forbidden, NotFound, ValidationFailed
from actas.api.domain.vocabulary import TokenScope
from actas.api.models import ApiToken, User
from actas.api.services import tokens
from actas.api.services.access import load_viewer
from tests.factories import person

T0 = datetime(2032, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def someone() -> User:
    return await person("holder")


@pytest.mark.parametrize("scope", list(TokenScope))
async def test_a_token_is_stored_only_as_its_sha256(someone: User, scope: TokenScope) -> None:
    with clock.frozen_at(T0):
        issued = await tokens.issue_token(someone.id, scope=scope, days=30, label="  laptop ")

    assert issued.secret.startswith("actas_")
    assert len(issued.secret) > 40
    row = await ApiToken.get(id=issued.token.id).values()
    assert row["token_hash"] == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert not any(issued.secret in str(value) for value in row.values())
    assert (row["user_id"], row["scope"], row["label"]) == (someone.id, scope, "laptop")
    assert (row["created_at"], row["expires_at"]) == (T0, T0 + timedelta(days=30))
    assert row["revoked_at"] is None
    with clock.frozen_at(T0):
        credentials = await tokens.authenticate(issued.secret)
    assert credentials is not None
    assert (credentials.user_id, credentials.scope) == (someone.id, scope)


async def test_two_tokens_never_share_a_secret(someone: User) -> None:
    first = await tokens.issue_token(someone.id, scope=TokenScope.READ)
    second = await tokens.issue_token(someone.id, scope=TokenScope.READ)
    assert first.secret != second.secret
    assert first.token.token_hash != second.token.token_hash


@pytest.mark.parametrize("days", [0, -1, 367])
async def test_a_token_lasts_one_day_to_a_year(someone: User, days: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await tokens.issue_token(someone.id, scope=TokenScope.WRITE, days=days)
    assert refused.value.field == "days"
    assert not await ApiToken.exists(user_id=someone.id)


async def test_an_expired_token_no_longer_authenticates(someone: User) -> None:
    with clock.frozen_at(T0):
        issued = await tokens.issue_token(someone.id, scope=TokenScope.WRITE, days=1)

    with clock.frozen_at(T0 + timedelta(days=1) - timedelta(microseconds=1)):
        assert await tokens.authenticate(issued.secret) is not None
    with clock.frozen_at(T0 + timedelta(days=1)):
        assert await tokens.authenticate(issued.secret) is None


async def test_a_revoked_token_no_longer_authenticates(someone: User) -> None:
    issued = await tokens.issue_token(someone.id, scope=TokenScope.WRITE)

    with clock.frozen_at(T0):
        revoked = await tokens.revoke_token(someone.id, issued.token.id)
    with clock.frozen_at(T0 + timedelta(hours=1)):
        again = await tokens.revoke_token(someone.id, issued.token.id)

    assert revoked.revoked_at == again.revoked_at == T0
    assert (await ApiToken.get(id=issued.token.id)).revoked_at == T0
    assert await tokens.authenticate(issued.secret) is None


@pytest.mark.parametrize("secret", ["", "actas_", "actas_nope", "Bearer actas_x", "not-a-token"])
async def test_unknown_secrets_authenticate_nobody(secret: str) -> None:
    assert await tokens.authenticate(secret) is None


async def test_a_secret_differing_by_one_character_is_unknown(someone: User) -> None:
    issued = await tokens.issue_token(someone.id, scope=TokenScope.WRITE)
    last = issued.secret[-1]
    assert await tokens.authenticate(issued.secret[:-1] + ("A" if last != "A" else "B")) is None


async def test_nobody_revokes_someone_elses_token(someone: User) -> None:
    other = await person("other")
    issued = await tokens.issue_token(someone.id, scope=TokenScope.WRITE)

    with pytest.raises(NotFound) as hidden:
        await tokens.revoke_token(other.id, issued.token.id)
    with pytest.raises(NotFound) as missing:
        await tokens.revoke_token(other.id, 2_000_000_000)

    assert str(hidden.value).replace(str(issued.token.id), "#") == str(missing.value).replace(
        "2000000000", "#"
    )
    assert (await ApiToken.get(id=issued.token.id)).revoked_at is None
    assert await tokens.authenticate(issued.secret) is not None


async def test_a_read_only_token_cannot_mint_or_revoke_tokens(someone: User) -> None:
    read_only = await load_viewer(someone.id, TokenScope.READ)
    issued = await tokens.issue_token(someone.id, scope=TokenScope.READ)

    with pytest.raises(Forbidden):
        await tokens.issue_own_token(read_only, scope=TokenScope.WRITE)
    with pytest.raises(Forbidden):
        await tokens.revoke_own_token(read_only, issued.token.id)

    assert await ApiToken.filter(user_id=someone.id).count() == 1
    writer = await load_viewer(someone.id, TokenScope.WRITE)
    minted = await tokens.issue_own_token(writer, scope=TokenScope.READ)
    assert minted.token.user_id == someone.id
