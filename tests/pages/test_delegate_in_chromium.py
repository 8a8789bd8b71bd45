"""A delegate acts from their email, as a person does it: Ana is away and Teo speaks for her.
The worker's reminder goes to Teo, not Ana, through a real SMTP server; its link is opened in
headless Chromium from a real ``actas serve``; the page says Ana is away and Teo speaks for her;
Teo takes Ana's position on the page; a frontend reads it back through GraphQL as Ana's, cast by
Teo."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from actas.api import clock
from actas.api.domain.absences import Delegation
from actas.api.domain.vocabulary import DelegationScope, ParticipantRole, TokenScope
from actas.api.services import absences
from actas.api.services.outbox import deliver_due
from actas.api.services.schedule import run_schedule
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings, load_settings
from tests.api.receivers import MailServer, free_port
from tests.browsers import chromium
from tests.factories import build_world, opened
from tests.pages.browsing import SECRET, serving

TITLE = "Abrir las tiendas en domingo"


@dataclass
class Emailed:
    port: int
    reference: str
    link: str  # the "Abrir en actas" link of Teo's reminder, as his mail client shows it
    text: str  # the reminder's plain text
    ana: int
    token: str  # a frontend's read token


@pytest.fixture(scope="module")
async def emailed(database: Settings) -> Emailed:
    world = await build_world()
    port = free_port()
    deadline = clock.now() + timedelta(hours=47)  # the first reminder step (48 h) is due now
    proposal = await opened(
        world, title=TITLE, participants={"ana": ParticipantRole.REQUIRED}, deadline=deadline
    )
    await absences.record_absence(
        await world.viewer("ana"),
        world.organisation.id,
        user_id=world.id("ana"),
        terms=absences.AbsenceTerms(
            ends_at=deadline + timedelta(days=4),
            delegations=(Delegation(world.id("teo"), DelegationScope.ORGANISATION),),
        ),
    )
    await run_schedule()
    with MailServer() as mail:
        settings = load_settings(
            {
                "ACTAS_DATABASE_URL": database.database_url,
                "ACTAS_SECRET_KEY": SECRET,
                "ACTAS_LINK_TEMPLATE": f"http://127.0.0.1:{port}/p/{{reference}}",
                "ACTAS_SMTP_HOST": "127.0.0.1",
                "ACTAS_SMTP_PORT": str(mail.port),
            }
        )
        while (await deliver_due(settings)).sent:
            pass
        about = [m for m in mail.received if TITLE in m.subject]
    asked = [m for m in about if "Se le pide la posición de un miembro ausente" in m.subject]
    reminders = [m for m in about if "Falta la posición de quien representa" in m.subject]
    assert [m.to for m in asked] == [world.users["teo"].email]  # as her absence was recorded
    assert [m.to for m in reminders] == [world.users["teo"].email]  # not Ana: she is away
    [letter] = reminders
    [link] = re.findall(r'<a href="([^"]+)"[^>]*>Abrir en actas</a>', letter.html)
    token = await issue_token(world.id("admin"), scope=TokenScope.READ, label="frontend")
    reference = f"{world.organisation.slug.upper()}-{proposal.number}"
    return Emailed(port, reference, html.unescape(link), letter.text, world.id("ana"), token.secret)


@pytest.fixture(scope="module")
def served(database: Settings, emailed: Emailed) -> Iterator[str]:
    with serving(database, emailed.port) as url:
        yield url


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_the_reminder_tells_the_delegate_whom_he_speaks_for_and_until_when(
    emailed: Emailed,
) -> None:
    assert re.search(r"Hablará en nombre de Ana hasta el \d+ \w+\.? \d{4}\.", emailed.text)
    assert "#for-" in emailed.link


def test_the_page_says_who_is_away_until_when_and_who_speaks_for_her(
    browser: Any, emailed: Emailed
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(emailed.link)
    section = page.locator("#away")
    section.scroll_into_view_if_needed()
    assert section.is_visible()
    assert section.locator("h2").inner_text() == "Quién está ausente"
    [line] = section.locator("li").all_inner_texts()
    assert re.fullmatch(
        r"Ana — ausente hasta el \d+ \w+\.? \d{4}; Teo habla en su nombre\.", line
    ), line
    page.screenshot(path="/tmp/team/page-away-section.png", full_page=True)


def test_the_delegate_takes_her_position_on_the_page_and_it_is_hers_cast_by_him(
    browser: Any, served: str, emailed: Emailed
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(emailed.link)
    section = page.locator(f"#for-{emailed.ana}")
    assert "En nombre de Ana" in section.inner_text()
    assert _positions(served, emailed) == []  # opening the link recorded nothing

    section.locator("input[value=agree]").check()
    section.locator("textarea").fill("Ana lo dejó dicho antes de irse.")
    section.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#done").inner_text() == "Posición registrada en su nombre."
    page.screenshot(path="/tmp/actas-delegate-from-email.png", full_page=True)

    assert _positions(served, emailed) == [
        {
            "stance": "AGREE",
            "reason": "Ana lo dejó dicho antes de irse.",
            "castAs": "DELEGATE",
            "user": {"name": "Ana"},
            "castBy": {"name": "Teo"},
        }
    ]


def _positions(url: str, emailed: Emailed) -> list[dict[str, Any]]:
    query = """query ($ref: String!) {
      proposal(reference: $ref) { positions(first: 10) { nodes {
        stance reason castAs user { name } castBy { name }
      } } }
    }"""
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": {"ref": emailed.reference}},
        headers={"Authorization": f"Bearer {emailed.token}"},
        timeout=10,
    ).json()
    nodes: list[dict[str, Any]] = answer["data"]["proposal"]["positions"]["nodes"]
    return nodes
