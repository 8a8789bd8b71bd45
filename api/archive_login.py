"""``/archive/login``: a member pastes an API token into a form (no JavaScript) and is signed in
to the members' archive with a cookie (``archive_session``); ``/archive/logout`` ends it.

The form's only field is the token; what it says never depends on which organisations exist.
The POST is refused when the browser says it comes from another site (``Origin``), so another
site cannot sign a visitor in with a token of its own choosing.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, Router

from actas.api.archive_access import LINKS_PATH, ArchiveFiles
from actas.api.archive_session import ArchiveSessions, end_session
from actas.api.models import ApiToken
from actas.api.services.tokens import authenticate

MAX_FORM_BYTES = 4096  # a token and a path
# The sign-in pages need nothing from anywhere: no script, style, image or frame.
LOGIN_POLICY = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sign in to the decision archive</title></head>
<body><main>
<h1>Sign in to the decision archive</h1>
<p>This archive is for members. Paste an API token of yours (<code>actas token create</code>,
or the <code>createToken</code> mutation); it is checked again on every page, so revoking it
signs you out.</p>
{message}
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<p><label>API token <input type="password" name="token" autocomplete="off" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>
</main></body></html>
"""


def archive_app(files: ArchiveFiles, sessions: ArchiveSessions) -> Router:
    """What is mounted at ``/archive``: the sign-in routes, then the guarded files."""

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return form(request, request.query_params.get("next", ""))
        return await sign_in(request, sessions)

    async def logout(request: Request) -> Response:
        response = RedirectResponse(f"{_root(request)}/login", status_code=303)
        end_session(response)
        return response

    return Router(
        routes=[
            Route("/login", login, methods=["GET", "POST"]),
            Route("/logout", logout, methods=["POST"]),
        ],
        default=files,
    )


async def sign_in(request: Request, sessions: ArchiveSessions) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("Sign in from this site's own form.", status_code=403)
    body = await _bounded_body(request)
    if body is None:
        return PlainTextResponse("The form is too large.", status_code=413)
    fields = parse_qs(body.decode("utf-8", "replace"))
    target = fields.get("next", [""])[0]
    credentials = await authenticate(fields.get("token", [""])[0].strip())
    token = None if credentials is None else await ApiToken.get_or_none(id=credentials.token_id)
    if token is None:
        message = "That token is not valid: unknown, expired or revoked."
        return form(request, target, message=message, status_code=401)
    response = RedirectResponse(safe_target(request, target), status_code=303)
    sessions.start_session(request, response, token)
    return response


def form(request: Request, target: str, *, message: str = "", status_code: int = 200) -> Response:
    page = PAGE.format(
        action=html.escape(f"{_root(request)}/login"),
        next=html.escape(safe_target(request, target)),
        message=f'<p role="alert"><strong>{html.escape(message)}</strong></p>' if message else "",
    )
    return HTMLResponse(
        page, status_code=status_code, headers={"Content-Security-Policy": LOGIN_POLICY}
    )


def safe_target(request: Request, target: str) -> str:
    """Where to go after signing in: a path inside the archive or an email's proposal link,
    never another site."""
    root = _root(request)
    parts = urlsplit(target)
    inside = target.startswith((f"{root}/", f"{LINKS_PATH}/")) and not (
        parts.scheme or parts.netloc
    )
    if not inside or "\\" in target or "//" in target or parts.path.startswith(f"{root}/login"):
        return f"{root}/"
    return target


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site form (browsers send Origin with every POST)
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own


async def _bounded_body(request: Request) -> bytes | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return body


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", ""))
