"""Signing in to the members' archive in a browser: a cookie that names an API token.

A browser cannot send a bearer header with a link to a static page, so a member signs in once
(``/archive/login``, or a later caller such as a personal link from an email) and gets a cookie.
The cookie carries no secret: it is a signed, expiring reference to one API token (its id and a
digest of its stored hash, signed with ``ACTAS_SECRET_KEY`` by itsdangerous). Every request
reads the token's row again, so a revoked or expired token loses the archive at once, and a
cookie forged with a leaked signing key still needs a token's stored hash to match.

A later caller that has no API token in hand (a personal link) can issue a short read token
for the person (``tokens.issue_token``) and pass it to ``start_session``: the cookie then lives
and dies with that token.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from actas.api import clock
from actas.api.domain.vocabulary import TokenScope
from actas.api.models import ApiToken
from actas.api.services.tokens import Credentials

COOKIE = "actas_archive"
# The whole site: `/p/<reference>` (where emails link) reads it too, to send a member to the
# page. Nothing else reads it: GraphQL authenticates by bearer token only.
COOKIE_PATH = "/"
SALT = "actas.archive.session"  # one salt per purpose: these signatures mean nothing elsewhere
SESSION_SECONDS = 12 * 3600  # a sign-in lasts a working day, never beyond its token


class ArchiveSessions:
    def __init__(self, secret_key: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret_key, salt=SALT)

    def start_session(self, request: Request, response: Response, token: ApiToken) -> None:
        """Sign ``response``'s reader in with ``token`` (which the caller has authenticated)."""
        value = self.serializer.dumps({"token": token.id, "check": _check(token.token_hash)})
        response.set_cookie(
            COOKIE,
            value,
            max_age=SESSION_SECONDS,
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )

    async def credentials(self, request: Request) -> Credentials | None:
        """Who the request's cookie speaks for, or None: no cookie, a forged, altered or expired
        one, or a token since revoked or expired."""
        value = request.cookies.get(COOKIE)
        if not value:
            return None
        try:
            claim = self.serializer.loads(value, max_age=SESSION_SECONDS)
            token_id, check = int(claim["token"]), str(claim["check"])
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
        row = await (
            ApiToken.filter(id=token_id, revoked_at__isnull=True, expires_at__gt=clock.now())
            .first()
            .values("user_id", "scope", "token_hash")
        )
        if row is None or not hmac.compare_digest(_check(row["token_hash"]), check):
            return None
        return Credentials(
            user_id=row["user_id"], scope=TokenScope(row["scope"]), token_id=token_id
        )


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def _check(token_hash: str) -> str:
    """A digest of the token's stored hash: binds the cookie to that token without copying
    the database's value into the browser."""
    return hashlib.sha256(b"archive-session\0" + token_hash.encode()).hexdigest()[:32]
