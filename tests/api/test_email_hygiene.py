"""Email addresses and headers: one plain address per person, and user text (an organisation's
name) that can neither break a header nor add a recipient. Delivered to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actas.api import clock
from actas.api.domain import validation
from actas.api.domain.errors import ValidationFailed
from actas.api.domain.vocabulary import EmailMode, Language
from actas.api.models import User
from actas.api.services import mail, organisations, preferences
from actas.api.services.outbox import deliver_due
from actas.api.services.schedule import run_schedule
from actas.api.services.users import find_or_create_user
from actas.api.settings import Settings
from tests.api.receivers import MailServer, fresh_era
from tests.factories import build_world, unique

NOT_ONE_ADDRESS = {
    "ana@example.org, eve@evil.example": "contains invalid characters: ',', '@'",
    "ana@example.org,eve@evil.example": "contains invalid characters: ',', '@'",
    "ana,eve@example.org": "invalid characters before the @-sign: ','",
    "Ana <ana@example.org>": "display name",
    "ana@example.org\r\nBcc: eve@evil.example": "invalid characters",
    '"ana,eve"@example.org': "Quoting the part before the @-sign is not allowed",
    "ana@localhost": "should have a period",
    "anaexample.org": "must have an @-sign",
    "": "must have an @-sign",
}


@pytest.mark.parametrize("value", NOT_ONE_ADDRESS)
def test_anything_but_one_plain_address_is_refused_with_the_reason(value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validation.email(value)
    assert refused.value.field == "email"
    assert NOT_ONE_ADDRESS[value] in refused.value.message


def test_addresses_are_stored_in_one_comparable_form() -> None:
    assert validation.email("  Ana.Ferrer@Brisa.EXAMPLE ") == "ana.ferrer@brisa.example"
    assert validation.email("ana@bücher.example") == "ana@xn--bcher-kva.example"


async def test_a_list_of_addresses_creates_nobody() -> None:
    tag = unique("list")
    with pytest.raises(ValidationFailed):
        await find_or_create_user(f"{tag}@example.org, eve@evil.example", name="Ana")
    assert not await User.filter(email__contains=tag).exists()


async def test_a_stored_list_of_addresses_is_never_handed_to_smtp() -> None:
    letter = mail.compose_digest(
        key="k1",
        to="ana@example.org, eve@evil.example",  # as an older release may have stored it
        language=Language.EN,
        organisation="Brisa",
        counts={"awaiting": 1, "closing_soon": 0, "new": 0},
        link="https://actas.example/p",
    )
    with MailServer() as server, pytest.raises(ValueError, match="addr_spec"):
        await mail.send(letter, server.settings())
    assert server.received == []


async def test_a_line_break_in_the_organisations_name_leaves_the_digest_whole(
    database: Settings,
) -> None:
    era = fresh_era()  # a Monday, 08:00 UTC
    with clock.frozen_at(era):
        world = await build_world()
        await organisations.update_organisation(
            await world.viewer("admin"),
            world.organisation.id,
            organisations.OrganisationChanges(name="Brisa\r\nBcc: eve@evil.example"),
        )
        await preferences.set_email_mode(
            await world.viewer("ana"), world.organisation.id, EmailMode.DAILY
        )
    with MailServer() as server:
        settings = Settings(database_url=database.database_url, mail=server.settings())
        digest_hour = era + timedelta(days=1, hours=-1)  # Tuesday, 07:00 UTC
        with clock.frozen_at(digest_hour):
            await run_schedule()
            await deliver_due(settings)

    ana = world.users["ana"].email
    [digest] = [m for m in server.received if m.to == ana]
    assert digest.envelope_to == (ana,)
    assert digest.subject == "Resumen de Brisa Bcc: eve@evil.example"
    assert digest.message["Bcc"] is None
    assert not [m for m in server.received if "eve@evil.example" in m.envelope_to]
