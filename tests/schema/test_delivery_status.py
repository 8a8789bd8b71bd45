"""An email the worker did not send (the member has since chosen a digest or turned email off)
is recorded as SKIPPED, never as SENT: the person's notification shows it through GraphQL, with
the reason in its attempt log, and the worker's report counts it as not needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from actas.api import clock
from actas.api.domain.vocabulary import EmailMode, ParticipantRole
from actas.api.services import preferences
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer, fresh_era
from tests.api.test_outbox import worker_settings
from tests.factories import World, build_world, opened
from tests.schema.client import Api, Data, token

REQUIRED = ParticipantRole.REQUIRED

EMAILS = """{ viewer { notifications(first: 20) { nodes {
  reason
  email { status sentAt attempts attemptLog { succeeded detail } }
} } } }"""


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


async def emails_of(api: Api, world: World, person: str) -> list[Data]:
    data = await api.run(EMAILS, token=await token(world, person))
    return [n["email"] for n in data["viewer"]["notifications"]["nodes"]]


async def test_an_email_no_longer_wanted_is_skipped_not_sent(
    api: Api, database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
    with clock.frozen_at(era + timedelta(hours=1)):
        await opened(world, participants={"ana": REQUIRED, "teo": REQUIRED, "ext": REQUIRED})
        # Before the worker's round, Ana chooses a daily digest and Ext turns email off.
        for person, mode in (("ana", EmailMode.DAILY), ("ext", EmailMode.OFF)):
            await preferences.set_email_mode(
                await world.viewer(person), world.organisation.id, mode
            )
        report = await deliver_due(worker_settings(database, mail))

    to_ana, to_ext = await emails_of(api, world, "ana"), await emails_of(api, world, "ext")
    assert to_ana and to_ext  # added to the organisation, then invited to take a position
    assert to_ana == [
        {
            "status": "SKIPPED",
            "sentAt": None,
            "attempts": 1,
            "attemptLog": [
                {
                    "succeeded": True,
                    "detail": "not sent: the member has since chosen a daily digest",
                }
            ],
        }
    ] * len(to_ana)
    assert {(e["status"], e["attemptLog"][0]["detail"]) for e in to_ext} == {
        ("SKIPPED", "not sent: the member has since turned email off")
    }
    assert not mail.to(world.users["ana"].email) and not mail.to(world.users["ext"].email)
    assert report.skipped == len(to_ana) + len(to_ext)
    assert f"not needed {report.skipped}" in str(report)


async def test_an_email_sent_is_shown_as_sent(
    api: Api, database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
    with clock.frozen_at(era + timedelta(hours=1)):
        await opened(world, participants={"teo": REQUIRED})
        report = await deliver_due(worker_settings(database, mail))

    to_teo = await emails_of(api, world, "teo")
    assert to_teo and {(e["status"], e["sentAt"] is not None) for e in to_teo} == {("SENT", True)}
    assert len(mail.to(world.users["teo"].email)) == len(to_teo)
    assert report.skipped == 0
