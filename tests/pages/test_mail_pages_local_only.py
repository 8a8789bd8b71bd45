"""``/mail/`` shows caught emails, which hold personal links: only to a browser on the same
machine, even when a development server listens on every interface; never in production."""

from __future__ import annotations

import httpx

from actas.api.app import create_app
from actas.api.settings import Settings
from tests.pages.browsing import page_settings


async def get(settings: Settings, client: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(settings), client=(client, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://actas") as http:
        return await http.get(path)


async def test_caught_mail_is_shown_only_to_this_machine(database: Settings) -> None:
    settings = page_settings(database)
    assert (await get(settings, "127.0.0.1", "/mail/")).status_code == 200
    assert (await get(settings, "::1", "/mail/")).status_code == 200
    for elsewhere in ("192.0.2.7", "10.0.0.8"):
        assert (await get(settings, elsewhere, "/mail/")).status_code == 404
        assert (await get(settings, elsewhere, "/mail/some-key")).status_code == 404
    production = page_settings(database, ACTAS_ENV="production")
    assert (await get(production, "127.0.0.1", "/mail/")).status_code == 404
