"""Recording absences and speaking for the absent, through the services, on a real database."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.absences import Delegation
from actas.api.domain.errors import Forbidden, NotFound, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.rules import Tally
from actas.api.domain.vocabulary import (
    CastBy,
    DelegationScope,
    ParticipantRole,
    PositionStance,
    Visibility,
)
from actas.api.models import Event, Notification, Position, PositionChange, Proposal
from actas.api.services import debate
from actas.api.services.absences import (
    AbsenceTerms,
    change_absence,
    end_absence,
    record_absence,
)
from actas.api.services.away import absences_of
from actas.api.services.electorates import load_electorates
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer
from tests.factories import World, build_world, opened

AGREE, DISAGREE = PositionStance.AGREE, PositionStance.DISAGREE


@pytest.fixture
async def world(database: Settings) -> World:
    """A world of its own for each test: an absence lasts beyond the test that records it."""
    return await build_world()


def a_week(*delegations: Delegation, note: str = "") -> AbsenceTerms:
    return AbsenceTerms(
        ends_at=clock.now() + timedelta(days=7), note=note, delegations=tuple(delegations)
    )


def to(
    world: World, person: str, scope: DelegationScope = DelegationScope.ORGANISATION
) -> Delegation:
    return Delegation(world.id(person), scope)


async def voted(world: World) -> Proposal:
    return await opened(
        world,
        participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.REQUIRED},
    )


async def test_a_delegate_takes_the_absent_members_position_recorded_as_hers_by_him(
    world: World,
) -> None:
    proposal = await voted(world)
    ana, teo = await world.viewer("ana"), await world.viewer("teo")
    await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "teo"))
    )
    before = await world.last_seq()

    await debate.take_position(
        teo, proposal.id, stance=AGREE, reason="Ana lo apoya", on_behalf_of=world.id("ana")
    )

    position = await Position.get(proposal_id=proposal.id, user_id=world.id("ana"))
    assert (position.cast_by, position.caster_id) == (CastBy.DELEGATE, world.id("teo"))
    [event] = await world.events_since(before)
    assert event.type == EventType.POSITION_TAKEN and event.actor_id == world.id("teo")
    assert orjson.loads(event.payload)["member"] == world.id("ana")
    # Teo is a voter in his own right too: his own voice is still missing, hers is not.
    electorate = (await load_electorates([await Proposal.get(id=proposal.id)]))[proposal.id]
    assert electorate.silent == (world.id("teo"),)
    tally = Tally.from_json((await Proposal.get(id=proposal.id)).tally)
    assert tally.counts[AGREE] == 1


async def test_her_own_position_replaces_her_delegates_and_he_cannot_change_it_back(
    world: World,
) -> None:
    proposal = await voted(world)
    ana, teo = await world.viewer("ana"), await world.viewer("teo")
    await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "teo"))
    )
    await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))

    await debate.take_position(ana, proposal.id, stance=DISAGREE, reason="No lo veo")

    position = await Position.get(proposal_id=proposal.id, user_id=world.id("ana"))
    assert (position.stance, position.cast_by, position.caster_id) == (
        DISAGREE,
        CastBy.MEMBER,
        None,
    )
    with pytest.raises(Forbidden, match="their own position"):
        await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))
    history = await PositionChange.filter(
        proposal_id=proposal.id, user_id=world.id("ana")
    ).order_by("id")
    assert [(c.cast_by, c.caster_id) for c in history] == [
        (CastBy.DELEGATE, world.id("teo")),
        (CastBy.MEMBER, None),
    ]


async def test_nobody_else_speaks_for_a_member_who_is_not_away(world: World) -> None:
    proposal = await voted(world)
    teo = await world.viewer("teo")

    with pytest.raises(Forbidden):
        await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))


async def test_an_absence_ended_early_ends_the_delegation(world: World) -> None:
    proposal = await voted(world)
    ana, teo = await world.viewer("ana"), await world.viewer("teo")
    absence = await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "teo"))
    )

    ended = await end_absence(ana, absence.id)
    again = await end_absence(ana, absence.id)

    assert ended.ends_at <= clock.now() and again.ends_at == ended.ends_at
    with pytest.raises(Forbidden):
        await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))
    types = [
        e.type
        for e in await Event.filter(organisation_id=world.organisation.id).order_by("-seq").limit(3)
    ]
    assert types.count(EventType.ABSENCE_ENDED) == 1  # the second end changed nothing


async def test_the_head_of_her_unit_or_an_admin_records_it_and_nobody_else(world: World) -> None:
    ana = world.id("ana")  # in analitica, under marketing, whose head is mara

    by_head = await record_absence(
        await world.viewer("mara"), world.organisation.id, user_id=ana, terms=a_week()
    )
    by_admin = await record_absence(
        await world.viewer("admin"), world.organisation.id, user_id=ana, terms=a_week()
    )

    assert (by_head.recorded_by_id, by_admin.recorded_by_id) == (
        world.id("mara"),
        world.id("admin"),
    )
    with pytest.raises(Forbidden):
        await record_absence(
            await world.viewer("teo"), world.organisation.id, user_id=ana, terms=a_week()
        )
    assert len((await absences_of(world.organisation.id, [ana]))[ana]) >= 2


async def test_bad_terms_are_refused_and_record_nothing(world: World) -> None:
    ana = await world.viewer("ana")
    before = await world.last_seq()
    now = clock.now()

    for terms in (
        AbsenceTerms(ends_at=now - timedelta(days=1)),
        AbsenceTerms(starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=2)),
        a_week(to(world, "ana")),
        a_week(to(world, "teo"), to(world, "mara")),  # two for the whole organisation
        a_week(Delegation(world.id("teo"), DelegationScope.UNIT)),  # no unit named
    ):
        with pytest.raises(ValidationFailed):
            await record_absence(ana, world.organisation.id, user_id=world.id("ana"), terms=terms)
    outsider = await build_world()
    with pytest.raises(ValidationFailed, match="member"):
        await record_absence(
            ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(outsider, "teo"))
        )
    with pytest.raises(NotFound):
        await change_absence(await outsider.viewer("ana"), 10**9, a_week())

    assert await world.last_seq() == before


async def test_a_proxy_records_what_a_voter_said_with_a_note(world: World) -> None:
    proposal = await voted(world)
    admin, mara = await world.viewer("admin"), await world.viewer("mara")

    with pytest.raises(ValidationFailed, match="note"):
        await debate.take_position(admin, proposal.id, stance=AGREE, on_behalf_of=world.id("teo"))
    with pytest.raises(Forbidden):
        await debate.take_position(
            mara, proposal.id, stance=AGREE, on_behalf_of=world.id("teo"), note="Reunión"
        )
    await debate.take_position(
        admin,
        proposal.id,
        stance=AGREE,
        on_behalf_of=world.id("teo"),
        note="Lo dijo en la reunión del lunes",
    )

    position = await Position.get(proposal_id=proposal.id, user_id=world.id("teo"))
    assert (position.cast_by, position.caster_id, position.note) == (
        CastBy.PROXY,
        world.id("admin"),
        "Lo dijo en la reunión del lunes",
    )


async def test_what_she_said_outranks_her_delegate_and_only_she_outranks_what_she_said(
    world: World,
) -> None:
    proposal = await voted(world)
    admin, ana, teo = [await world.viewer(p) for p in ("admin", "ana", "teo")]
    await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "teo"))
    )
    await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))

    said = "Lo dijo por teléfono el martes"
    await debate.take_position(
        admin,
        proposal.id,
        stance=DISAGREE,
        reason="No lo ve claro",
        on_behalf_of=world.id("ana"),
        note=said,
    )
    with pytest.raises(Forbidden, match="what they said"):
        await debate.take_position(teo, proposal.id, stance=AGREE, on_behalf_of=world.id("ana"))
    await debate.take_position(ana, proposal.id, stance=AGREE, reason="Al final, sí")

    history = await PositionChange.filter(
        proposal_id=proposal.id, user_id=world.id("ana")
    ).order_by("id")
    assert [c.cast_by for c in history] == [CastBy.DELEGATE, CastBy.PROXY, CastBy.MEMBER]


async def test_a_delegation_for_one_unit_covers_only_that_units_proposals(world: World) -> None:
    inside = await opened(
        world,
        unit="marketing",
        participants={"ana": ParticipantRole.REQUIRED},
    )
    outside = await opened(world, unit="tecnologia", participants={"ana": ParticipantRole.REQUIRED})
    ana, teo = await world.viewer("ana"), await world.viewer("teo")
    await record_absence(
        ana,
        world.organisation.id,
        user_id=world.id("ana"),
        terms=a_week(
            Delegation(world.id("teo"), DelegationScope.UNIT, unit_id=world.units["marketing"].id)
        ),
    )

    await debate.take_position(teo, inside.id, stance=AGREE, on_behalf_of=world.id("ana"))
    with pytest.raises(Forbidden):
        await debate.take_position(teo, outside.id, stance=AGREE, on_behalf_of=world.id("ana"))


async def test_the_delegate_and_the_member_are_told_by_email_whom_for_and_until_when(
    world: World, database: Settings
) -> None:
    until = clock.now() + timedelta(days=10)
    await record_absence(
        await world.viewer("mara"),  # ana's head
        world.organisation.id,
        user_id=world.id("ana"),
        terms=AbsenceTerms(ends_at=until, delegations=(to(world, "teo"),)),
    )

    with MailServer() as server:
        settings = Settings(database_url=database.database_url, mail=server.settings())
        while (await deliver_due(settings)).sent:
            pass

    day = texts_for("es").format_date(until.date())
    ours = {u.email for u in world.users.values()}
    told = [
        m for m in server.received if m.to in ours and "ha registrado una ausencia" in m.subject
    ]
    [to_teo] = [m for m in told if m.to == world.users["teo"].email]
    assert f"Hablará en nombre de Ana hasta el {day}." in to_teo.text
    assert "Le han nombrado para hablar en nombre de un miembro" in to_teo.text
    [to_ana] = [m for m in told if m.to == world.users["ana"].email]
    assert f"Ausencia de Ana hasta el {day}." in to_ana.text
    assert len(told) == 2  # not mara, who recorded it


async def voice_away_events(world: World, since: int) -> list[dict[str, object]]:
    return [
        orjson.loads(e.payload)
        for e in await world.events_since(since)
        if e.type == EventType.VOICE_AWAY
    ]


async def test_a_required_voice_away_past_the_deadline_alerts_their_head_and_the_author_at_once(
    world: World, database: Settings
) -> None:
    deadline = clock.now() + timedelta(days=5)
    proposal = await opened(
        world, author="teo", participants={"ana": ParticipantRole.REQUIRED}, deadline=deadline
    )
    ana = await world.viewer("ana")
    back_in_time = AbsenceTerms(ends_at=deadline - timedelta(days=1))
    covered = a_week(to(world, "ext"))
    before = await world.last_seq()

    await record_absence(ana, world.organisation.id, user_id=world.id("ana"), terms=back_in_time)
    await record_absence(ana, world.organisation.id, user_id=world.id("ana"), terms=covered)
    assert await voice_away_events(world, before) == []

    past_it = await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week()
    )

    [alert] = await voice_away_events(world, before)
    assert alert["user"] == world.id("ana")
    assert alert["heads"] == [world.id("mara")]  # analitica's nearest head, above it
    assert alert["author"] == world.id("teo")
    told = await Notification.filter(event__type=EventType.VOICE_AWAY, proposal_id=proposal.id)
    assert sorted((n.user_id, n.reason) for n in told) == sorted(
        [(world.id("mara"), "escalation"), (world.id("teo"), "participant")]
    )
    with MailServer() as server:
        settings = Settings(database_url=database.database_url, mail=server.settings())
        while (await deliver_due(settings)).sent:
            pass
    [to_head] = [
        m for m in server.received if m.to == world.users["mara"].email and "ausente" in m.subject
    ]
    day = texts_for("es").format_date(past_it.ends_at.date())
    assert "Una voz necesaria estará ausente hasta pasado el plazo" in to_head.text
    assert f"Ausencia de Ana hasta el {day}." in to_head.text
    await end_absence(ana, past_it.id)


async def test_a_proposal_opening_while_a_required_voice_is_away_alerts_at_once(
    world: World,
) -> None:
    ana = await world.viewer("ana")
    await record_absence(ana, world.organisation.id, user_id=world.id("ana"), terms=a_week())
    before = await world.last_seq()

    await opened(
        world,
        participants={"ana": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=5),
    )

    [alert] = await voice_away_events(world, before)
    assert (alert["user"], alert["heads"]) == (world.id("ana"), [world.id("mara")])


async def test_an_absence_recorded_earlier_that_starts_before_the_deadline_alerts_as_it_opens(
    world: World,
) -> None:
    ana = await world.viewer("ana")
    later = AbsenceTerms(
        starts_at=clock.now() + timedelta(days=2), ends_at=clock.now() + timedelta(days=9)
    )
    after_it = AbsenceTerms(
        starts_at=clock.now() + timedelta(days=6), ends_at=clock.now() + timedelta(days=9)
    )
    await record_absence(ana, world.organisation.id, user_id=world.id("ana"), terms=later)
    mara = await world.viewer("mara")
    await record_absence(mara, world.organisation.id, user_id=world.id("mara"), terms=after_it)
    before = await world.last_seq()

    await opened(
        world,
        participants={"ana": ParticipantRole.REQUIRED, "mara": ParticipantRole.REQUIRED},
        deadline=clock.now() + timedelta(days=5),
    )

    [alert] = await voice_away_events(world, before)  # not mara: she leaves after the deadline
    assert alert["user"] == world.id("ana")


async def test_the_delegate_is_asked_in_her_place_as_the_proposal_opens_and_as_she_leaves(
    world: World,
) -> None:
    ana = await world.viewer("ana")
    already_open = await voted(world)
    before = await world.last_seq()

    await record_absence(
        ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "mara"))
    )
    opening = await voted(world)

    asked = [e for e in await world.events_since(before) if e.type == EventType.DELEGATE_ASKED]
    assert [(e.proposal_id, orjson.loads(e.payload)["delegate"]) for e in asked] == [
        (already_open.id, world.id("mara")),
        (opening.id, world.id("mara")),
    ]
    told = await Notification.filter(event_id__in=[e.id for e in asked])
    assert {(n.user_id, n.reason) for n in told} == {(world.id("mara"), "delegation")}


async def test_whoever_records_someone_elses_absence_cannot_take_their_voice(world: World) -> None:
    mara = await world.viewer("mara")  # ana's head

    with pytest.raises(Forbidden, match="cannot be their delegate"):
        await record_absence(
            mara, world.organisation.id, user_id=world.id("ana"), terms=a_week(to(world, "mara"))
        )


async def test_a_delegation_cannot_name_a_proposal_its_recorder_cannot_see(world: World) -> None:
    hidden = await opened(world, author="teo", visibility=Visibility.PARTICIPANTS)
    ana = await world.viewer("ana")
    for_it = Delegation(world.id("mara"), DelegationScope.PROPOSAL, proposal_id=hidden.id)

    with pytest.raises(NotFound):
        await record_absence(
            ana, world.organisation.id, user_id=world.id("ana"), terms=a_week(for_it)
        )


async def test_the_note_stays_off_the_event_log_every_member_reads(world: World) -> None:
    before = await world.last_seq()

    await record_absence(
        await world.viewer("ana"),
        world.organisation.id,
        user_id=world.id("ana"),
        terms=a_week(to(world, "teo"), note="Baja médica"),
    )

    [recorded] = [
        e for e in await world.events_since(before) if e.type == EventType.ABSENCE_RECORDED
    ]
    assert "Baja médica" not in recorded.payload


async def test_a_member_hears_of_a_position_taken_for_them(world: World) -> None:
    proposal = await voted(world)
    await record_absence(
        await world.viewer("ana"),
        world.organisation.id,
        user_id=world.id("ana"),
        terms=a_week(to(world, "teo")),
    )
    before = await world.last_seq()

    await debate.take_position(
        await world.viewer("teo"), proposal.id, stance=AGREE, on_behalf_of=world.id("ana")
    )

    [taken] = await world.events_since(before)
    told = await Notification.filter(event_id=taken.id).values_list("user_id", flat=True)
    assert world.id("ana") in told
