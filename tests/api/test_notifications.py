"""Who is told what: every change tells its circle (participants by role, followers, the author of
the argument answered, the people and units mentioned), each person once with the strongest
reason, never the person who acted, and never anyone who may not see the proposal.

The notifications are written by the change itself (``recording.change`` → ``notify.announce``);
these tests act through the services and read the ``Notification`` and ``Delivery`` rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import orjson
import pytest

from actas.api import clock
from actas.api.domain.absences import Delegation
from actas.api.domain.errors import NotFound, VersionConflict
from actas.api.domain.events import EventType
from actas.api.domain.notifications import (
    handle_of,
    mentioned_handles,
    resolve_mentions,
    unit_handle,
)
from actas.api.domain.validation import Impact
from actas.api.domain.visibility import can_see_proposal, visible_proposals
from actas.api.domain.vocabulary import (
    DelegationScope,
    DeliveryChannel,
    EmailMode,
    Language,
    LinkKind,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import Delivery, Event, Notification, Proposal, Subscription
from actas.api.services import (
    absences,
    debate,
    follow_through,
    inferred_absences,
    organisations,
    preferences,
    proposals,
    recording,
)
from actas.api.services.access import load_viewer, organisation_scopes, proposal_audiences
from actas.api.services.schedule import run_schedule
from actas.api.settings import Settings
from tests.api.receivers import fresh_era
from tests.factories import World, build_world, draft, opened, unique

DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED, INFORMED = ParticipantRole.CONSULTED, ParticipantRole.INFORMED
E = EventType


async def told(world: World, since: int) -> list[tuple[str, str, str]]:
    """(event type, person, reason) of every notification of the events after ``since``."""
    names = {user.id: name for name, user in world.users.items()}
    rows = (
        await Notification.filter(organisation_id=world.organisation.id, event__seq__gt=since)
        .order_by("event__seq", "user_id")
        .values_list("event__type", "user_id", "reason")
    )
    return [(type_, names.get(user, str(user)), reason) for type_, user, reason in rows]


def of(notices: list[tuple[str, str, str]], event: str) -> dict[str, str]:
    """Person → reason for one type of event (it must have happened once)."""
    return {person: reason for type_, person, reason in notices if type_ == event}


def mention(world: World, person: str) -> str:
    return "@" + handle_of(world.users[person].email)


async def say(
    world: World, who: str, proposal: Proposal, body: str, parent_id: int | None = None
) -> int:
    argument = await debate.add_argument(
        await world.viewer(who), proposal.id, stance=Stance.COMMENT, body=body, parent_id=parent_id
    )
    return argument.id


# --- mentions, without a database ----------------------------------------------------------------


def test_mentions_are_handles_and_unit_names_not_email_addresses() -> None:
    text = (
        "Thanks @Lucia.Ferrer. Ask @analitica-web, not ana@example.org; (@teo) @ and @x "
        "@nobody-here."
    )
    assert mentioned_handles(text) == {"lucia.ferrer", "analitica-web", "teo", "x", "nobody-here"}
    assert handle_of("Lucia.Ferrer@brisa.example") == "lucia.ferrer"
    assert unit_handle("Analítica Web") == "analitica-web"
    assert unit_handle("I+D (Madrid)") == "i-d-madrid"
    people = {"lucia.ferrer": 1, "teo": 2}
    units = {"analitica-web": 10}
    assert resolve_mentions(text, people=people, units=units, unit_members={10: [3, 4]}) == {
        1,
        2,
        3,
        4,
    }


# --- participants by role ------------------------------------------------------------------------


async def test_opening_invites_the_required_voices_and_tells_the_other_participants(
    database: Settings,
) -> None:
    world = await build_world()
    before = await world.last_seq()
    await opened(
        world,
        participants={"teo": DECIDER, "ana": REQUIRED, "ext": CONSULTED, "olga": INFORMED},
    )
    notices = await told(world, before)
    assert of(notices, E.PROPOSAL_DRAFTED) == {}  # a draft is nobody's business yet
    assert of(notices, E.PROPOSAL_OPENED) == {
        "teo": "invited",
        "ana": "invited",
        "ext": "participant",
        "olga": "participant",
    }


async def test_each_change_reaches_the_roles_it_concerns_and_the_followers(
    database: Settings,
) -> None:
    world = await build_world()
    mara, ana, teo = [await world.viewer(p) for p in ("mara", "ana", "teo")]
    proposal = await opened(
        world, participants={"teo": DECIDER, "ana": REQUIRED, "ext": CONSULTED, "olga": INFORMED}
    )

    before = await world.last_seq()
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note="Scope.", body="Only mobile."
    )
    await say(world, "admin", proposal, "Mobile first, then.")
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
    await proposals.update_proposal(mara, proposal.id, proposals.ProposalChanges(tags=["checkout"]))
    await proposals.decide_proposal(
        teo, proposal.id, outcome=ProposalState.ACCEPTED, statement="Go."
    )
    notices = await told(world, before)

    # Mara follows what she drafted, the admin what he argued on, Ana what she took a position on.
    assert of(notices, E.PROPOSAL_REVISED) == {
        "teo": "participant",
        "ana": "participant",
        "ext": "participant",
    }
    assert of(notices, E.ARGUMENT_ADDED) == {
        "teo": "participant",
        "ana": "participant",
        "mara": "following",
    }
    assert of(notices, E.POSITION_TAKEN) == {
        "teo": "participant",
        "mara": "following",
        "admin": "following",
    }
    assert of(notices, E.PROPOSAL_UPDATED) == {
        "teo": "participant",
        "ana": "participant",
        "admin": "following",
    }
    assert of(notices, E.PROPOSAL_ACCEPTED) == {
        "ana": "participant",
        "ext": "participant",
        "olga": "participant",
        "mara": "following",
        "admin": "following",
    }
    assert not [n for n in notices if n[1] == "teo" and n[0] == E.PROPOSAL_ACCEPTED]  # the actor


async def test_a_voice_given_to_someone_on_an_open_proposal_is_an_invitation(
    database: Settings,
) -> None:
    world = await build_world()
    mara = await world.viewer("mara")
    proposal = await draft(world)
    before = await world.last_seq()
    await proposals.set_participant(mara, proposal.id, world.id("teo"), REQUIRED)  # a draft
    await proposals.open_proposal(mara, proposal.id)
    admin = await world.viewer("admin")  # an open proposal's deciders are an admin's to name
    await proposals.set_participant(admin, proposal.id, world.id("ana"), DECIDER)
    await proposals.set_participant(mara, proposal.id, world.id("ext"), CONSULTED)
    notices = await told(world, before)

    assert notices == [
        (E.PROPOSAL_OPENED, "teo", "invited"),
        (E.PARTICIPANT_SET, "ana", "invited"),
        (E.PARTICIPANT_SET, "ana", "participant"),  # the decider hears who else has a part
        (E.PARTICIPANT_SET, "ext", "participant"),
    ]


# --- following -----------------------------------------------------------------------------------


async def test_people_follow_what_they_draft_argue_or_take_a_position_on_until_they_stop(
    database: Settings,
) -> None:
    world = await build_world()
    admin, ana, teo = [await world.viewer(p) for p in ("admin", "ana", "teo")]
    proposal = await opened(world)
    await say(world, "admin", proposal, "First thought.")
    await debate.take_position(ana, proposal.id, stance=PositionStance.ABSTAIN)
    await preferences.follow(teo, proposal.id, following=True)  # Teo follows without a word

    await preferences.follow(admin, proposal.id, following=False)
    await say(world, "admin", proposal, "Second thought.")  # arguing again does not undo it
    before = await world.last_seq()
    await say(world, "ext", proposal, "A question.")

    assert of(await told(world, before), E.ARGUMENT_ADDED) == {
        "mara": "following",
        "ana": "following",
        "teo": "following",
    }
    following = dict(
        await Subscription.filter(proposal_id=proposal.id).values_list("user_id", "following")
    )
    assert following == {
        world.id("mara"): True,
        world.id("admin"): False,
        world.id("ana"): True,
        world.id("teo"): True,
        world.id("ext"): True,
    }


async def test_only_people_who_may_see_a_proposal_can_follow_it(database: Settings) -> None:
    world = await build_world()
    private = await opened(
        world, visibility=Visibility.PARTICIPANTS, participants={"ana": REQUIRED}
    )
    with pytest.raises(NotFound):  # exactly as if it did not exist
        await preferences.follow(await world.viewer("teo"), private.id, following=True)


# --- replies and mentions ------------------------------------------------------------------------


async def test_a_reply_tells_the_author_of_the_argument_answered(database: Settings) -> None:
    world = await build_world()
    proposal = await opened(world)
    question = await say(world, "teo", proposal, "Why now?")
    await preferences.follow(await world.viewer("teo"), proposal.id, following=False)
    before = await world.last_seq()
    answer = await say(world, "ana", proposal, "Because of the sales.", parent_id=question)
    await say(world, "ana", proposal, "And the season.", parent_id=answer)  # to herself

    notices = await told(world, before)
    assert notices == [
        (E.ARGUMENT_ADDED, "mara", "following"),
        (E.ARGUMENT_ADDED, "teo", "reply"),  # even after unfollowing: it is an answer to him
        (E.ARGUMENT_ADDED, "mara", "following"),
    ]


async def test_mentions_reach_people_and_whole_units_who_may_see_the_proposal(
    database: Settings,
) -> None:
    world = await build_world()
    proposal = await opened(world, "ana", visibility=Visibility.UNIT, unit="marketing")
    before = await world.last_seq()
    await say(
        world,
        "admin",
        proposal,
        f"Asking {mention(world, 'teo')}, @{unit_handle('Analitica')} and "
        f"@{unit_handle('Tecnologia')}; cc {mention(world, 'mara')}.",
    )
    # Teo and his unit may not see a proposal of marketing; Ana wrote it (and acts next).
    assert of(await told(world, before), E.ARGUMENT_ADDED) == {
        "ana": "mention",
        "ext": "mention",
        "mara": "mention",
    }

    before = await world.last_seq()
    await debate.take_position(
        await world.viewer("mara"),
        proposal.id,
        stance=PositionStance.DISAGREE,
        reason=f"Not yet, {mention(world, 'ext')}.",
    )
    assert of(await told(world, before), E.POSITION_TAKEN) == {
        "ext": "mention",
        "ana": "following",
        "admin": "following",
    }


async def test_a_mention_in_a_draft_is_told_when_the_proposal_opens(database: Settings) -> None:
    world = await build_world()
    mara = await world.viewer("mara")
    before = await world.last_seq()
    proposal = await draft(
        world, summary=f"For {mention(world, 'ext')}.", body=f"Ask @{unit_handle('Tecnologia')}."
    )
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note=f"cc {mention(world, 'ana')}", body="…"
    )
    assert await told(world, before) == []  # nobody but Mara sees a draft

    await proposals.revise_proposal(
        mara, proposal.id, expected_version=2, change_note="Back.", body="Ask @tecnologia."
    )
    await proposals.open_proposal(mara, proposal.id)
    assert await told(world, before) == [
        (E.PROPOSAL_OPENED, "teo", "mention"),
        (E.PROPOSAL_OPENED, "ext", "mention"),
    ]


async def test_each_person_is_told_once_per_event_with_the_strongest_reason(
    database: Settings,
) -> None:
    world = await build_world()
    proposal = await opened(world, participants={"teo": DECIDER})
    question = await say(world, "teo", proposal, "Is it safe?")  # Teo follows, too
    before = await world.last_seq()
    await say(
        world,
        "ana",
        proposal,
        f"Yes, {mention(world, 'teo')} (and @tecnologia, @direccion).",
        parent_id=question,
    )
    notices = await told(world, before)
    # Teo is a decider, a follower, answered and mentioned twice over: one notification.
    assert [n for n in notices if n[1] == "teo"] == [(E.ARGUMENT_ADDED, "teo", "mention")]
    assert len(notices) == len({n[1] for n in notices})
    assert "ana" not in {n[1] for n in notices}  # mentioning your own unit never tells you


# --- members -------------------------------------------------------------------------------------


async def test_a_new_member_is_told_they_were_added_and_nobody_else_is(
    database: Settings,
) -> None:
    world = await build_world()
    before = await world.last_seq()
    membership = await organisations.add_member(
        await world.viewer("admin"),
        world.organisation.id,
        email=f"{unique('new')}@example.org",
        name="New",
    )
    rows = await Notification.filter(
        organisation_id=world.organisation.id, event__seq__gt=before
    ).values_list("user_id", "reason", "proposal_id")
    assert rows == [(membership.user_id, "membership", None)]


# --- the channels chosen -------------------------------------------------------------------------


async def test_email_is_queued_only_for_members_who_want_it_at_once(database: Settings) -> None:
    world = await build_world()
    for person, mode in (
        ("ana", EmailMode.DAILY),
        ("teo", EmailMode.OFF),
        ("ext", EmailMode.WEEKLY),
    ):
        await preferences.set_email_mode(await world.viewer(person), world.organisation.id, mode)
    proposal = await opened(
        world, participants={"ana": REQUIRED, "teo": REQUIRED, "ext": REQUIRED, "admin": REQUIRED}
    )

    notified = set(
        await Notification.filter(proposal_id=proposal.id).values_list("user_id", flat=True)
    )
    emailed = set(
        await Delivery.filter(
            channel=DeliveryChannel.EMAIL, notification__proposal_id=proposal.id
        ).values_list("recipient_id", flat=True)
    )
    assert notified == {world.id(p) for p in ("ana", "teo", "ext", "admin")}  # in-app: all
    assert emailed == {world.id("admin")}


async def test_a_refused_change_tells_nobody(database: Settings) -> None:
    world = await build_world()
    proposal = await opened(world, participants={"teo": DECIDER})
    mara = await world.viewer("mara")
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note="a", body="b"
    )
    notifications, deliveries = await Notification.all().count(), await Delivery.all().count()
    with pytest.raises(VersionConflict):
        await proposals.revise_proposal(
            mara, proposal.id, expected_version=1, change_note="@teo", body="c"
        )
    assert (await Notification.all().count(), await Delivery.all().count()) == (
        notifications,
        deliveries,
    )


# --- nobody outside the audience -----------------------------------------------------------------

# Every event that can happen to a proposal restricted to a unit or to its participants (only
# proposals every member sees can be marked publishable).
PROPOSAL_EVENTS = {
    t
    for t in EventType
    if not t.startswith(("organisation.", "unit.", "member.", "webhook.", "absence."))
} - {E.PROPOSAL_PUBLISHABLE}


class AudienceOracle:
    """After each step, every new notification must reach someone who may see its proposal at
    that moment, by both forms of the visibility rule."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.checked_up_to = 0
        self.told: dict[int, set[int]] = {}  # proposal → everyone told anything about it

    async def check(self) -> None:
        rows = await Notification.filter(
            organisation_id=self.world.organisation.id, id__gt=self.checked_up_to
        ).values("id", "user_id", "proposal_id")
        if not rows:
            return
        self.checked_up_to = max(row["id"] for row in rows)
        scopes = await organisation_scopes(self.world.organisation.id)
        proposal_ids = {row["proposal_id"] for row in rows if row["proposal_id"]}
        audiences = await proposal_audiences(await Proposal.filter(id__in=proposal_ids))
        for row in rows:
            user, proposal = row["user_id"], row["proposal_id"]
            if proposal is None:
                continue
            self.told.setdefault(proposal, set()).add(user)
            viewer = await load_viewer(user)
            sees = (
                await visible_proposals(viewer, self.world.organisation.id)
                .filter(id=proposal)
                .exists()
            )
            assert sees, f"user {user} was told about proposal {proposal}, which they cannot see"
            assert can_see_proposal(user, scopes.get(user), audiences[proposal])


