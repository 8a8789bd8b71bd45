"""One failing step does not stop the schedule: it is logged, counted, and tried again next round,
while every other step of the round is still taken. The fault is real: a trigger in the database
refuses one organisation's steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from actas.api.db import connection, is_postgres
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, RuleKind
from actas.api.models import Proposal
from actas.api.settings import Settings
from tests.api.receivers import fresh_era
from tests.api.test_schedule import DAY, debate_until, speak, tick, world_in

DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED


@asynccontextmanager
async def steps_refused_for(organisation_id: int) -> AsyncIterator[None]:
    """Until the block ends, the database refuses to record any step of one organisation."""
    if is_postgres():
        create = [
            "CREATE FUNCTION refuse_steps() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.organisation_id = {organisation_id} THEN "
            "RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_steps BEFORE INSERT ON scheduled_notice "
            "FOR EACH ROW EXECUTE FUNCTION refuse_steps()",
        ]
        drop = [
            "DROP TRIGGER refuse_steps ON scheduled_notice",
            "DROP FUNCTION refuse_steps()",
        ]
    else:
        create = [
            "CREATE TRIGGER refuse_steps BEFORE INSERT ON scheduled_notice "
            f"WHEN NEW.organisation_id = {organisation_id} "
            # RAISE() would read as a constraint (another worker took the step): fail otherwise.
            "BEGIN SELECT json('injected fault'); END"
        ]
        drop = ["DROP TRIGGER refuse_steps"]
    for sql in create:
        await connection().execute_script(sql)
    try:
        yield
    finally:
        for sql in drop:
            await connection().execute_script(sql)


async def test_a_failing_step_is_retried_next_round_and_the_others_still_run(
    database: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    era = fresh_era()
    broken, healthy = await world_in(era), await world_in(era)
    deadline = era + 2 * DAY
    stuck, fine = [
        await debate_until(
            world,
            era,
            deadline,
            participants={"teo": DECIDER, "ana": REQUIRED},
            rule=RuleKind.CONSENT,
        )
        for world in (broken, healthy)
    ]
    for world, proposal in ((broken, stuck), (healthy, fine)):
        await speak(world, "ana", proposal, era + DAY, PositionStance.BLOCK)

    async with steps_refused_for(broken.organisation.id):
        steps = await tick(deadline)

    assert steps.get("failed", 0) >= 1
    assert "tried again next round" in caplog.text
    assert (await Proposal.get(id=fine.id)).state == ProposalState.REJECTED
    assert (await Proposal.get(id=stuck.id)).state == ProposalState.OPEN

    await tick(deadline + DAY)  # the fault is gone: the step it refused is taken now
    assert (await Proposal.get(id=stuck.id)).state == ProposalState.REJECTED
