"""The simulated organisation: a four-level unit tree with heads and 500 members, built through
the real services (the ones the API calls), and what the simulation knows of it.

The tree: a board (headed by the admin), four divisions, three departments each and three teams
per department; every division and department has a head, and two teams in three do (a silent
member of a team without one is escalated to the department's head). A few consultants belong
to no unit (nobody is alerted about their silence); a few people only observe.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from actas.api import clock
from actas.api.domain.notifications import unit_handle
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import EmailMode, Language, Role, Visibility
from actas.api.services import organisations, preferences, webhooks
from actas.api.services.access import load_viewer
from actas.api.services.users import find_or_create_user
from tests.api.receivers import RECEIVERS_ALLOWED

MEMBERS = 500
DIVISIONS, DEPARTMENTS, TEAMS = 4, 3, 3  # per parent
CONSULTANTS, OBSERVERS = 10, 15
REMINDER_HOURS, ESCALATION_HOURS = (72, 24), 12
# How members want email: in an organisation this size most read actas itself (email at once
# for every notification would also make the simulation mostly a test of SMTP round trips).
EMAIL_MODES = {
    EmailMode.IMMEDIATE: 0.15,
    EmailMode.DAILY: 0.05,
    EmailMode.WEEKLY: 0.05,
    EmailMode.OFF: 0.75,
}


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent: int | None
    level: int  # 1 (the board) to 4 (a team)
    head: int | None = None


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    unit: int | None
    role: Role
    weight: int
    language: Language
    email_mode: EmailMode

    @property
    def handle(self) -> str:
        return "@" + self.email.split("@", 1)[0]

    @property
    def writes(self) -> bool:
        return self.role is not Role.OBSERVER


@dataclass
class Company:
    """The organisation as the simulation built it (nothing changes once the month begins)."""

    id: int
    slug: str
    admin: int
    units: dict[int, Unit] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    _viewers: dict[int, Viewer] = field(default_factory=dict)

    async def viewer(self, user_id: int) -> Viewer:
        if user_id not in self._viewers:
            self._viewers[user_id] = await load_viewer(user_id)
        return self._viewers[user_id]

    def lineage(self, unit: int | None) -> Iterator[int]:
        """The unit and the units above it, nearest first."""
        while unit is not None:
            yield unit
            unit = self.units[unit].parent

    def in_subtree(self, member: Member, unit: int) -> bool:
        return unit in self.lineage(member.unit)

    def heads_above(self, unit: int) -> set[int]:
        """Heads of the unit and of every unit above it."""
        return {h for u in self.lineage(unit) if (h := self.units[u].head) is not None}

    def audience(
        self, visibility: Visibility, unit: int | None, author: int, participants: set[int]
    ) -> set[int]:
        """Who sees an opened proposal (the simulation's own reading of the visibility rule:
        the test checks every notification against ``api/domain/visibility``)."""
        involved = {author, *participants}
        if visibility is Visibility.ORGANISATION:
            return set(self.members)
        if visibility is Visibility.UNIT:
            assert unit is not None
            below = {m.user_id for m in self.members.values() if self.in_subtree(m, unit)}
            return involved | below | self.heads_above(unit)
        return involved

    def escalation_head(self, silent: int) -> int | None:
        """The head told about a silent member: their unit's head or, when they head it (or it
        has none), the nearest head above."""
        for unit in self.lineage(self.members[silent].unit):
            head = self.units[unit].head
            if head is not None and head != silent:
                return head
        return None

    def teams(self) -> list[Unit]:
        return [u for u in self.units.values() if u.level == 4]


async def build_company(rng: random.Random, at: datetime, webhook_url: str) -> tuple[Company, str]:
    """The organisation, built at ``at`` by its admin; returns it and the webhook's secret."""
    tag = uuid.uuid4().hex[:8]
    with clock.frozen_at(at):
        admin = await find_or_create_user(
            f"admin-{tag}@sim.example", name="Admin", language=Language.EN
        )
        created = await organisations.create_organisation(
            await load_viewer(admin.id), slug=f"sim{tag}", name="Simulated", language=Language.EN
        )
        company = Company(created.id, created.slug, admin.id)
        boss = await load_viewer(admin.id)
        await organisations.update_organisation(
            boss,
            company.id,
            organisations.OrganisationChanges(
                reminder_hours=REMINDER_HOURS, escalation_hours=ESCALATION_HOURS
            ),
        )
        await _units(company, boss)
        await _members(company, boss, rng, tag)
        await _heads(company, boss, rng)
        for member in company.members.values():
            if member.email_mode is not EmailMode.IMMEDIATE:
                await preferences.set_email_mode(
                    await load_viewer(member.user_id), company.id, member.email_mode
                )
        hook = await webhooks.create_webhook(
            boss,
            company.id,
            url=webhook_url,
            event_types=WEBHOOK_EVENTS,
            allowed=RECEIVERS_ALLOWED,
        )
    return company, hook.secret


