"""What the worker does as time passes, driven by the injectable clock: reminds the silent before a
deadline and alerts their heads, acts on deadlines as the rule says, chases follow-ups, asks for
the outcome, and sends digests; every step is taken once, however often or however many workers
run, and is recorded in the event log like any change.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.absences import Delegation
from actas.api.domain.errors import ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.notifications import ReminderPolicy, escalation_head, heads_to_alert
from actas.api.domain.units import UnitTree
from actas.api.domain.validation import Impact
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import (
    DelegationScope,
    DeliveryChannel,
    EmailMode,
    FollowUpStatus,
    Language,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import (
    Argument,
    Decision,
    Delivery,
    Event,
    FollowUp,
    Notification,
    Organisation,
    OutcomeReview,
    Proposal,
    ScheduledNotice,
)
from actas.api.services import (
    absences,
    debate,
    follow_through,
    organisations,
    preferences,
    proposals,
)
from actas.api.services.ledger import verify_chains
from actas.api.services.letters import letters_for
from actas.api.services.outbox import deliver_due
from actas.api.services.schedule import ScheduleReport, run_schedule, waiting_for
from actas.api.settings import Settings
from tests.api.receivers import Mail, MailServer, fresh_era
from tests.factories import World, build_world, opened, unique
from tests.schema.client import QueryLog

DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED = ParticipantRole.CONSULTED
E = EventType
HOUR, DAY = timedelta(hours=1), timedelta(days=1)

# "No position yet" in each language: how an escalation names the silent.
STILL_SILENT = tuple(texts_for(lang).gettext("mail.still_silent") for lang in ("es", "en"))


async def world_in(era: datetime) -> World:
    with clock.frozen_at(era):
        return await build_world()


async def tick(moment: datetime) -> dict[str, int]:
    """One pass of the worker's schedule at ``moment``: the steps it took, by kind. Digests are
    left out: other tests' members who chose one get it in any era (their tests read the rows)."""
    with clock.frozen_at(moment):
        report: ScheduleReport = await run_schedule()
    return {kind: n for kind, n in report.steps.items() if kind != "digest"}


async def debate_until(
    world: World, era: datetime, deadline: datetime | None, **kwargs: Any
) -> Proposal:
    """A proposal opened an hour into the era, with ``deadline``."""
    with clock.frozen_at(era + HOUR):
        return await opened(world, deadline=deadline, **kwargs)


async def speak(
    world: World, who: str, proposal: Proposal, moment: datetime, stance: PositionStance
) -> None:
    with clock.frozen_at(moment):
        await debate.take_position(
            await world.viewer(who), proposal.id, stance=stance, reason=f"{who}: {stance}."
        )


async def told_since(world: World, seq: int) -> list[tuple[str, str, str]]:
    """(event type, person, reason) of the notifications of the events after ``seq``."""
    names = {user.id: name for name, user in world.users.items()}
    rows = (
        await Notification.filter(organisation_id=world.organisation.id, event__seq__gt=seq)
        .order_by("event__seq", "user_id")
        .values_list("event__type", "user_id", "reason")
    )
    return [(type_, names[user], reason) for type_, user, reason in rows]


async def scheduled_events(world: World, seq: int) -> list[tuple[str, dict[str, Any]]]:
    """The events the schedule recorded (nobody's actions) after ``seq``."""
    events = await Event.filter(
        organisation_id=world.organisation.id, seq__gt=seq, actor_id__isnull=True
    ).order_by("seq")
    return [(e.type, orjson.loads(e.payload)) for e in events]


async def assert_chain_verifies(world: World) -> None:
    [report] = [r for r in await verify_chains() if r.organisation_slug == world.organisation.slug]
    assert report.broken is None


# --- the rules of the schedule, without a database ----------------------------------------------


def test_the_reminder_steps_reached_by_a_moment_each_with_a_stable_key() -> None:
    policy = ReminderPolicy(reminders=(24 * HOUR, 48 * HOUR, 24 * HOUR), escalation=24 * HOUR)
    deadline = datetime(2030, 1, 10, 12, tzinfo=UTC)
    assert policy.due(deadline=deadline, now=deadline - 49 * HOUR) == []
    assert policy.due(deadline=deadline, now=deadline - 48 * HOUR) == [("before-48h", False)]
    assert policy.due(deadline=deadline, now=deadline - 24 * HOUR) == [
        ("before-48h", False),
        ("before-24h", False),
        ("escalate-24h", True),
    ]


def test_the_head_alerted_is_the_nearest_one_above_who_is_not_the_silent_person() -> None:
    # top (head 1) > middle (head 2) > bottom (no head)
    tree = UnitTree({10: None, 20: 10, 30: 20}, heads={10: 1, 20: 2, 30: None})

    def scope(unit: int | None) -> MemberScope:
        return MemberScope(1, 1, Role.MEMBER, unit, 1, frozenset())

    assert escalation_head(7, scope(20), tree) == 2
    assert escalation_head(7, scope(30), tree) == 2  # a unit without a head
    assert escalation_head(2, scope(20), tree) == 1  # the head of their own unit
    assert escalation_head(1, scope(10), tree) is None  # nobody above the top
    assert escalation_head(7, scope(None), tree) is None
    assert escalation_head(7, None, tree) is None


