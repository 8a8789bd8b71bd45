"""Who is away, on the proposal page: each voter away now, until when, and who speaks for them
(or that nobody does, and whom they named), in the reader's language, read from the page's one
``Electorate``; a proposal with nobody away shows no such section. A probable voice (an
automatic reply) reads as one, and is kept from a reader the domain does not let see it. The
names come with the page's own reads, and one more query only for a person it did not name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.absences import AwayVoice, Delegation
from actas.api.domain.vocabulary import DelegationScope, Language, ParticipantRole
from actas.api.models import Proposal, User
from actas.api.pages.texts import away_line
from actas.api.services import absences, inferred_absences, recording
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose
from actas.api.settings import Settings
from tests.factories import World, build_world, opened
from tests.pages.browsing import SECRET, browser, page_settings
from tests.schema.client import QueryLog

ERA = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # the tests' clock starts here, and runs on
UNTIL = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # "hasta el 14 dic 2026"


@pytest.fixture
def era() -> Iterator[None]:
    with clock.running_from(ERA):
        yield


def link(world: World, person: str, proposal: Proposal) -> str:
    key = PersonalLinks(SECRET).key(
        PersonalKey(Purpose.PROPOSAL, world.id(person), world.organisation.id, proposal.id),
        generation=0,
    )
    return f"/p/{world.organisation.slug.upper()}-{proposal.number}?k={key}"


async def away(world: World, person: str, *, delegate: str | None = None) -> None:
    named = (Delegation(world.id(delegate), DelegationScope.ORGANISATION),) if delegate else ()
    await absences.record_absence(
        await world.viewer(person),
        world.organisation.id,
        user_id=world.id(person),
        terms=absences.AbsenceTerms(ends_at=UNTIL, delegations=named),
    )


async def two_voices(world: World) -> Proposal:
    """Mara's proposal, on which Ana and Teo are required voices."""
    return await opened(
        world,
        "mara",
        participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=5),
    )


def away_section(html: str) -> list[str]:
    """The lines of the page's "who is away" section ([] when it has none)."""
    found = re.search(r'<section id="away">(.*?)</section>', html, re.S)
    if found is None:
        return []
    return re.findall(r"<li>(.*?)</li>", found.group(1))


async def test_a_member_sees_who_is_away_until_when_and_who_speaks_for_them(
    database: Settings, era: None
) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    await away(world, "ana", delegate="teo")

    async with browser(page_settings(database)) as client:
        page = await client.get(link(world, "mara", proposal))

    assert page.status_code == 200
    assert "<h2>Quién está ausente</h2>" in page.text
    assert away_section(page.text) == [
        "Ana — ausente hasta el 14 dic 2026; Teo habla en su nombre."
    ]


async def test_a_reader_in_english_reads_it_in_english(database: Settings, era: None) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    await away(world, "ana", delegate="teo")
    await User.filter(id=world.id("mara")).update(language=Language.EN)

    async with browser(page_settings(database)) as client:
        page = await client.get(link(world, "mara", proposal))

    assert "<h2>Who is away</h2>" in page.text
    assert away_section(page.text) == ["Ana — away until Dec 14, 2026; Teo speaks for them."]


async def test_a_delegate_away_too_is_skipped_and_the_page_says_so(
    database: Settings, era: None
) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    await away(world, "teo")
    await away(world, "ana", delegate="teo")

    async with browser(page_settings(database)) as client:
        page = await client.get(link(world, "mara", proposal))

    assert away_section(page.text) == [
        "Ana — ausente hasta el 14 dic 2026; nadie habla en su nombre (Teo, a quien nombró, "
        "también está ausente o no puede votar aquí).",
        "Teo — ausente hasta el 14 dic 2026; nadie habla en su nombre.",
    ]


