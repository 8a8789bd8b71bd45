"""A position taken on someone's behalf, as the archive shows it (#11): a delegate's is the
member's position "by Teo, for Ana" and a proxy's is "recorded by Admin for Mara: <note>", in
the positions, their history, the timeline, the Markdown record and the data; what an absence
was (its dates, its note) and the schedule's chasers for the absent (a delegate asked, a voice
away told to their head) reach no page.

The decision is lived through the real services: Ana is away with Teo as her delegate, who
takes her position twice; an admin records what Mara said in a meeting; Rosa is away past the
deadline with nobody to speak for her; then the proposal is decided and archived. Another
decision has a voice probably away, announced by her automatic reply to the invitation email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from actas.api import clock
from actas.api.domain.absences import Delegation
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import (
    DelegationScope,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
)
from actas.api.models import Event
from actas.api.services import debate, proposals
from actas.api.services.absences import AbsenceTerms, record_absence
from actas.api.services.reply_intake import receive
from actas.api.settings import Settings
from actas.archive.build import BuildOptions, build_archive
from actas.archive.texts import texts_for
from tests.api.inbound import emailed, intake_settings, plain_reply, reply_address
from tests.api.receivers import MailServer
from tests.archive.dom import Element, find, parse
from tests.factories import DEFAULT_PEOPLE, World, build_world, opened

PROXY_NOTE = "Dijo que sí en la reunión de dirección del 2 de diciembre"
# A delegate's own word, not the member's: the archive leaves it out (a proxy's note is kept).
DELEGATES_NOTE = "Lo hablé con ella por teléfono"
ABSENCE_NOTES = ("Ana, de baja: NOTAPERSONAL", "Rosa, de viaje: NOTAPERSONAL")
AWAY_FOR = timedelta(days=17)  # a day no other date on the page falls on
ES, EN = texts_for("es"), texts_for("en")
AGREE, DISAGREE = ES["position.agree"], ES["position.disagree"]


@dataclass
class Lived:
    world: World
    reference: str
    away_until: datetime
    site: Path  # in Spanish
    english: Path

    def page(self, site: Path | None = None) -> Element:
        folder = (site or self.site) / self.world.organisation.slug / self.reference
        return find(parse((folder / "index.html").read_text(encoding="utf-8")), "article")[0]

    def file(self, suffix: str, site: Path | None = None) -> str:
        path = (site or self.site) / self.world.organisation.slug / f"{self.reference}{suffix}"
        return path.read_text(encoding="utf-8")

    def record(self) -> dict[str, Any]:
        found: dict[str, Any] = orjson.loads(self.file(".json"))
        return found


@pytest.fixture(scope="module")
async def lived(database: Settings, tmp_path_factory: pytest.TempPathFactory) -> Lived:
    world = await build_world({**DEFAULT_PEOPLE, "rosa": (Role.MEMBER, "analitica", 1)})
    voters = ("ana", "teo", "mara", "rosa")
    proposal = await opened(
        world,
        participants={"admin": ParticipantRole.DECIDER}
        | {person: ParticipantRole.REQUIRED for person in voters},
        rule=RuleKind.DECIDER,  # decided while Rosa is still away, before the deadline
        deadline=clock.now() + timedelta(days=5),
    )
    ana, teo, rosa, admin = [await world.viewer(p) for p in ("ana", "teo", "rosa", "admin")]
    until = clock.now() + AWAY_FOR
    await record_absence(
        ana,
        world.organisation.id,
        user_id=world.id("ana"),
        terms=AbsenceTerms(
            ends_at=until,
            note=ABSENCE_NOTES[0],
            delegations=(Delegation(world.id("teo"), DelegationScope.ORGANISATION),),
        ),
    )
    await record_absence(  # nobody speaks for her: her head is told
        rosa,
        world.organisation.id,
        user_id=world.id("rosa"),
        terms=AbsenceTerms(ends_at=until, note=ABSENCE_NOTES[1]),
    )
    await debate.take_position(
        teo,
        proposal.id,
        stance=PositionStance.DISAGREE,
        reason="Ana pidió esperar al informe",
        on_behalf_of=world.id("ana"),
    )
    await debate.take_position(
        teo,
        proposal.id,
        stance=PositionStance.AGREE,
        reason="El informe llegó: Ana lo apoya",
        on_behalf_of=world.id("ana"),
        note=DELEGATES_NOTE,
    )
    await debate.take_position(teo, proposal.id, stance=PositionStance.AGREE, reason="Mío")
    await debate.take_position(
        admin,
        proposal.id,
        stance=PositionStance.AGREE,
        on_behalf_of=world.id("mara"),
        note=PROXY_NOTE,
    )
    await proposals.decide_proposal(
        admin, proposal.id, outcome=ProposalState.ACCEPTED, statement="Aceptada."
    )
    folder = tmp_path_factory.mktemp("cast")
    slug = world.organisation.slug
    site, english = folder / "es", folder / "en"
    await build_archive(BuildOptions(output=site, organisations=(slug,), language="es"))
    await build_archive(BuildOptions(output=english, organisations=(slug,), language="en"))
    reference = f"{slug.upper()}-{proposal.number}"
    return Lived(world, reference, until, site, english)


def rows(lived: Lived, site: Path | None = None) -> dict[str, list[str]]:
    """The positions table: each row's cells as text, by the name it is for."""
    table = find(lived.page(site), "table", "actas-positions")[0]
    found = {}
    for row in find(table, "tr")[1:]:
        cells = find(row, "td")
        found[_own_text(cells[0])] = [" ".join(c.text().split()) for c in cells]
    return found