async def audience_world(era: datetime) -> World:
    """The default organisation and three more: Eve (tecnologia; she reads English), Leo (in no
    unit) and Ivo (analítica)."""
    with clock.frozen_at(era):
        world = await build_world()
        admin = await world.viewer("admin")
        for name, unit in (("eve", "tecnologia"), ("leo", None), ("ivo", "analitica")):
            membership = await organisations.add_member(
                admin,
                world.organisation.id,
                email=f"{unique(name)}@example.org",
                name=name.title(),
                unit_id=world.units[unit].id if unit else None,
                language=Language.EN if name == "eve" else Language.ES,
            )
            world.users[name] = await membership.user
    return world


def everybody(world: World) -> str:
    """A text that mentions every member and every unit."""
    people = " ".join(mention(world, p) for p in world.users)
    units = " ".join(f"@{unit_handle(u.name)}" for u in world.units.values())
    return f"Attention {people} {units}."


async def out_of_office(world: World, person: str) -> None:
    async with recording.change(world.organisation.id, None) as work:
        await inferred_absences.infer_from_auto_reply(work, world.id(person), "Out of office.")


async def every_event_of_a_proposal(
    world: World,
    era: datetime,
    check: Callable[[], Awaitable[None]],
    *,
    visibility: Visibility,
    unit: str | None,
    author: str,
    voices: dict[str, ParticipantRole],
    newcomer: str,
    follower: str,
    leaves: str,
) -> list[int]:
    """Drive proposals of one audience through every event, checking after each step.
    ``follower`` argues (and so follows), then leaves the audience: moves to the unit ``leaves``,
    or (``leaves="participants"``) stops being a participant. ``newcomer`` is given a voice once
    the debate has begun."""
    everyone = everybody(world)
    at = era

    async def step(action: Callable[[], Awaitable[object]], hours: float = 1) -> None:
        nonlocal at
        at += timedelta(hours=hours)
        with clock.frozen_at(at):
            await action()
        await check()

    v = world.viewer
    deciders = [p for p, r in voices.items() if r is DECIDER]
    decider = await v(deciders[0])
    created: dict[str, Proposal] = {}

    async def drafting() -> None:
        for name in ("main", "withdrawn", "abandoned", "by_deciders"):
            created[name] = await draft(
                world,
                author,
                visibility=visibility,
                unit=unit,
                participants=voices,
                body=everyone,
                deadline=at + timedelta(days=5),
                rule=RuleKind.DECIDER if name == "by_deciders" else RuleKind.CONSENT,
                impact=Impact(
                    metric="Conversion", target="2.4 %", by=(at + timedelta(days=20)).date()
                ),
            )

    await step(drafting)
    main, by_deciders = created["main"], created["by_deciders"]
    writer = await v(author)
    await step(
        lambda: proposals.update_proposal(writer, main.id, proposals.ProposalChanges(tags=["x"]))
    )
    await step(lambda: proposals.set_participant(writer, main.id, world.id(newcomer), CONSULTED))
    await step(lambda: proposals.set_participant(writer, main.id, world.id(newcomer), None))
    await step(
        lambda: proposals.revise_proposal(
            writer, main.id, expected_version=1, change_note=everyone, body="Draft two " + everyone
        )
    )
    await step(
        lambda: proposals.link_proposals(writer, main.id, created["withdrawn"].id, LinkKind.RELATED)
    )
    for proposal in created.values():
        await step(partial(proposals.open_proposal, writer, proposal.id, everyone))
    # A required voice goes away past the deadlines with nobody to speak for them: their head
    # and the author hear of it at once.
    away = next(p for p, r in voices.items() if r is REQUIRED)
    away_viewer = await v(away)
    # First their mailbox answers with an out-of-office note: probably away, which their head
    # and the author hear of (and it ends as they record their absence themselves).
    await step(lambda: out_of_office(world, away))
    await step(
        lambda: absences.record_absence(
            away_viewer,
            world.organisation.id,
            user_id=world.id(away),
            terms=absences.AbsenceTerms(ends_at=at + timedelta(days=6)),
        )
    )
    # A decider goes away too, with the author to speak for them: the author is asked.
    decider_name = deciders[0]
    await step(
        lambda: absences.record_absence(
            decider,
            world.organisation.id,
            user_id=world.id(decider_name),
            terms=absences.AbsenceTerms(
                ends_at=at + timedelta(days=2),
                delegations=(Delegation(world.id(author), DelegationScope.ORGANISATION),),
            ),
        )
    )
    arguments: list[int] = []

    async def argue(who: str, parent: int | None = None) -> None:
        arguments.append(await say(world, who, main, everyone, parent_id=parent))

    await step(lambda: argue(follower))
    await step(lambda: argue(author, arguments[0]))
    follower_viewer = await v(follower)
    await step(
        lambda: debate.edit_argument(follower_viewer, arguments[0], body="Edited " + everyone)
    )
    if leaves != "participants":  # a participant who has spoken can no longer be removed
        await step(
            lambda: debate.take_position(
                follower_viewer, main.id, stance=PositionStance.DISAGREE, reason=everyone
            )
        )
    # The follower leaves the audience: from now on the proposal is hidden from them.
    admin = await v("admin")
    membership = await world.membership(follower)
    if leaves == "participants":
        await step(lambda: proposals.set_participant(writer, main.id, world.id(follower), None))
    else:
        await step(
            lambda: organisations.update_member(
                admin,
                membership.id,
                organisations.MembershipChanges(unit_id=world.units[leaves].id),
            )
        )
    await step(lambda: argue(author, arguments[0]))  # a reply to the follower who left
    await step(
        lambda: proposals.revise_proposal(
            writer, main.id, expected_version=2, change_note=everyone, body="Open two " + everyone
        )
    )
    await step(
        lambda: proposals.update_proposal(
            writer, main.id, proposals.ProposalChanges(deadline=at + timedelta(days=4))
        )
    )
    await step(lambda: proposals.set_participant(writer, main.id, world.id(newcomer), REQUIRED))
    # Two days before the deadlines: reminders and escalations go out.
    at = era + timedelta(days=3, hours=12)
    await step(run_schedule, hours=0)
    await step(lambda: proposals.withdraw_proposal(writer, created["withdrawn"].id, everyone))
    await step(lambda: proposals.abandon_proposal(decider, created["abandoned"].id, everyone))
    for who in [p for p, r in voices.items() if r in (DECIDER, REQUIRED)] + [newcomer]:
        agree = partial(debate.take_position, await v(who), main.id, stance=PositionStance.AGREE)
        await step(partial(agree, reason=everyone))
    await step(
        lambda: proposals.decide_proposal(
            decider, main.id, outcome=ProposalState.ACCEPTED, statement=everyone
        )
    )
    # The deadline of the proposal its deciders must decide passes: they are escalated.
    at = era + timedelta(days=5, hours=1)
    await step(run_schedule, hours=0)
    await step(
        lambda: proposals.decide_proposal(
            decider, by_deciders.id, outcome=ProposalState.REJECTED, statement=everyone
        )
    )
    follow_ups: list[int] = []

    async def add_follow_up() -> None:
        added = await follow_through.add_follow_up(
            writer,
            main.id,
            title="Measure",
            owner_id=world.id(deciders[0]),
            due=(at + timedelta(days=7)).date(),
        )
        follow_ups.append(added.id)

    await step(add_follow_up)
    await step(
        lambda: follow_through.update_follow_up(
            writer,
            follow_ups[0],
            follow_through.FollowUpChanges(due=(at + timedelta(days=8)).date()),
        )
    )
    at = era + timedelta(days=21)
    await step(run_schedule, hours=0)  # the follow-up is late, the outcome review due
    await step(
        lambda: follow_through.record_outcome(
            writer, main.id, observed="2.5 %", verdict=OutcomeVerdict.MET, comment=everyone
        )
    )
    return [p.id for p in created.values()]