async def test_a_delegate_who_is_no_participant_speaks_for_them_on_every_readers_page(
    database: Settings, era: None
) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    await away(world, "ana", delegate="ext")  # a member who is no participant here

    async with browser(page_settings(database)) as client:
        pages = {who: await client.get(link(world, who, proposal)) for who in ("ext", "mara")}

    said = "Ana — ausente hasta el 14 dic 2026; Ext habla en su nombre."
    assert away_section(pages["ext"].text) == [said]  # she is the reader: the page knows
    assert away_section(pages["mara"].text) == [said]


async def test_a_proposal_with_nobody_away_shows_no_such_section(
    database: Settings, era: None
) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    await away(world, "mara")  # the author is away, but she has no voice here

    async with browser(page_settings(database)) as client:
        page = await client.get(link(world, "ana", proposal))

    assert page.status_code == 200
    assert 'id="away"' not in page.text and "Quién está ausente" not in page.text


async def test_naming_the_away_takes_no_query_more_when_the_page_already_names_them(
    database: Settings, era: None
) -> None:
    world = await build_world()
    proposal = await two_voices(world)
    async with browser(page_settings(database)) as client:
        await client.get(link(world, "mara", proposal))  # the app's first request warms up
        with QueryLog.capture() as nobody_away:
            await client.get(link(world, "mara", proposal))
        await away(world, "ana", delegate="teo")
        with QueryLog.capture() as ana_away:
            page = await client.get(link(world, "mara", proposal))

    assert away_section(page.text)
    assert len(ana_away.statements) == len(nobody_away.statements)


async def test_an_away_voter_the_page_does_not_name_costs_one_query(
    database: Settings, era: None
) -> None:
    world = await build_world()
    # No voter named: every member votes, and the page reads no name of a member who is silent.
    proposal = await opened(world, "mara", deadline=clock.now() + timedelta(days=5))
    async with browser(page_settings(database)) as client:
        await client.get(link(world, "mara", proposal))
        with QueryLog.capture() as nobody_away:
            await client.get(link(world, "mara", proposal))
        await away(world, "ana", delegate="teo")
        with QueryLog.capture() as ana_away:
            page = await client.get(link(world, "mara", proposal))

    assert away_section(page.text) == [
        "Ana — ausente hasta el 14 dic 2026; Teo habla en su nombre."
    ]
    assert len(ana_away.statements) == len(nobody_away.statements) + 1


def test_a_probable_absence_reads_as_an_automatic_reply_with_its_day_or_none() -> None:
    t = texts_for("es")
    names = {1: "Ana"}
    # An automatic reply's "hasta el 14" is kept as ending when the 15th begins.
    dated = AwayVoice(1, datetime(2026, 12, 15, tzinfo=UTC), None, probable=True)
    undated = AwayVoice(
        1, datetime(2026, 12, 17, tzinfo=UTC), None, probable=True, until_stated=False
    )

    assert away_line(t, dated, names) == (
        "Ana — probablemente ausente (respuesta automática) hasta el 14 dic 2026; "
        "nadie habla en su nombre."
    )
    assert away_line(t, undated, names) == (
        "Ana — probablemente ausente (respuesta automática, sin fecha de vuelta); "
        "nadie habla en su nombre."
    )
    assert away_line(texts_for("en"), dated, names) == (
        "Ana — probably away (automatic reply) until Dec 14, 2026; nobody speaks for them."
    )


async def test_a_probable_voice_is_shown_to_her_head_and_kept_from_a_plain_member(
    database: Settings, era: None
) -> None:
    # Who may see one is the domain's rule (the person, their heads, the author, admins).
    world = await build_world()
    proposal = await two_voices(world)
    async with recording.change(world.organisation.id, None) as work:
        await inferred_absences.infer_from_auto_reply(work, world.id("ana"), "Out of office.")

    async with browser(page_settings(database)) as client:
        by_head = await client.get(link(world, "mara", proposal))  # heads marketing, above her
        by_member = await client.get(link(world, "teo", proposal))

    assert away_section(by_head.text) == [
        "Ana — probablemente ausente (respuesta automática, sin fecha de vuelta); "
        "nadie habla en su nombre."
    ]
    assert away_section(by_member.text) == []
