"""The member's own pages from an email: settings (how email comes, what waits for them) and
RFC 8058 one-click unsubscribe. Their links come in every notification email."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from actas.api.domain.vocabulary import EmailMode, ParticipantRole
from actas.api.models import Membership
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer
from tests.api.test_outbox import worker_settings
from tests.factories import World, build_world, opened
from tests.pages.browsing import SECRET, browser, page_settings


async def emailed_links(database: Settings, mail: MailServer) -> tuple[World, dict[str, str]]:
    """A world where Ana was invited to give her position, and the links her email carried."""
    world = await build_world()
    settings = worker_settings(database, mail, ACTAS_SECRET_KEY=SECRET)
    await opened(
        world, title="Cambiar de proveedor", participants={"ana": ParticipantRole.REQUIRED}
    )
    while (await deliver_due(settings)).sent:
        pass
    [letter] = [m for m in mail.to(world.users["ana"].email) if "Cambiar de proveedor" in m.subject]
    unsubscribe = str(letter.message["List-Unsubscribe"]).strip("<>")
    assert letter.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    settings_link = re.search(r"https://actas\.example/settings\?k=\S+", letter.text)
    assert settings_link is not None
    return world, {"settings": settings_link.group(0), "unsubscribe": unsubscribe}


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def mode_of(world: World, person: str) -> str:
    return str((await world.membership(person)).email_mode)


async def test_the_settings_link_shows_what_waits_and_changes_email_only_on_post(
    database: Settings, mail: MailServer
) -> None:
    world, links = await emailed_links(database, mail)
    async with browser(page_settings(database)) as client:
        page = await client.get(local(links["settings"]))
        assert page.status_code == 200
        assert "Cambiar de proveedor" in page.text  # waits for her position, with its link
        assert re.search(r'href="[^"]+/p/[^"]+\?k=', page.text)
        assert await mode_of(world, "ana") == EmailMode.IMMEDIATE  # a GET changed nothing
        fields = dict(re.findall(r'name="(k|csrf)" value="([^"]+)"', page.text))
        saved = await client.post("/settings", data={**fields, "mode": "daily"})
        shown = await client.get(saved.headers["location"])
        forged = await client.post("/settings", data={**fields, "csrf": "x", "mode": "off"})

    assert saved.status_code == 303 and "Guardado." in shown.text
    assert forged.status_code == 403
    assert await mode_of(world, "ana") == EmailMode.DAILY


async def test_one_click_unsubscribe_is_a_post_that_needs_only_the_emailed_address(
    database: Settings, mail: MailServer
) -> None:
    world, links = await emailed_links(database, mail)
    async with browser(page_settings(database)) as client:
        shown = await client.get(local(links["unsubscribe"]))
        assert shown.status_code == 200
        assert await mode_of(world, "ana") == EmailMode.IMMEDIATE
        # What a mail client sends (RFC 8058): no cookie, no page, just the POST.
        client.cookies.clear()
        clicked = await client.post(
            local(links["unsubscribe"]), data={"List-Unsubscribe": "One-Click"}
        )
        again = await client.post(
            local(links["unsubscribe"]), data={"List-Unsubscribe": "One-Click"}
        )
        forged = await client.post("/unsubscribe?k=forged", data={"List-Unsubscribe": "One-Click"})

    assert clicked.status_code == again.status_code == 200
    assert forged.status_code == 403
    membership = await Membership.get(
        organisation_id=world.organisation.id, user_id=world.id("ana")
    )
    assert membership.email_mode == EmailMode.OFF