def test_a_silent_persons_alert_passes_a_silent_head_on_to_the_next_one_up() -> None:
    # top (head 1) > middle (head 2) > bottom (no head); 7 and 8 sit in the bottom unit.
    tree = UnitTree({10: None, 20: 10, 30: 20}, heads={10: 1, 20: 2, 30: None})
    scopes = {
        user: MemberScope(1, 1, Role.MEMBER, unit, 1, frozenset())
        for user, unit in {1: 10, 2: 20, 7: 30, 8: 30}.items()
    }

    assert heads_to_alert([7, 8], scopes, tree) == {2: [7, 8]}
    # The middle head is silent too: reminded, and the top head hears of all three.
    assert heads_to_alert([2, 7, 8], scopes, tree) == {1: [2, 7, 8]}
    # Everyone up to the top is silent: nobody is left to alert.
    assert heads_to_alert([1, 2, 7], scopes, tree) == {}


# --- reminders and escalation --------------------------------------------------------------------


async def test_the_silent_are_reminded_at_each_step_and_their_head_alerted_at_the_last(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    # Teo heads tecnologia, so the head above him (the admin, of dirección) hears of his silence.
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED, "admin": CONSULTED},
    )
    await speak(world, "ext", proposal, era + 2 * HOUR, PositionStance.AGREE)
    start = await world.last_seq()

    assert await tick(deadline - 49 * HOUR) == {}
    assert await tick(deadline - 48 * HOUR) == {"reminder": 1}
    assert await tick(deadline - 47 * HOUR) == {}
    assert sorted(await told_since(world, start)) == [
        (E.DEADLINE_APPROACHING, "ana", "reminder"),
        (E.DEADLINE_APPROACHING, "teo", "reminder"),
    ]

    await speak(world, "ana", proposal, deadline - 30 * HOUR, PositionStance.AGREE)
    middle = await world.last_seq()
    assert await tick(deadline - 24 * HOUR) == {"escalation": 1}
    assert await tick(deadline - HOUR) == {}
    assert sorted(await told_since(world, middle)) == [
        (E.DEADLINE_APPROACHING, "admin", "escalation"),
        (E.DEADLINE_APPROACHING, "teo", "reminder"),
    ]
    [_, (type_, payload)] = await scheduled_events(world, start)
    assert (type_, payload["remind"], payload["escalate"]) == (
        E.DEADLINE_APPROACHING,
        [world.id("teo")],
        [world.id("admin")],
    )
    await assert_chain_verifies(world)


async def test_the_heads_email_names_who_is_silent(database: Settings, mail: MailServer) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    settings = Settings(database_url=database.database_url, mail=mail.settings())
    await debate_until(
        world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED}
    )
    with clock.frozen_at(era):
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()

    assert await tick(deadline - 24 * HOUR) == {"escalation": 1}
    with clock.frozen_at(deadline - 24 * HOUR):
        await deliver_due(settings)

    [(_, payload)] = await scheduled_events(world, 0)
    # Analítica has no head: Ana's and Ext's silence goes to Mara, who heads marketing above
    # it; Teo heads tecnología, so his goes to the admin, who heads dirección above him.
    assert payload["silent_by_head"] == {
        str(world.id("mara")): sorted([world.id("ana"), world.id("ext")]),
        str(world.id("admin")): [world.id("teo")],
    }
    named = {
        "mara": {world.users["ana"].name, world.users["ext"].name},
        "admin": {world.users["teo"].name},
    }
    for head, silent in named.items():
        [letter] = [m for m in mail.received if m.to == world.users[head].email]
        line = next(x for x in letter.text.splitlines() if x.startswith(STILL_SILENT))
        listed = line.split(": ", 1)[1].rstrip(".")  # "Ana y Ext": a list in the reader's words
        assert set(re.split(r", | y | and ", listed)) == silent
        assert all(name in letter.html for name in silent)
    reminded = [m for m in mail.received if m.to not in {world.users[h].email for h in named}]
    assert reminded and not any(s in m.text for m in reminded for s in STILL_SILENT)


async def test_steps_missed_while_no_worker_ran_are_taken_once(database: Settings) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    proposal = await debate_until(
        world, era, deadline, participants={"mara": DECIDER, "ana": REQUIRED}
    )
    start = await world.last_seq()

    # The worker was down at 48 h and at 24 h: one reminder each, with the escalation.
    assert await tick(deadline - 20 * HOUR) == {"escalation": 1}
    assert await tick(deadline - 19 * HOUR) == {}
    assert await tick(deadline - HOUR) == {}
    # Ana's unit has no head: the head above it is Mara, who is silent herself and is reminded;
    # Mara heads marketing, so the head above her, the admin, hears of both.
    assert sorted(await told_since(world, start)) == [
        (E.DEADLINE_APPROACHING, "admin", "escalation"),
        (E.DEADLINE_APPROACHING, "ana", "reminder"),
        (E.DEADLINE_APPROACHING, "mara", "reminder"),
    ]
    keys = await ScheduledNotice.filter(key__startswith=f"remind:{proposal.id}:").values_list(
        "key", flat=True
    )
    assert len(keys) == 3  # 48 h, 24 h and the escalation


