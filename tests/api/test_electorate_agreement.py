"""Everyone who asks "whose voice is still missing?" gets the same answer, for any organisation,
weights (0 included), roles, rule and positions: the tally, the reminder the worker sends,
``waitingForMe``, the digest's count and the metrics all agree with the rule as the README
states it (the deciders and required participants who have not taken a position)."""

from __future__ import annotations

from datetime import datetime

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actas.api import clock
from actas.api.domain.errors import DomainError
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import (
    EmailMode,
    ParticipantRole,
    PositionStance,
    Role,
    RuleKind,
    Visibility,
)
from actas.api.models import Event, Membership, Proposal
from actas.api.services import debate
from actas.api.services.metrics import organisation_metrics
from actas.api.services.schedule import digest_summaries, waiting_for
from actas.api.services.tallies import current_tally
from actas.api.settings import Settings
from tests.api.receivers import fresh_era
from tests.api.test_schedule import DAY, HOUR, tick
from tests.factories import World, build_world, opened

NAMES = ("p1", "p2", "p3", "p4", "p5", "p6")
UNITS = (
    ("direccion", None, None),
    ("marketing", "direccion", None),
    ("analitica", "marketing", None),
)
VOICES = (ParticipantRole.DECIDER, ParticipantRole.REQUIRED)


@st.composite
def scenes(draw: st.DrawFn) -> dict[str, object]:
    people = {
        name: (
            draw(st.sampled_from([Role.MEMBER, Role.MEMBER, Role.ADMIN, Role.OBSERVER])),
            draw(st.sampled_from([None, "direccion", "marketing", "analitica"])),
            draw(st.integers(0, 3)),
        )
        for name in NAMES
    }
    roles: dict[str, ParticipantRole] = {}
    for name, (role, _, _) in people.items():
        choices = [None, ParticipantRole.INFORMED]
        if role is not Role.OBSERVER:  # an observer holds no voice
            choices += [*VOICES, ParticipantRole.CONSULTED]
        chosen = draw(st.sampled_from(choices))
        if chosen is not None:
            roles[name] = chosen
    rule = draw(st.sampled_from(list(RuleKind)))
    if rule is RuleKind.DECIDER and ParticipantRole.DECIDER not in roles.values():
        rule = RuleKind.CONSENT  # the decider rule needs a decider to open
    visibility = draw(st.sampled_from(list(Visibility)))
    stances = {
        name: stance
        for name in NAMES
        if (stance := draw(st.sampled_from([None, *PositionStance]))) is not None
    }
    return {
        "people": people,
        "roles": roles,
        "rule": rule,
        "visibility": visibility,
        "unit": draw(st.sampled_from(["marketing", "analitica"])),
        "stances": stances,
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenes())
async def test_every_reader_agrees_on_whose_voice_is_missing(
    database: Settings, scene: dict[str, object]
) -> None:
    people = scene["people"]
    roles = scene["roles"]
    stances = scene["stances"]
    assert isinstance(people, dict) and isinstance(roles, dict) and isinstance(stances, dict)
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world(people=people, units=UNITS)
        proposal = await opened(
            world,
            author="admin",
            participants=roles,
            rule=scene["rule"],
            visibility=scene["visibility"],
            unit=scene["unit"],
            deadline=era + 5 * DAY,
        )
    spoke = set()
    with clock.frozen_at(era + HOUR):
        for name, stance in stances.items():
            try:
                await debate.take_position(
                    await world.viewer(name), proposal.id, stance=stance, reason="Because."
                )
            except DomainError:  # observers, informed participants, blocks that would not count
                continue
            spoke.add(world.id(name))

    # The rule as the README states it, from the scene alone.
    expected = {world.id(n) for n, r in roles.items() if r in VOICES} - spoke

    with clock.frozen_at(era + HOUR):
        by_tally, by_inbox, by_digest, by_metrics = await _readers(world, proposal, era)
    await tick(era + 5 * DAY - 47 * HOUR)  # the reminder two days before the deadline
    reminders = await Event.filter(proposal_id=proposal.id, type=EventType.DEADLINE_APPROACHING)
    by_reminder = {user for e in reminders for user in orjson.loads(e.payload)["remind"]}

    assert by_tally == by_inbox == by_digest == by_metrics == by_reminder == expected


async def _readers(world: World, proposal: Proposal, era: datetime) -> list[set[int]]:
    """Who the tally, waitingForMe, the digest and the metrics say is missing, in that order."""
    by_tally = set((await current_tally(proposal)).missing_voices)
    everyone = [world.id(n) for n in ("admin", *NAMES)]
    by_inbox = {
        user
        for user in everyone
        if proposal.id in [p.id for p in await waiting_for(user, world.organisation.id)]
    }
    memberships = await Membership.filter(organisation_id=world.organisation.id).values(
        "id", "organisation_id", "user_id"
    )
    members = [{**m, "email_mode": EmailMode.DAILY} for m in memberships]
    summaries = await digest_summaries(members, era + HOUR)
    by_digest = {m["user_id"] for m in members if summaries[m["id"]]["awaiting"]}
    metrics = await organisation_metrics(await world.viewer("admin"), world.organisation.id)
    by_metrics = {voice.user_id for voice in metrics.pending_voices}
    return [by_tally, by_inbox, by_digest, by_metrics]
