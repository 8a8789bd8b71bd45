"""CSRF protection for the pages' forms: a signed double-submit cookie (OWASP's pattern).

The browser gets a random cookie (``SameSite=Lax``, ``HttpOnly``); each form carries that
value signed with ``ACTAS_SECRET_KEY`` and bound to the personal key the form acts with. A POST
is taken only when its form token unsigns to the cookie it came with, for the same key: another
site can make a browser send the cookie, but can neither read it nor sign a token for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "actas_csrf"
SALT = "actas.page.csrf"
MAX_AGE = 24 * 3600  # a form left open for a day asks to be reloaded


class Csrf:
    def __init__(self, signing_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(signing_key, salt=SALT)

    def cookie_of(self, request: Request) -> str:
        """The request's CSRF cookie, or a fresh value to set with ``keep``."""
        return request.cookies.get(COOKIE) or secrets.token_urlsafe(24)

    def token(self, cookie: str, bound_to: str) -> str:
        return str(self._serializer.dumps([cookie, _digest(bound_to)]))

    def valid(self, request: Request, token: str, bound_to: str) -> bool:
        cookie = request.cookies.get(COOKIE, "")
        if not cookie or not token:
            return False
        try:
            signed_cookie, signed_binding = self._serializer.loads(token, max_age=MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return False
        return hmac.compare_digest(str(signed_cookie), cookie) and hmac.compare_digest(
            str(signed_binding), _digest(bound_to)
        )

    @staticmethod
    def keep(request: Request, response: Response, cookie: str) -> None:
        if request.cookies.get(COOKIE) != cookie:
            response.set_cookie(
                COOKIE,
                cookie,
                path="/",
                secure=request.url.scheme == "https",
                httponly=True,
                samesite="lax",
            )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]