async def test_someone_away_is_not_reminded_and_their_delegate_is_in_their_place(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    await debate_until(
        world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED, "mara": REQUIRED}
    )
    with clock.frozen_at(era + 2 * HOUR):
        await absences.record_absence(
            await world.viewer("ana"),
            world.organisation.id,
            user_id=world.id("ana"),
            terms=absences.AbsenceTerms(
                ends_at=deadline + DAY,
                delegations=(Delegation(world.id("ext"), DelegationScope.ORGANISATION),),
            ),
        )
        await absences.record_absence(  # away with nobody to speak for them
            await world.viewer("mara"),
            world.organisation.id,
            user_id=world.id("mara"),
            terms=absences.AbsenceTerms(ends_at=deadline + DAY),
        )
    start = await world.last_seq()

    assert await tick(deadline - 48 * HOUR) == {"reminder": 1}
    assert sorted(await told_since(world, start)) == [
        (E.DEADLINE_APPROACHING, "ext", "reminder"),
        (E.DEADLINE_APPROACHING, "teo", "reminder"),
    ]


async def test_a_head_reminded_as_a_delegate_in_the_same_step_still_hears_who_is_silent(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    await debate_until(
        world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED}
    )
    with clock.frozen_at(era + 2 * HOUR):  # Ext away; Mara, Ana's head, speaks for him
        await absences.record_absence(
            await world.viewer("ext"),
            world.organisation.id,
            user_id=world.id("ext"),
            terms=absences.AbsenceTerms(
                ends_at=deadline + DAY,
                delegations=(Delegation(world.id("mara"), DelegationScope.ORGANISATION),),
            ),
        )
    await speak(
        world,
        "teo",
        await Proposal.get(organisation_id=world.organisation.id),
        era + 3 * HOUR,
        PositionStance.AGREE,
    )
    settings = Settings(database_url=database.database_url, mail=mail.settings())
    with clock.frozen_at(era + 3 * HOUR):
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()
    start = await world.last_seq()

    assert await tick(deadline - 24 * HOUR) == {"escalation": 1}
    with clock.frozen_at(deadline - 24 * HOUR):
        await deliver_due(settings)

    told = await told_since(world, start)
    assert (E.DEADLINE_APPROACHING, "mara", "reminder") in told
    [to_mara] = mail.to(world.users["mara"].email)  # one email: asked for Ext, told of both
    assert "Sin posición todavía: Ana y Ext." in to_mara.text
    assert "Hablará en nombre de Ext" in to_mara.text


async def argue(
    world: World,
    who: str,
    proposal: Proposal,
    stance: Stance,
    body: str,
    parent: Argument | None = None,
) -> Argument:
    return await debate.add_argument(
        await world.viewer(who),
        proposal.id,
        stance=stance,
        body=body,
        parent_id=parent.id if parent else None,
    )


def personal_page(letter: Mail, opens: str) -> str:
    """The reader's personal link to the proposal page, as the email's "Open" line gives it."""
    [page] = re.findall(rf"^{re.escape(opens)}: (\S+)$", letter.text, re.MULTILINE)
    return str(page)


async def test_a_reminder_says_where_the_debate_stands_each_item_linked_to_the_page(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    with clock.frozen_at(era):
        membership = await organisations.add_member(
            await world.viewer("admin"),
            world.organisation.id,
            email=f"{unique('eve')}@example.org",
            name="Eve",
            language=Language.EN,
            unit_id=world.units["analitica"].id,
        )
    world.users["eve"] = await membership.user
    deadline = era + 10 * DAY
    settings = Settings(database_url=database.database_url, mail=mail.settings())
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED, "eve": REQUIRED, "ext": REQUIRED},
    )
    with clock.frozen_at(era + 2 * HOUR):
        questions = [
            (await argue(world, "ext", proposal, Stance.QUESTION, f"¿Qué mide la prueba {n}?")).id
            for n in range(4)
        ]
        answered = await argue(world, "ana", proposal, Stance.QUESTION, "¿Cuánto cuesta?")
        await argue(world, "teo", proposal, Stance.COMMENT, "Nada: ya es nuestra.", answered)
        objection = (await argue(world, "teo", proposal, Stance.AGAINST, "No hay presupuesto.")).id
        # The author answers Ana's objection: only Teo's is left unanswered.
        replied = await argue(world, "ana", proposal, Stance.AGAINST, "Es demasiado pronto.")
        await argue(world, "mara", proposal, Stance.FOR, "Hay datos desde enero.", replied)
        await debate.take_position(
            await world.viewer("ext"),
            proposal.id,
            stance=PositionStance.BLOCK,
            reason="Rompe el contrato con la pasarela de pago.",
        )
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()

    assert await tick(deadline - 48 * HOUR) == {"reminder": 1}
    with clock.frozen_at(deadline - 48 * HOUR):
        await deliver_due(settings)

    [to_teo] = mail.to(world.users["teo"].email)
    page = personal_page(to_teo, "Abrir en actas")
    shown = [f"- Ext: ¿Qué mide la prueba {n}?\n  {page}#argument-{questions[n]}" for n in range(3)]
    assert (
        "\n\n".join(
            [
                "Estado del debate",
                "\n".join(
                    ["4 preguntas sin respuesta:", *shown, f"- y 1 más\n  {page}#debate-state"]
                ),
                "1 objeción que la autoría no ha respondido:\n"
                f"- Teo: No hay presupuesto.\n  {page}#argument-{objection}",
                f"1 bloqueo:\n- Ext: “Rompe el contrato con la pasarela de pago.”\n  {page}#tally",
            ]
        )
        in to_teo.text
    )
    for left_out in (questions[3], answered.id, replied.id):  # the fourth, and the answered
        assert f"#argument-{left_out}" not in to_teo.text + to_teo.html
    linked = html.escape(page)
    assert "<p><strong>Estado del debate</strong></p>" in to_teo.html
    assert f'<a href="{linked}#argument-{questions[0]}">Ext: ¿Qué mide la prueba 0?</a>' in (
        to_teo.html
    )
    assert f'<a href="{linked}#debate-state">y 1 más</a>' in to_teo.html
    assert f'<a href="{linked}#tally">Ext: “Rompe el contrato' in to_teo.html

    [to_eve] = mail.to(world.users["eve"].email)  # in English, through her own link
    page = personal_page(to_eve, "Open in actas")
    for line in (
        "Where the debate stands",
        "4 open questions:",
        f"- and 1 more\n  {page}#debate-state",
        f"1 objection the author has not answered:\n- Teo: No hay presupuesto.\n"
        f"  {page}#argument-{objection}",
        "1 block:\n- Ext: “Rompe el contrato",
    ):
        assert line in to_eve.text

    # The head alerted of Teo's silence is told where it stands too.
    mail.clear()
    assert await tick(deadline - 24 * HOUR) == {"escalation": 1}
    with clock.frozen_at(deadline - 24 * HOUR):
        await deliver_due(settings)
    [to_admin] = mail.to(world.users["admin"].email)
    assert any(s in to_admin.text for s in STILL_SILENT)
    page = personal_page(to_admin, "Abrir en actas")
    assert f"1 bloqueo:\n- Ext: “Rompe el contrato con la pasarela de pago.”\n  {page}#tally" in (
        to_admin.text
    )


