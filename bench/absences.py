"""Benchmark of the reminder round with absences: the schedule's round over open proposals in a
large organisation, with and without absences, must take as many queries either way.

    python bench/absences.py [--members 500] [--proposals 200] [--absences 50]
    ACTAS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/absences.py

Seeds one organisation per run (in its own scratch database) through the real services: units
with heads, ``--members`` members, ``--proposals`` open proposals with three required voices
each and the same deadline. The second run also records ``--absences`` absences lasting past the
deadline, half with a delegate. Then one worker round at the first reminder step: prints its SQL
statements, its time, and what it sent (reminders; with absences, delegates instead of the
absent, and the absent voices' heads told at once when the absences were recorded).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from scratch import print_rows, scratch_database

from actas.api import clock, db
from actas.api.domain.absences import Delegation
from actas.api.domain.vocabulary import DelegationScope, ParticipantRole, Role
from actas.api.models import Event, Notification
from actas.api.services import absences, organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.schedule import run_schedule
from actas.api.services.users import find_or_create_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.schema.client import QueryLog

UNITS = 20
VOICES = 3


async def seed(members: int, open_proposals: int, away: int, rng: random.Random) -> int:
    """The organisation's id; its proposals' deadline is ten days from now."""
    tag = uuid.uuid4().hex[:6]
    boss = await find_or_create_user(f"boss-{tag}@bench.example", name="Boss")
    organisation = await organisations.create_organisation(
        await load_viewer(boss.id), slug=f"away{tag}", name="Bench"
    )
    admin = await load_viewer(boss.id)
    units = [
        await organisations.create_unit(admin, organisation.id, name=f"Unit {n}")
        for n in range(UNITS)
    ]
    people = []
    for n in range(members):
        membership = await organisations.add_member(
            admin,
            organisation.id,
            email=f"p{n}-{tag}@bench.example",
            name=f"Person {n}",
            role=Role.MEMBER,
            unit_id=units[n % UNITS].id,
        )
        people.append(membership.user_id)
    for unit, head in zip(units, people, strict=False):  # the first member of each unit heads it
        await organisations.update_unit(admin, unit.id, organisations.UnitChanges(head_id=head))
    deadline = clock.now() + timedelta(days=10)
    for n in range(open_proposals):
        voices = rng.sample(people[UNITS:], VOICES)
        draft = await proposals.draft_proposal(
            admin,
            organisation.id,
            proposals.ProposalDraft(
                title=f"Proposal {n}",
                summary="A pilot.",
                body="Why.",
                deadline=deadline,
                participants={user: ParticipantRole.REQUIRED for user in voices},
            ),
        )
        await proposals.open_proposal(admin, draft.id)
    for n, user in enumerate(rng.sample(people[UNITS:], away)):
        delegate = people[UNITS + (people.index(user) + 1) % (members - UNITS)]
        await absences.record_absence(
            admin,
            organisation.id,
            user_id=user,
            terms=absences.AbsenceTerms(
                ends_at=deadline + timedelta(days=2),
                delegations=(Delegation(delegate, DelegationScope.ORGANISATION),)
                if n % 2 == 0
                else (),
            ),
        )
    return organisation.id


async def one_run(members: int, open_proposals: int, away: int) -> dict[str, str]:
    async with scratch_database() as settings:
        await db.open_database(settings)
        try:
            organisation_id = await seed(members, open_proposals, away, random.Random(7))
            at_first_step = clock.now() + timedelta(days=10) - timedelta(hours=47)
            with clock.frozen_at(at_first_step), QueryLog.capture() as log:
                started = time.perf_counter()
                report = await run_schedule()
                elapsed = time.perf_counter() - started
            alerts = await Event.filter(
                organisation_id=organisation_id, type="proposal.voice_away"
            ).count()
            reminded = await Notification.filter(
                organisation_id=organisation_id, reason="reminder"
            ).count()
        finally:
            await db.close_database()
    return {
        "absences": str(away),
        "SQL statements in the round": str(len(log.statements)),
        "round time": f"{elapsed * 1000:.0f} ms",
        "reminders sent": f"{reminded} ({report.steps})",
        "absent voices told at once": str(alerts),
    }


async def main(members: int, open_proposals: int, away: int) -> None:
    without = await one_run(members, open_proposals, 0)
    with_absences = await one_run(members, open_proposals, away)
    print_rows([(k, f"{without[k]:>28}   {with_absences[k]}") for k in without])
    if without["SQL statements in the round"] != with_absences["SQL statements in the round"]:
        raise SystemExit("absences changed the number of queries of the round")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--absences", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.members, arguments.proposals, arguments.absences))
