"""Reminder hours through GraphQL: a reminder must come while the deadline is still ahead, so 0
or negative hours are refused (and nothing stored changes); an escalation at 0 hours means "when
the deadline passes", and the heads do hear of the silence then."""

from __future__ import annotations

from typing import Any

import pytest

from actas.api.domain.vocabulary import ParticipantRole, RuleKind
from tests.api.receivers import fresh_era
from tests.api.test_schedule import DAY, HOUR, E, debate_until, tick, told_since, world_in
from tests.factories import World, build_world
from tests.schema.client import Api, Data, gid, token

UPDATE = """
mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) {
    __typename
    ... on Organisation { reminderHours escalationHours }
    ... on ValidationError { field message }
  }
}
"""


async def update(api: Api, world: World, **changes: Any) -> Data:
    return await api.mutate(
        UPDATE,
        {"input": {"organisation": gid("Organisation", world.organisation.id), **changes}},
        token=await token(world, "admin"),
    )


@pytest.mark.parametrize("hours", [[48, 0], [0], [-1], [24, -6]])
async def test_a_reminder_at_or_after_the_deadline_is_refused(api: Api, hours: list[int]) -> None:
    world = await build_world(people={}, units=())
    await update(api, world, reminderHours=[72, 12])

    refused = await update(api, world, reminderHours=hours)

    assert refused == {
        "__typename": "ValidationError",
        "field": "reminder_hours",
        "message": "Reminders are 1 to 720 hours before a deadline (at 0 hours it has passed).",
    }
    kept = await update(api, world, name="Still here")
    assert kept["reminderHours"] == [72, 12]


async def test_a_reminder_an_hour_before_the_deadline_is_kept(api: Api) -> None:
    world = await build_world(people={}, units=())

    kept = await update(api, world, reminderHours=[1, 24])

    assert kept == {"__typename": "Organisation", "reminderHours": [24, 1], "escalationHours": 24}


async def test_an_escalation_at_zero_hours_reaches_the_heads_when_the_deadline_passes(
    api: Api,
) -> None:
    era = fresh_era()
    world = await world_in(era)
    assert (await update(api, world, reminderHours=[2], escalationHours=0))["escalationHours"] == 0
    deadline = era + 3 * DAY
    await debate_until(
        world,
        era,
        deadline,
        participants={"teo": ParticipantRole.DECIDER, "ana": ParticipantRole.REQUIRED},
        rule=RuleKind.DECIDER,  # nothing decides by itself: the silence stays
    )
    start = await world.last_seq()

    assert await tick(deadline - 2 * HOUR) == {"reminder": 1}
    assert await tick(deadline - HOUR) == {}
    assert await tick(deadline + HOUR) == {"escalated at deadline": 1}
    assert await told_since(world, start) == [
        (E.DEADLINE_APPROACHING, "ana", "reminder"),
        (E.DEADLINE_APPROACHING, "teo", "reminder"),  # and no head before the deadline
        (E.DEADLINE_PASSED, "admin", "escalation"),  # teo's head
        (E.DEADLINE_PASSED, "mara", "escalation"),  # ana's head
        (E.DEADLINE_PASSED, "ana", "reminder"),
        (E.DEADLINE_PASSED, "teo", "reminder"),
    ]