def _own_text(cell: Element) -> str:
    """The text of the element itself, not of the elements in it."""
    return "".join(c for c in cell.children if isinstance(c, str)).strip()


def timeline(lived: Lived, site: Path | None = None) -> list[str]:
    """Each event's sentence, without the time it starts with."""
    items = find(find(lived.page(site), "ol", "actas-timeline")[0], "li")
    return [" ".join(_own_text(li).split()) for li in items]


def test_a_delegates_position_is_the_members_by_the_delegate_for_her(lived: Lived) -> None:
    ana = rows(lived)["Ana"]

    assert ana[1:3] == [AGREE, "El informe llegó: Ana lo apoya"]
    assert ana[0] == "Ana por Teo, en nombre de Ana"
    assert rows(lived, lived.english)["Ana"][0] == "Ana by Teo, for Ana"


def test_a_proxys_position_says_who_recorded_it_and_where_the_member_said_it(
    lived: Lived,
) -> None:
    mara = rows(lived)["Mara"]

    assert mara[0] == f"Mara registrada por Admin en nombre de Mara: {PROXY_NOTE}"
    assert mara[1] == AGREE
    assert rows(lived, lived.english)["Mara"][0] == f"Mara recorded by Admin for Mara: {PROXY_NOTE}"


def test_a_members_own_position_says_nothing_more(lived: Lived) -> None:
    assert rows(lived)["Teo"][:3] == ["Teo", AGREE, "Mío"]


def test_the_history_shows_an_earlier_position_by_whom_it_was_cast(lived: Lived) -> None:
    earlier = rows(lived)["Ana"][3]

    assert earlier.startswith(f"{DISAGREE}, ")
    assert earlier.endswith(", por Teo, en nombre de Ana")


def test_the_timeline_names_the_caster_and_the_member(lived: Lived) -> None:
    said = timeline(lived)

    assert said.count(f"Teo tomó posición en nombre de Ana: {DISAGREE}") == 1
    assert said.count(f"Teo tomó posición en nombre de Ana: {AGREE}") == 1
    assert said.count(f"Teo tomó posición: {AGREE}") == 1
    assert f"Admin registró la posición de Mara: {AGREE} ({PROXY_NOTE})" in said
    assert f"Admin recorded Mara's position: {EN['position.agree']} ({PROXY_NOTE})" in timeline(
        lived, lived.english
    )