WEBHOOK_EVENTS = (
    "proposal.opened",
    "proposal.accepted",
    "proposal.rejected",
    "proposal.deadline_passed",
)


async def _units(company: Company, boss: Viewer) -> None:
    async def unit(name: str, parent: int | None, level: int) -> int:
        made = await organisations.create_unit(boss, company.id, name=name, parent_id=parent)
        company.units[made.id] = Unit(made.id, made.name, parent, level)
        return made.id

    board = await unit("Board", None, 1)
    for d in range(1, DIVISIONS + 1):
        division = await unit(f"Division {d}", board, 2)
        for p in range(1, DEPARTMENTS + 1):
            department = await unit(f"Department {d}.{p}", division, 3)
            for t in range(1, TEAMS + 1):
                await unit(f"Team {d}.{p}.{t}", department, 4)


async def _members(company: Company, boss: Viewer, rng: random.Random, tag: str) -> None:
    """The admin sits on the board; two to four people in every unit above the teams, the rest
    spread over the teams, and consultants in no unit."""
    seats: list[int | None] = [None] * CONSULTANTS
    for unit in company.units.values():
        if unit.level < 4:
            seats += [unit.id] * rng.randint(2, 4)
    teams = [u.id for u in company.teams()]
    while len(seats) < MEMBERS - 1:
        seats.append(rng.choice(teams))
    board = next(u.id for u in company.units.values() if u.level == 1)
    membership = boss.member_of(company.id)
    assert membership is not None
    await organisations.update_member(
        boss, membership.membership_id, organisations.MembershipChanges(unit_id=board, weight=2)
    )
    company.members[company.admin] = Member(
        company.admin,
        f"admin-{tag}@sim.example",
        board,
        Role.ADMIN,
        2,
        Language.EN,
        EmailMode.IMMEDIATE,
    )
    modes, odds = list(EMAIL_MODES), list(EMAIL_MODES.values())
    for n, unit_id in enumerate(seats, start=1):
        email = f"p{n}-{tag}@sim.example"
        level = company.units[unit_id].level if unit_id else 5
        member = Member(
            user_id=0,
            email=email,
            unit=unit_id,
            role=Role.OBSERVER if n % (MEMBERS // OBSERVERS) == 0 and level == 4 else Role.MEMBER,
            weight=2 if level <= 2 else 1,
            language=Language.ES if rng.random() < 0.7 else Language.EN,
            email_mode=rng.choices(modes, odds)[0],
        )
        membership = await organisations.add_member(
            boss,
            company.id,
            email=email,
            name=f"Person {n}",
            language=member.language,
            unit_id=unit_id,
            role=member.role,
            external=unit_id is None,
            weight=member.weight,
        )
        company.members[membership.user_id] = replace(member, user_id=membership.user_id)


async def _heads(company: Company, boss: Viewer, rng: random.Random) -> None:
    """The admin heads the board; a member of each division and department heads it, and of
    two teams in three."""
    for unit in list(company.units.values()):
        if unit.level == 4 and unit.name.endswith(f".{TEAMS}"):
            continue  # the last team of each department has no head
        inside = [m.user_id for m in company.members.values() if m.unit == unit.id and m.writes]
        head = company.admin if unit.level == 1 else rng.choice(inside)
        await organisations.update_unit(boss, unit.id, organisations.UnitChanges(head_id=head))
        company.units[unit.id] = replace(unit, head=head)


def unit_mention(unit: Unit) -> str:
    return "@" + unit_handle(unit.name)
