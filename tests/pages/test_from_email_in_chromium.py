"""From the email to a position taken, as a person does it: the worker sends a real email through
a real SMTP server; its Block button is opened in headless Chromium from a real ``actas serve``;
the form is filled and sent; the position is read back through GraphQL as any frontend would."""

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
from actas.api.domain.vocabulary import ParticipantRole, RuleKind, TokenScope
from actas.api.services.outbox import deliver_due
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings, load_settings
from tests.api.receivers import MailServer, free_port
from tests.browsers import chromium
from tests.factories import build_world, opened
from tests.pages.browsing import SECRET, serving

TITLE = "Cambiar el proveedor de encuestas"


@dataclass
class Emailed:
    port: int
    reference: str
    block_link: str  # the Block button of Ana's invitation, as her mail client shows it
    token: str  # Ana's API token: the frontend reading back what she did


@pytest.fixture(scope="module")
async def emailed(database: Settings) -> Emailed:
    world = await build_world(default_rule=RuleKind.CONSENT)
    port = free_port()
    proposal = await opened(
        world,
        title=TITLE,
        participants={"ana": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=3),
    )
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
        [letter] = [m for m in mail.to(world.users["ana"].email) if TITLE in m.subject]
    # The HTML part as a mail client shows it: the button is the link labelled "Bloqueo".
    [block] = re.findall(r'<a href="([^"]+)"[^>]*>Bloqueo</a>', letter.html)
    token = await issue_token(world.id("ana"), scope=TokenScope.READ, label="frontend")
    reference = f"{world.organisation.slug.upper()}-{proposal.number}"
    return Emailed(port, reference, html.unescape(block), token.secret)


@pytest.fixture(scope="module")
def served(database: Settings, emailed: Emailed) -> Iterator[str]:
    with serving(database, emailed.port) as url:
        yield url


@pytest.fixture(scope="module")
def browser(served: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_a_block_from_the_email_is_recorded_and_read_back_through_graphql(
    browser: Any, served: str, emailed: Emailed
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(emailed.block_link)
    assert page.locator("#position input[value=block]").is_checked()  # opened, not recorded
    assert _positions(served, emailed) == []
    page.fill("#position-reason", "Sin presupuesto aprobado para el cambio.")
    page.click("#position button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#done").inner_text() == "Su posición ha quedado registrada."
    page.screenshot(path="/tmp/actas-block-from-email.png", full_page=True)

    assert _positions(served, emailed) == [
        {"stance": "BLOCK", "reason": "Sin presupuesto aprobado para el cambio."}
    ]


def _positions(url: str, emailed: Emailed) -> list[dict[str, str]]:
    query = """query ($ref: String!) {
      proposal(reference: $ref) { positions(first: 10) { nodes { stance reason } } }
    }"""
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": {"ref": emailed.reference}},
        headers={"Authorization": f"Bearer {emailed.token}"},
        timeout=10,
    ).json()
    nodes: list[dict[str, str]] = answer["data"]["proposal"]["positions"]["nodes"]
    return nodes