async def test_a_reminder_of_a_debate_with_nothing_open_says_nothing_of_it(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    settings = Settings(database_url=database.database_url, mail=mail.settings())
    proposal = await debate_until(
        world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED}
    )
    with clock.frozen_at(era + 2 * HOUR):
        question = await argue(world, "ana", proposal, Stance.QUESTION, "¿Cuánto cuesta?")
        await argue(world, "teo", proposal, Stance.COMMENT, "Nada: ya es nuestra.", question)
        objection = await argue(world, "teo", proposal, Stance.AGAINST, "Es pronto.")
        await argue(world, "mara", proposal, Stance.FOR, "Hay datos desde enero.", objection)
        await deliver_due(settings)
    mail.clear()

    assert await tick(deadline - 48 * HOUR) == {"reminder": 1}
    with clock.frozen_at(deadline - 48 * HOUR):
        await deliver_due(settings)

    reminders = mail.to(world.users["teo"].email) + mail.to(world.users["ana"].email)
    assert len(reminders) == 2
    for letter in reminders:
        assert texts_for("es").gettext("mail.happened.reminder") in letter.subject
        assert "Estado del debate" not in letter.text + letter.html
        assert "#argument-" not in letter.text + letter.html


async def test_reminders_of_many_debates_are_written_with_the_same_queries_as_one(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    settings = Settings(database_url=database.database_url)
    reminded = []
    for n in range(5):
        proposal = await debate_until(
            world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED}
        )
        with clock.frozen_at(era + 2 * HOUR):
            for k in range(n + 1):
                await argue(world, "ext", proposal, Stance.QUESTION, f"¿Y el caso {k}?")
                await argue(world, "teo", proposal, Stance.AGAINST, f"Falla en el caso {k}.")
            await debate.take_position(
                await world.viewer("ext"), proposal.id, stance=PositionStance.BLOCK, reason="No."
            )
        reminded.append(proposal.id)
    assert await tick(deadline - 48 * HOUR) == {"reminder": 5}
    deliveries = await Delivery.filter(
        organisation_id=world.organisation.id,
        channel=DeliveryChannel.EMAIL,
        notification__reason="reminder",
    ).order_by("id")
    first = [d for d in deliveries if d.id in set(await ids_about(reminded[0]))]
    assert len(first) == 2 and len(deliveries) == 10  # Teo and Ana, on each proposal

    with clock.frozen_at(deadline - 48 * HOUR):
        with QueryLog.capture() as one:
            await letters_for(settings, first)
        with QueryLog.capture() as five:
            written = await letters_for(settings, deliveries)

    assert len(five.statements) == len(one.statements)
    # Each proposal's n questions and objections, counted; the first three of each listed.
    counted = Counter(
        (m[1], m[2])
        for w in written.values()
        for m in [re.search(r"(\d) preguntas? sin .*?(\d) objeci", w.text, re.DOTALL)]
        if m
    )
    assert counted == {(str(n), str(n)): 2 for n in range(1, 6)}
    assert all("1 bloqueo:" in w.text for w in written.values())
    assert sum(w.text.count("- y 2 más") for w in written.values()) == 2 * 2


async def ids_about(proposal_id: int) -> list[int]:
    return await Delivery.filter(notification__proposal_id=proposal_id).values_list("id", flat=True)


async def test_nobody_who_has_spoken_is_reminded(database: Settings) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    proposal = await debate_until(
        world, era, deadline, participants={"teo": DECIDER, "ana": REQUIRED}
    )
    await speak(world, "teo", proposal, era + 2 * HOUR, PositionStance.AGREE)
    await speak(world, "ana", proposal, era + 3 * HOUR, PositionStance.ABSTAIN)
    start = await world.last_seq()

    for hours in (48, 24, 1):
        assert await tick(deadline - hours * HOUR) == {}
    assert await told_since(world, start) == []