@pytest.mark.parametrize(
    "audience",
    [
        # Marketing's proposal: seen by marketing and analítica, and by the heads above them.
        dict(
            visibility=Visibility.UNIT,
            unit="marketing",
            author="ana",
            voices={"mara": DECIDER, "ext": REQUIRED, "admin": CONSULTED},
            newcomer="eve",  # a participant sees it wherever she sits
            follower="ivo",
            leaves="tecnologia",
        ),
        # Seen by its author and participants only: the heads of the silent see nothing.
        dict(
            visibility=Visibility.PARTICIPANTS,
            unit="analitica",
            author="teo",
            voices={"ext": DECIDER, "ana": REQUIRED, "eve": CONSULTED, "mara": CONSULTED},
            newcomer="leo",
            follower="mara",  # heads the unit of the silent, but only sees as a participant
            leaves="participants",
        ),
    ],
    ids=["unit", "participants"],
)
async def test_nobody_outside_the_audience_hears_of_any_event(
    database: Settings, audience: dict[str, Any]
) -> None:
    era = fresh_era()
    world = await audience_world(era)
    oracle = AudienceOracle(world)
    # The webhook never carries these proposals' events.
    from actas.api.services import webhooks
    from tests.api.receivers import RECEIVERS_ALLOWED

    with clock.frozen_at(era):
        await webhooks.create_webhook(
            await world.viewer("admin"),
            world.organisation.id,
            url="http://127.0.0.1:9/hook",
            allowed=RECEIVERS_ALLOWED,
        )
    ids = await every_event_of_a_proposal(world, era, oracle.check, **audience)

    happened = set(await Event.filter(proposal_id__in=ids).values_list("type", flat=True))
    assert happened == PROPOSAL_EVENTS
    # Not vacuous: the follower was told things while in the audience, the newcomer invited.
    assert {world.id(audience["follower"]), world.id(audience["newcomer"])} <= oracle.told[ids[0]]
    carried = [
        orjson.loads(payload)["event"]["type"]
        for payload in await Delivery.filter(
            organisation_id=world.organisation.id, channel=DeliveryChannel.WEBHOOK
        ).values_list("payload", flat=True)
    ]
    assert set(carried) <= {"member.updated"}