def test_the_markdown_record_shows_both_names_and_the_proxys_note(lived: Lived) -> None:
    lines = lived.file(".md").splitlines()
    ana = next(line for line in lines if line.startswith("| Ana "))
    mara = next(line for line in lines if line.startswith("| Mara "))

    assert ana.startswith(f"| Ana · por Teo, en nombre de Ana | {AGREE} | El informe llegó")
    assert ana.endswith(", por Teo, en nombre de Ana |") and f"| {DISAGREE}, " in ana
    assert mara.startswith(f"| Mara · registrada por Admin en nombre de Mara: {PROXY_NOTE} |")
    assert any(
        line.endswith(f"· Admin registró la posición de Mara: {AGREE} ({PROXY_NOTE})")
        for line in lines
    )


def test_the_data_say_who_cast_each_position(lived: Lived) -> None:
    positions = {p["person"]: p for p in lived.record()["positions"]}
    cast = {name: (p["cast_by"], p["caster"], p["note"]) for name, p in positions.items()}

    assert cast == {
        "Ana": ("delegate", "Teo", ""),  # not DELEGATES_NOTE
        "Teo": ("member", None, ""),
        "Mara": ("proxy", "Admin", PROXY_NOTE),
    }


async def test_nothing_of_an_absence_reaches_the_archive(lived: Lived) -> None:
    recorded = {
        e.type for e in await Event.filter(organisation_id=lived.world.organisation.id).only("type")
    }
    chasers = {str(EventType.VOICE_AWAY), str(EventType.DELEGATE_ASKED)}
    absence = {t for t in recorded if t.startswith("absence.")}
    published = [
        path.read_text(encoding="utf-8")
        for site in (lived.site, lived.english)
        for path in site.rglob("*")
        if path.suffix in {".html", ".md", ".json", ".xml"} and ".actas" not in path.parts
    ]
    until = [texts_for(language).format_date(lived.away_until) for language in ("es", "en")]

    # The life above recorded them all: the archive had something to leave out.
    assert chasers | {str(EventType.ABSENCE_RECORDED)} <= recorded
    assert {e["type"] for e in lived.record()["events"]}.isdisjoint(chasers | absence)
    for text in published:
        assert "NOTAPERSONAL" not in text
        assert not any(day in text for day in until)
        assert not any(kind in text for kind in chasers | absence)


async def test_a_voice_probably_away_from_an_automatic_reply_reaches_no_page(
    database: Settings, tmp_path: Path
) -> None:
    world = await build_world()
    proposal = await opened(
        world,
        participants={"admin": ParticipantRole.DECIDER, "ana": ParticipantRole.REQUIRED},
        rule=RuleKind.DECIDER,
        deadline=clock.now() + timedelta(days=5),
    )
    back = (clock.now() + AWAY_FOR).strftime("%d/%m/%Y")
    with MailServer() as mail:
        settings = intake_settings(database, mail)
        invitation = await emailed(settings, mail, world.users["ana"].email)
        await receive(
            plain_reply(
                to=reply_address(invitation),
                sender=world.users["ana"].email,
                body=f"Fuera de la oficina hasta el {back}. NOTAPERSONAL",
                headers="Auto-Submitted: auto-replied",
            ),
            settings,
        )
    await proposals.decide_proposal(
        await world.viewer("admin"),
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="Aceptada.",
    )
    slug = world.organisation.slug
    await build_archive(BuildOptions(output=tmp_path, organisations=(slug,), language="es"))
    folder = tmp_path / slug
    page = (folder / f"{slug.upper()}-{proposal.number}" / "index.html").read_text()
    record = orjson.loads((folder / f"{slug.upper()}-{proposal.number}.json").read_bytes())
    alerts = await Event.filter(proposal_id=proposal.id, type=EventType.VOICE_PROBABLY_AWAY)

    assert len(alerts) == 1  # the head and the author were told
    assert EventType.VOICE_PROBABLY_AWAY not in {e["type"] for e in record["events"]}
    assert EventType.VOICE_PROBABLY_AWAY not in page and "NOTAPERSONAL" not in page