async def test_the_organisation_chooses_when_to_remind_and_when_to_escalate(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    # No service sets these yet (the organisation's settings are another issue's): set the row.
    await Organisation.filter(id=world.organisation.id).update(
        reminder_hours="72,12", escalation_hours=6
    )
    deadline = era + 10 * DAY
    await debate_until(world, era, deadline, participants={"teo": DECIDER})

    assert await tick(deadline - 73 * HOUR) == {}
    assert await tick(deadline - 72 * HOUR) == {"reminder": 1}
    assert await tick(deadline - 48 * HOUR) == {}
    assert await tick(deadline - 24 * HOUR) == {}
    assert await tick(deadline - 12 * HOUR) == {"reminder": 1}
    assert await tick(deadline - 7 * HOUR) == {}
    assert await tick(deadline - 6 * HOUR) == {"escalation": 1}
    assert await tick(deadline - 5 * HOUR) == {}


async def test_a_moved_deadline_brings_its_own_reminders(database: Settings) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 10 * DAY
    proposal = await debate_until(world, era, deadline, participants={"teo": DECIDER})
    assert await tick(deadline - 20 * HOUR) == {"escalation": 1}

    later = deadline + 7 * DAY
    with clock.frozen_at(deadline - 19 * HOUR):
        await proposals.update_proposal(
            await world.viewer("mara"), proposal.id, proposals.ProposalChanges(deadline=later)
        )
    assert await tick(deadline + HOUR) == {}  # the old deadline means nothing now
    assert await tick(later - 48 * HOUR) == {"reminder": 1}
    assert await tick(later - 24 * HOUR) == {"escalation": 1}
    assert await tick(later + HOUR) == {"decided at deadline": 1}  # consent, nobody blocks


# --- deadlines -----------------------------------------------------------------------------------


async def test_at_the_deadline_consent_closes_the_proposal_with_the_tally_in_its_statement(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 5 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED},
        rule=RuleKind.CONSENT,
    )
    await speak(world, "ana", proposal, era + DAY, PositionStance.AGREE)
    await speak(world, "ext", proposal, era + DAY, PositionStance.DISAGREE)
    start = await world.last_seq()

    assert "decided at deadline" not in await tick(deadline - timedelta(seconds=1))
    start = await world.last_seq()
    assert await tick(deadline) == {"decided at deadline": 1}
    assert await tick(deadline + DAY) == {}

    closed = await Proposal.get(id=proposal.id)
    decision = await Decision.get(proposal_id=proposal.id)
    assert (closed.state, closed.closed_at) == (ProposalState.ACCEPTED, deadline)
    assert (decision.outcome, decision.decided_by_id, decision.decided_at) == (
        ProposalState.ACCEPTED,
        None,
        deadline,
    )
    assert decision.statement == (
        "Decidido por la regla de consentimiento al vencer el plazo: la propuesta queda "
        "aceptada. A favor: 1; en contra: 1; bloqueos: 0; abstenciones: 0 (peso de 3 con "
        "derecho a voto)."
    )
    [(type_, payload)] = await scheduled_events(world, start)
    assert type_ == E.PROPOSAL_ACCEPTED
    assert payload["statement"] == decision.statement
    assert payload["tally"]["weights"] == {"agree": 1, "disagree": 1, "block": 0, "abstain": 0}
    told = await told_since(world, start)
    assert {person for _, person, _ in told} == {"teo", "ana", "ext", "mara"}
    await assert_chain_verifies(world)


AGREE, DISAGREE = PositionStance.AGREE, PositionStance.DISAGREE
BLOCK, ABSTAIN = PositionStance.BLOCK, PositionStance.ABSTAIN


@pytest.mark.parametrize(
    ("rule", "stances", "outcome"),
    [
        (RuleKind.CONSENT, {"ana": BLOCK}, ProposalState.REJECTED),
        (RuleKind.MAJORITY, {"teo": AGREE, "ana": AGREE, "ext": DISAGREE}, ProposalState.ACCEPTED),
        (RuleKind.MAJORITY, {"teo": DISAGREE, "ana": AGREE, "ext": BLOCK}, ProposalState.REJECTED),
        (RuleKind.UNANIMITY, {"teo": AGREE, "ana": AGREE, "ext": ABSTAIN}, ProposalState.ACCEPTED),
        (RuleKind.UNANIMITY, {"teo": AGREE, "ana": DISAGREE}, ProposalState.REJECTED),
    ],
    ids=["consent-blocked", "majority-for", "majority-against", "unanimity", "unanimity-against"],
)
async def test_a_rule_that_can_decide_by_itself_closes_the_proposal_at_the_deadline(
    database: Settings, rule: RuleKind, stances: dict[str, PositionStance], outcome: ProposalState
) -> None:
    era = fresh_era()
    world = await world_in(era)
    with clock.frozen_at(era):
        await organisations.update_organisation(
            await world.viewer("admin"),
            world.organisation.id,
            organisations.OrganisationChanges(language=Language.EN),
        )
    deadline = era + 5 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED, "ext": REQUIRED},
        rule=rule,
    )
    for who, stance in stances.items():
        await speak(world, who, proposal, era + DAY, stance)

    assert await tick(deadline) == {"decided at deadline": 1}
    decision = await Decision.get(proposal_id=proposal.id)
    assert (decision.outcome, decision.decided_by_id) == (outcome, None)
    n = Counter(stances.values())
    assert decision.statement.startswith(
        f"Decided by the {rule.value} rule when the deadline passed: the proposal is "
        f"{outcome.value}."
    )
    assert (
        f"For: {n[AGREE]}; against: {n[DISAGREE]}; blocks: {n[BLOCK]}; abstentions: {n[ABSTAIN]} "
        "(out of 3 eligible weight)."
    ) in decision.statement
    await assert_chain_verifies(world)


