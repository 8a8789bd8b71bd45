"""Probably away: an out-of-office reply to one of actas' emails, read as the absence it
announces (issue 11) — through a real invitation email, its reply address, and
``reply_intake.receive``, on a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from actas.api import clock
from actas.api.domain.absences import Delegation
from actas.api.domain.events import EventType
from actas.api.domain.inbound import IntakeOutcome
from actas.api.domain.inferred_absences import UNDATED_DAYS, inferred_span, stated_return
from actas.api.domain.vocabulary import (
    AbsenceSource,
    DelegationScope,
    ParticipantRole,
    PositionStance,
)
from actas.api.models import Absence, Notification, Proposal
from actas.api.services import debate
from actas.api.services.absences import (
    AbsenceTerms,
    change_absence,
    end_absence,
    record_absence,
)
from actas.api.services.electorates import load_electorates
from actas.api.services.outbox import deliver_due
from actas.api.services.reply_intake import receive
from actas.api.settings import Settings
from tests.api.inbound import emailed, intake_settings, plain_reply, reply_address
from tests.api.receivers import MailServer
from tests.factories import World, build_world, opened

TODAY = date(2026, 12, 3)
OUT_OF_OFFICE = "Auto-Submitted: auto-replied"


@pytest.mark.parametrize(
    ("text", "returning"),
    [
        ("I am out of the office until 14 December with limited access to email.", "2026-12-14"),
        ("Estaré fuera de la oficina hasta el 14 de diciembre.", "2026-12-14"),
        ("I'm on leave from 1 Dec to 14 Dec 2026 and will reply when I'm back.", "2026-12-14"),
        ("Back on Monday 14/12.", "2026-12-14"),
        ("Je suis absent jusqu'au 14 décembre.", "2026-12-14"),
        ("Ich bin bis zum 14.12.2026 nicht im Büro.", "2026-12-14"),
        ("De vacaciones del 1 al 15 de enero.", "2027-01-15"),
        ("Out until 2026-12-14. Urgent matters: call 555 1234, ext 10.", "2026-12-14"),
        ("I am currently out of the office with no access to email.", None),
        ("Je suis absent.", None),  # "Je" reads as a date to a parser: no digit, no date
        ("I was away from 1 to 20 November.", None),  # past dates are no return date
        ("Estaré fuera hasta el lunes.", "2026-12-07"),  # a weekday, from the reply's day
        ("Out of office until 14 Dec: limited access.", "2026-12-14"),  # "Out" is no October
        ("You may contact Diego meanwhile.", None),  # "may" is no month
    ],
)
def test_the_return_date_is_the_latest_coming_date_the_reply_gives(
    text: str, returning: str | None
) -> None:
    found = stated_return(text, TODAY)
    assert (found.isoformat() if found else None) == returning


def test_a_dated_reply_lasts_through_its_day_and_an_undated_one_a_fortnight() -> None:
    received = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    dated = inferred_span("Out of office until 14 December.", received)
    undated = inferred_span("Out of office.", received)
    assert (dated.starts_at, dated.ends_at, dated.until_stated) == (
        received,
        datetime(2026, 12, 15, tzinfo=UTC),
        True,
    )
    assert undated.ends_at == received + timedelta(days=UNDATED_DAYS)
    assert not undated.until_stated


def test_the_subject_counts_only_up_to_the_subject_of_ours_it_repeats() -> None:
    received = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    ours = "Automatic reply: [BRISA-21] Propuesta 21: presupuesto 2027, plazo 28 dic"
    theirs = "Out of office until 14 Dec: [BRISA-21] Propuesta 21"

    assert not inferred_span("Out of office.", received, subject=ours).until_stated
    dated = inferred_span("Out of office.", received, subject=theirs)
    assert dated.ends_at == datetime(2026, 12, 15, tzinfo=UTC)


# --- through the inbox ---------------------------------------------------------------------------


async def invited(settings: Settings, mail: MailServer) -> tuple[World, Proposal, str]:
    """Ana, a required voice in analitica (whose nearest head is Mara), invited by email to
    Teo's proposal due in five days; and her invitation's reply address."""
    world = await build_world()
    proposal = await opened(
        world,
        author="teo",
        participants={"ana": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=5),
    )
    letter = await emailed(settings, mail, world.users["ana"].email)
    return world, proposal, reply_address(letter)


def out_of_office(world: World, to: str, body: str) -> bytes:
    return plain_reply(to=to, sender=world.users["ana"].email, body=body, headers=OUT_OF_OFFICE)


def in_ten_days() -> str:
    return (clock.now() + timedelta(days=10)).strftime("%d/%m/%Y")


async def inferred(world: World) -> list[Absence]:
    return await Absence.filter(user_id=world.id("ana"), source=AbsenceSource.AUTO_REPLY)


async def test_an_out_of_office_reply_makes_her_probably_away_and_tells_her_head_and_the_author(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    before = await world.last_seq()

    await receive(out_of_office(world, address, f"Fuera hasta el {in_ten_days()}."), settings)

    [absence] = await inferred(world)
    assert absence.ends_at.date() == (clock.now() + timedelta(days=11)).date()
    [event] = await world.events_since(before)
    assert (event.type, event.actor_id) == (EventType.VOICE_PROBABLY_AWAY, None)
    alert = orjson.loads(event.payload)
    assert (alert["user"], alert["heads"], alert["author"]) == (
        world.id("ana"),
        [world.id("mara")],
        world.id("teo"),
    )
    told = await Notification.filter(event_id=event.id).values_list("user_id", "reason")
    assert sorted(told) == sorted(
        [(world.id("mara"), "escalation"), (world.id("teo"), "participant")]
    )
    while (await deliver_due(settings)).sent:
        pass
    [to_head] = [m for m in mail.to(world.users["mara"].email) if "ausente" in m.subject]
    assert "su buzón respondió con un mensaje automático" in to_head.text
    assert "Respuesta automática de Ana: probablemente ausente hasta el" in to_head.text


async def test_while_probably_away_she_is_not_reminded_and_nobody_speaks_for_her(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, proposal, address = await invited(settings, mail)

    await receive(out_of_office(world, address, "Out of office."), settings)

    electorate = (await load_electorates([proposal]))[proposal.id]
    voice = electorate.away[world.id("ana")]
    assert voice.probable and not voice.until_stated and voice.delegate_id is None
    assert world.id("ana") not in electorate.to_remind
    assert electorate.unspoken_for == (world.id("ana"),)


async def test_it_ends_as_soon_as_she_acts(database: Settings, mail: MailServer) -> None:
    settings = intake_settings(database, mail)
    world, proposal, address = await invited(settings, mail)
    await receive(out_of_office(world, address, "Out of office."), settings)

    await debate.take_position(
        await world.viewer("ana"), proposal.id, stance=PositionStance.AGREE, reason="Vuelvo antes"
    )

    [absence] = await inferred(world)
    assert absence.ends_at <= clock.now()
    electorate = (await load_electorates([proposal]))[proposal.id]
    assert electorate.away == {}


async def test_it_never_replaces_a_recorded_absence(database: Settings, mail: MailServer) -> None:
    settings = intake_settings(database, mail)
    world, proposal, address = await invited(settings, mail)
    await record_absence(
        await world.viewer("mara"),
        world.organisation.id,
        user_id=world.id("ana"),
        terms=AbsenceTerms(
            ends_at=clock.now() + timedelta(days=7),
            delegations=(Delegation(world.id("ext"), DelegationScope.ORGANISATION),),
        ),
    )
    before = await world.last_seq()

    await receive(out_of_office(world, address, "Out of office."), settings)

    assert await inferred(world) == [] and await world.events_since(before) == []
    electorate = (await load_electorates([proposal]))[proposal.id]
    assert electorate.away[world.id("ana")].delegate_id == world.id("ext")


async def test_a_later_reply_gives_the_date_without_telling_anyone_again(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    await receive(out_of_office(world, address, "Out of office."), settings)
    before = await world.last_seq()

    await receive(out_of_office(world, address, f"Out until {in_ten_days()}."), settings)

    [absence] = await inferred(world)
    assert absence.until_stated
    assert absence.ends_at.date() == (clock.now() + timedelta(days=11)).date()
    assert await world.events_since(before) == []


async def test_changed_by_her_head_it_becomes_a_recorded_absence(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    await receive(out_of_office(world, address, "Out of office."), settings)
    [absence] = await inferred(world)

    changed = await change_absence(
        await world.viewer("mara"),
        absence.id,
        AbsenceTerms(ends_at=clock.now() + timedelta(days=3), starts_at=absence.starts_at),
    )

    assert changed.source == AbsenceSource.RECORDED and changed.ends_at > clock.now()


@pytest.mark.parametrize(
    "headers",
    [
        "Precedence: bulk",  # a list, not a person's mailbox
        "Auto-Submitted: auto-generated",  # a robot, not a vacation responder
    ],
)
async def test_other_robots_say_nothing_of_anyone_being_away(
    database: Settings, mail: MailServer, headers: str
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    robot = plain_reply(
        to=address, sender=world.users["ana"].email, body="Out of office.", headers=headers
    )

    await receive(robot, settings)

    assert await inferred(world) == []


async def test_a_read_receipt_says_nothing_of_anyone_being_away(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    receipt = (
        f"From: {world.users['ana'].email}\r\nTo: {address}\r\n"
        "Subject: Leído: [TEST-1] A proposal\r\nMessage-ID: <receipt-1@client.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"\r\n'
        "\r\n--b\r\nContent-Type: text/plain\r\n\r\nEl mensaje fue leído el 3 de diciembre.\r\n"
        "--b\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n"
    ).encode()

    outcome = await receive(receipt, settings)

    assert outcome.outcome is IntakeOutcome.AUTO_REPLY
    assert await inferred(world) == []


async def test_its_end_by_her_head_is_no_news_to_the_members(
    database: Settings, mail: MailServer
) -> None:
    settings = intake_settings(database, mail)
    world, _proposal, address = await invited(settings, mail)
    await receive(out_of_office(world, address, "Out of office."), settings)
    [absence] = await inferred(world)
    before = await world.last_seq()

    await end_absence(await world.viewer("mara"), absence.id)

    assert await world.events_since(before) == []
    [ended] = await inferred(world)
    assert ended.ends_at <= clock.now()