async def test_a_proposal_its_deciders_must_decide_is_escalated_not_closed(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 5 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"teo": DECIDER, "ana": REQUIRED},
        rule=RuleKind.DECIDER,
    )
    await speak(world, "teo", proposal, era + DAY, PositionStance.AGREE)
    await speak(world, "ana", proposal, era + DAY, PositionStance.AGREE)
    start = await world.last_seq()

    assert await tick(deadline + HOUR) == {"escalated at deadline": 1}
    assert await tick(deadline + 2 * DAY) == {}

    assert (await Proposal.get(id=proposal.id)).state == ProposalState.OPEN
    [(type_, payload)] = await scheduled_events(world, start)
    assert (type_, payload["remind"], payload["escalate"]) == (
        E.DEADLINE_PASSED,
        [world.id("teo")],  # who must decide, though they have spoken
        [world.id("admin")],
    )
    assert sorted(await told_since(world, start)) == [
        (E.DEADLINE_PASSED, "admin", "escalation"),
        (E.DEADLINE_PASSED, "mara", "participant"),  # the author hears her proposal stalled
        (E.DEADLINE_PASSED, "teo", "reminder"),
    ]
    await assert_chain_verifies(world)


async def test_without_a_quorum_the_deadline_escalates_and_the_proposal_stays_open(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 5 * DAY
    proposal = await debate_until(
        world,
        era,
        deadline,
        participants={"admin": DECIDER, "teo": REQUIRED, "ana": REQUIRED, "ext": REQUIRED},
        rule=RuleKind.MAJORITY,
        quorum=0.75,
    )
    await speak(world, "teo", proposal, era + DAY, PositionStance.AGREE)
    await speak(world, "admin", proposal, era + DAY, PositionStance.AGREE)
    start = await world.last_seq()

    assert await tick(deadline) == {"escalated at deadline": 1}
    assert (await Proposal.get(id=proposal.id)).state == ProposalState.OPEN
    assert not await Decision.exists(proposal_id=proposal.id)
    [(type_, payload)] = await scheduled_events(world, start)
    assert type_ == E.DEADLINE_PASSED
    assert str(payload["reason"]).startswith("Sin quórum")  # in the organisation's language
    # Only the silent: the decider has spoken, and under majority cannot decide alone.
    assert payload["remind"] == sorted([world.id("ana"), world.id("ext")])
    assert payload["escalate"] == [world.id("mara")]  # analítica has no head: marketing's

    # A new deadline: when it passes with the quorum reached, the rule closes it after all.
    with clock.frozen_at(deadline + HOUR):
        await proposals.update_proposal(
            await world.viewer("mara"),
            proposal.id,
            proposals.ProposalChanges(deadline=deadline + 3 * DAY),
        )
    await speak(world, "ana", proposal, deadline + DAY, PositionStance.AGREE)
    await speak(world, "ext", proposal, deadline + DAY, PositionStance.DISAGREE)
    assert await tick(deadline + 3 * DAY) == {"decided at deadline": 1}
    assert (await Proposal.get(id=proposal.id)).state == ProposalState.ACCEPTED


# --- following through ---------------------------------------------------------------------------


async def accepted(world: World, era: datetime, **kwargs: Any) -> Proposal:
    """A proposal Teo accepted on the era's first day."""
    with clock.frozen_at(era + HOUR):
        proposal = await opened(world, participants={"teo": DECIDER}, **kwargs)
        return await proposals.decide_proposal(
            await world.viewer("teo"), proposal.id, outcome=ProposalState.ACCEPTED, statement="Yes."
        )


async def test_follow_up_owners_are_reminded_before_and_after_the_due_date(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    proposal = await accepted(world, era)
    due = (era + 10 * DAY).date()
    start = await world.last_seq()
    with clock.frozen_at(era + 2 * HOUR):
        follow_up = await follow_through.add_follow_up(
            await world.viewer("teo"),
            proposal.id,
            title="Measure",
            owner_id=world.id("ana"),
            due=due,
        )
    midnight = datetime.combine(due, datetime.min.time(), tzinfo=era.tzinfo)

    assert await tick(midnight - 2 * DAY - HOUR) == {}
    assert await tick(midnight - 2 * DAY) == {"follow-up due": 1}
    assert await tick(midnight + 12 * HOUR) == {}  # due today: still "soon"
    assert await tick(midnight + DAY) == {"follow-up late": 1}
    assert await tick(midnight + 5 * DAY) == {}
    told = await told_since(world, start)
    assert told == [
        (E.FOLLOW_UP_ADDED, "ana", "follow_up"),
        (E.FOLLOW_UP_DUE, "ana", "follow_up"),
        (E.FOLLOW_UP_DUE, "ana", "follow_up"),
    ]
    overdue = [
        p["overdue"] for t, p in await scheduled_events(world, start) if t == E.FOLLOW_UP_DUE
    ]
    assert overdue == [False, True]

    # Moved to a later date, it is chased again; closed, never again.
    with clock.frozen_at(midnight + 5 * DAY):
        await follow_through.update_follow_up(
            await world.viewer("ana"),
            follow_up.id,
            follow_through.FollowUpChanges(due=due + timedelta(days=10)),
        )
    assert await tick(midnight + 8 * DAY) == {"follow-up due": 1}
    with clock.frozen_at(midnight + 9 * DAY):
        await follow_through.update_follow_up(
            await world.viewer("ana"),
            follow_up.id,
            follow_through.FollowUpChanges(status=FollowUpStatus.DONE, note="Measured: +0.3 pt."),
        )
    assert await tick(midnight + 11 * DAY) == {}


async def test_closing_a_follow_up_needs_a_note(database: Settings) -> None:
    era = fresh_era()
    world = await world_in(era)
    proposal = await accepted(world, era)
    with clock.frozen_at(era + 2 * HOUR):
        follow_up = await follow_through.add_follow_up(
            await world.viewer("mara"),
            proposal.id,
            title="Tell the shops",
            owner_id=world.id("ana"),
            due=(era + 10 * DAY).date(),
        )
        for status in (FollowUpStatus.DONE, FollowUpStatus.DROPPED):
            with pytest.raises(ValidationFailed) as refused:
                await follow_through.update_follow_up(
                    await world.viewer("ana"),
                    follow_up.id,
                    follow_through.FollowUpChanges(status=status),
                )
            assert refused.value.field == "note"
        dropped = await follow_through.update_follow_up(
            await world.viewer("ana"),
            follow_up.id,
            follow_through.FollowUpChanges(status=FollowUpStatus.DROPPED, note="Shops closed."),
        )
    assert (dropped.status, dropped.note) == (FollowUpStatus.DROPPED, "Shops closed.")


async def test_a_follow_up_is_owned_by_someone_who_may_see_the_decision(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    proposal = await accepted(world, era, visibility=Visibility.UNIT, unit="marketing")
    with clock.frozen_at(era + 2 * HOUR), pytest.raises(ValidationFailed) as refused:
        await follow_through.add_follow_up(
            await world.viewer("teo"),  # a decider, though tecnologia is not marketing
            proposal.id,
            title="Secret",
            owner_id=world.id("olga"),  # in dirección, which does not see marketing's proposals
            due=(era + 10 * DAY).date(),
        )
    assert refused.value.field == "owner"
    assert not await FollowUp.exists(proposal_id=proposal.id)


async def test_at_the_impacts_date_the_author_and_owners_are_asked_for_the_outcome_once(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    by = (era + 30 * DAY).date()
    proposal = await accepted(
        world,
        era,
        impact=Impact(metric="Checkout conversion", baseline="2.1 %", target="2.4 %", by=by),
    )
    with clock.frozen_at(era + 2 * HOUR):
        await follow_through.add_follow_up(
            await world.viewer("mara"),
            proposal.id,
            title="Measure",
            owner_id=world.id("ext"),
            due=by,
        )
    start = await world.last_seq()
    midnight = datetime.combine(by, datetime.min.time(), tzinfo=era.tzinfo)

    assert "outcome review asked" not in await tick(midnight - HOUR)
    assert "outcome review asked" in await tick(midnight)
    assert "outcome review asked" not in await tick(midnight + 3 * DAY)
    asked = [(t, p, r) for t, p, r in await told_since(world, start) if t == E.OUTCOME_REVIEW_DUE]
    assert sorted(asked) == [
        (E.OUTCOME_REVIEW_DUE, "ext", "outcome_review"),
        (E.OUTCOME_REVIEW_DUE, "mara", "outcome_review"),
    ]

    with clock.frozen_at(midnight + 4 * DAY):
        review = await follow_through.record_outcome(
            await world.viewer("ext"),
            proposal.id,
            observed="2.5 %",
            verdict=OutcomeVerdict.MET,
            comment="Above target.",
        )
        with pytest.raises(ValidationFailed):
            await follow_through.record_outcome(
                await world.viewer("mara"),
                proposal.id,
                observed="2.6 %",
                verdict=OutcomeVerdict.MET,
            )
    stored = await OutcomeReview.get(proposal_id=proposal.id)
    assert (stored.id, stored.observed, stored.verdict, stored.reviewed_by_id) == (
        review.id,
        "2.5 %",
        OutcomeVerdict.MET,
        world.id("ext"),
    )
    [recorded] = await Event.filter(proposal_id=proposal.id, type=E.OUTCOME_RECORDED)
    assert orjson.loads(recorded.payload) == {
        "metric": "Checkout conversion",
        "target": "2.4 %",
        "observed": "2.5 %",
        "verdict": "met",
        "comment": "Above target.",
    }
    await assert_chain_verifies(world)


# --- digests -------------------------------------------------------------------------------------


async def test_digests_replace_immediate_email_and_are_sent_once_per_period(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()  # a Monday
    world = await world_in(era)
    settings = Settings(database_url=database.database_url, mail=mail.settings())
    modes = {"ana": EmailMode.DAILY, "ext": EmailMode.WEEKLY, "teo": EmailMode.OFF}
    with clock.frozen_at(era):
        for person, mode in modes.items():
            await preferences.set_email_mode(
                await world.viewer(person), world.organisation.id, mode
            )
        await deliver_due(settings)  # what setting the world up queued
    mail.clear()
    voices = {"ana": REQUIRED, "ext": REQUIRED, "teo": REQUIRED}
    await debate_until(world, era, era + 2 * DAY, participants=voices)
    await debate_until(world, era, era + 9 * DAY, participants=voices)
    third = await debate_until(world, era, era + 30 * DAY, participants=voices)
    await speak(world, "ana", third, era + 2 * HOUR, PositionStance.AGREE)

    async def digests() -> list[tuple[int, dict[str, int]]]:
        rows = (
            await Delivery.filter(organisation_id=world.organisation.id, notification_id=None)
            .order_by("id")
            .values_list("recipient_id", "payload")
        )
        return [(user, orjson.loads(payload)["digest"]) for user, payload in rows]

    tuesday = era + DAY - HOUR  # 07:00 UTC
    await tick(tuesday - timedelta(minutes=1))
    assert await digests() == []
    await tick(tuesday)
    assert [user for user, _ in await digests()] == [world.id("ana")]  # Ext's waits for Monday
    await tick(tuesday + 8 * HOUR)
    assert len(await digests()) == 1
    with clock.frozen_at(tuesday + 8 * HOUR):
        await deliver_due(settings)
    # Nothing was emailed at once to any of them (the author was), only Ana's digest.
    addresses = {world.users[p].email for p in modes}
    [digest] = [m for m in mail.received if m.to in addresses]
    assert digest.subject == "Resumen de Test organisation"
    assert digest.text.startswith(
        "2 propuestas esperan su posición; 1 cierra en 48 h. "
        "5 avisos nuevos desde el último resumen."  # added, 3 invitations, 1 reminder
    )
    assert ">Abrir en actas</a>" in digest.html

    next_monday = era + 7 * DAY - HOUR
    await tick(next_monday)
    await tick(next_monday + HOUR)
    # Ana's second daily one (one proposal closed since), and Ext's weekly one.
    assert [(user, counts["awaiting"]) for user, counts in await digests()] == [
        (world.id("ana"), 2),
        (world.id("ana"), 1),
        (world.id("ext"), 2),
    ]


async def test_waiting_for_lists_missing_required_positions_soonest_deadline_first(
    database: Settings,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    later = await debate_until(world, era, era + 9 * DAY, participants={"ana": REQUIRED})
    undated = await debate_until(world, era, None, participants={"ana": DECIDER})
    sooner = await debate_until(world, era, era + 2 * DAY, participants={"ana": REQUIRED})
    answered = await debate_until(world, era, era + DAY, participants={"ana": REQUIRED})
    await debate_until(world, era, era + DAY, participants={"ana": CONSULTED})
    await speak(world, "ana", answered, era + 2 * HOUR, PositionStance.ABSTAIN)

    with clock.frozen_at(era + 3 * HOUR):
        waiting = await waiting_for(world.id("ana"), world.organisation.id)
    assert [p.id for p in waiting] == [sooner.id, later.id, undated.id]


# --- two workers ---------------------------------------------------------------------------------


async def test_two_workers_at_once_take_each_step_once(database: Settings) -> None:
    era = fresh_era()
    world = await world_in(era)
    deadline = era + 3 * DAY
    reminded = await debate_until(
        world, era, deadline + 5 * DAY, participants={"teo": DECIDER, "ext": REQUIRED}
    )
    decided = await debate_until(world, era, deadline, participants={"ana": REQUIRED})
    escalated = await debate_until(
        world, era, deadline, participants={"teo": DECIDER}, rule=RuleKind.DECIDER
    )
    done = await accepted(world, era, impact=Impact(metric="m", by=(era + 2 * DAY).date()))
    with clock.frozen_at(era + 2 * HOUR):
        await follow_through.add_follow_up(
            await world.viewer("teo"),
            done.id,
            title="Do",
            owner_id=world.id("ana"),
            due=(era + DAY).date(),
        )
        await preferences.set_email_mode(
            await world.viewer("ext"), world.organisation.id, EmailMode.DAILY
        )
    start = await world.last_seq()

    moment = deadline + 6 * DAY - 40 * HOUR
    reports = await asyncio.gather(*(tick(moment) for _ in range(4)))

    steps: dict[str, int] = {}
    for report in reports:
        for kind, n in report.items():
            steps[kind] = steps.get(kind, 0) + n
    assert steps == {
        "escalation": 1,
        "decided at deadline": 1,
        "escalated at deadline": 1,
        "follow-up late": 1,
        "outcome review asked": 1,
    }
    types = [t for t, _ in await scheduled_events(world, start)]
    assert sorted(types) == sorted(
        [
            E.DEADLINE_APPROACHING,
            E.PROPOSAL_ACCEPTED,
            E.DEADLINE_PASSED,
            E.FOLLOW_UP_DUE,
            E.OUTCOME_REVIEW_DUE,
        ]
    )
    assert (await Proposal.get(id=decided.id)).state == ProposalState.ACCEPTED
    assert (await Proposal.get(id=escalated.id)).state == ProposalState.OPEN
    assert (await Proposal.get(id=reminded.id)).state == ProposalState.OPEN
    assert (
        await Delivery.filter(
            organisation_id=world.organisation.id,
            notification_id=None,
            channel=DeliveryChannel.EMAIL,
        ).count()
        == 1
    )
    await assert_chain_verifies(world)
