"""Who is away during the month, drawn once from a seeded ``random.Random`` of its own (so the
rest of the month is drawn exactly as without absences), and the simulation's own reading of
who speaks for them (the oracle's, never ``domain.absences``).

About one member in ten is away a week or two, most of them a voice on a proposal open
meanwhile. Half name delegates: for the whole organisation, one unit's proposals, or one
proposal (now and then with an organisation-wide one beside it, which the narrower beats).
Some absences are recorded by the member as they leave or days ahead, some by their head once
they have gone. While away a member does nothing planned; a few delegates take the position of
the member they speak for (now and then the member then speaks for themself from afar, and the
delegate, trying again, is refused); a few deciders or the admin record a proxy position with a
note saying where the member said it.

A handful more are only announced by their mailbox: an out-of-office reply to an invitation,
saying until when (or not). actas takes them for *probably away* from its arrival until the end
of that day (a fortnight, if it gives none) or until they next act; one of them was already
recorded away, which the reply does not change. Nobody relies on them (as delegate or proxy).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date

from actas.api.domain.vocabulary import CastBy, DelegationScope, EmailMode, Language, PositionStance
from tests.simulation.company import Company
from tests.simulation.plan import DAY, HOUR, MINUTE, STANCES, Plan

AWAY = 50  # one member in ten
DELEGATED = 0.5
BY_HEAD = 0.3
# Absences are recorded at 17 s past a minute, positions for others at 23 s: nothing else in the
# month happens off the minute, so every "before" and "after" the oracle asks about is strict.
RECORDING_SECONDS, SPEAKING_SECONDS = timedelta(seconds=17), timedelta(seconds=23)
REPLY_SECONDS = timedelta(seconds=41)
AUTO_REPLIES = 5  # the last while a recorded absence covers its writer
UNDATED = timedelta(days=14)  # how long a reply that gives no date is taken to mean
PROXY_NOTE = "Said so at Monday's meeting, before leaving."


@dataclass(frozen=True)
class PlannedDelegation:
    delegate: int
    scope: DelegationScope
    unit: int | None = None
    key: int | None = None  # the plan whose proposal it names

    def distance(self, plan: Plan, company: Company) -> int | None:
        """How narrowly it covers the plan's proposal (0: it names it), or None."""
        if self.scope is DelegationScope.PROPOSAL:
            return 0 if self.key == plan.key else None
        if self.scope is DelegationScope.UNIT:
            lineage = list(company.lineage(plan.unit))
            return 1 + lineage.index(self.unit) if self.unit in lineage else None
        return len(company.units) + 1


@dataclass(frozen=True)
class PlannedAbsence:
    user: int
    starts: datetime
    ends: datetime
    recorded_at: datetime
    recorder: int
    delegations: tuple[PlannedDelegation, ...] = ()
    # Probably away (an automatic reply said so): ``until`` is the end it said, ``ends`` the
    # moment they acted, if earlier.
    probable: bool = False
    until: datetime | None = None

    @property
    def told_until(self) -> datetime:
        """Until when actas is told they are away (what it tells others)."""
        return self.until or self.ends

    def covers(self, at: datetime) -> bool:
        return self.starts <= at < self.ends

    @property
    def alerts_at(self) -> datetime:
        """The moment actas asks and tells about it on recording: now, or when it begins."""
        return max(self.recorded_at, self.starts)

    def named_for(self, plan: Plan, company: Company) -> int | None:
        """The delegate the narrowest covering delegation names for the plan's proposal."""
        covering = [
            (distance, d.delegate)
            for d in self.delegations
            if (distance := d.distance(plan, company)) is not None
        ]
        return min(covering)[1] if covering else None


@dataclass(frozen=True)
class SpokenFor:
    """A position taken for ``member``: by their delegate, or a proxy with a note."""

    at: datetime
    key: int
    member: int
    caster: int
    stance: PositionStance
    cast_by: CastBy
    note: str = ""
    refused: bool = False  # the member has spoken for themself since: only they may change it


@dataclass(frozen=True)
class OwnWhileAway:
    """An absent member taking their own position from afar (after their delegate did)."""

    at: datetime
    key: int
    member: int
    stance: PositionStance


@dataclass(frozen=True)
class AutoReply:
    """An out-of-office reply from ``user``'s mailbox to the invitation to a plan's proposal."""

    user: int
    key: int
    at: datetime  # when it arrives
    back: date | None  # the last day away, as its text says; None: it gives no date
    language: Language

    @property
    def said_until(self) -> datetime:
        if self.back is None:
            return self.at + UNDATED
        return datetime.combine(self.back + timedelta(days=1), time(), tzinfo=UTC)

    def text(self) -> str:
        if self.language is Language.ES:
            if self.back is None:
                return "Estoy fuera de la oficina y apenas leo el correo."
            day = format_date(self.back, "d 'de' MMMM 'de' y", locale="es")
            return f"Estoy fuera de la oficina hasta el {day}, sin leer el correo."
        if self.back is None:
            return "I am out of the office, with little access to email."
        return f"I am out of the office until {format_date(self.back, 'd MMMM y', locale='en')}."


@dataclass
class Away:
    absences: dict[int, PlannedAbsence] = field(default_factory=dict)  # recorded, by user
    spoken_for: list[SpokenFor] = field(default_factory=list)
    own: list[OwnWhileAway] = field(default_factory=list)
    auto_replies: list[AutoReply] = field(default_factory=list)
    # Inferred from the replies once the month is lived (they end as their writer acts).
    probable: dict[int, PlannedAbsence] = field(default_factory=dict)

    def is_away(self, user: int, at: datetime) -> bool:
        return any(
            absence.covers(at)
            for absence in (self.absences.get(user), self.probable.get(user))
            if absence is not None
        )

    @property
    def repliers(self) -> set[int]:
        return {reply.user for reply in self.auto_replies}

    def delegate_for(self, company: Company, plan: Plan, user: int, at: datetime) -> int | None:
        """Who speaks for ``user``, away at ``at``, on the plan's proposal: the delegate the
        narrowest delegation names, unless they are away too or may not vote on it (no chains);
        nobody for someone only probably away."""
        absence = self.absences.get(user)
        if absence is None or not absence.covers(at):
            return None
        named = absence.named_for(plan, company)
        usable = (
            named is not None
            and named != user
            and not self.is_away(named, at)
            and company.members[named].writes
            and named in plan.audience
        )
        return named if usable else None

    def asked_for(self, company: Company, plan: Plan, user: int, at: datetime) -> int | None:
        """Who is chased for ``user``'s voice at ``at``: themself, or while away their delegate
        (None: nobody speaks for them)."""
        if not self.is_away(user, at):
            return user
        return self.delegate_for(company, plan, user, at)


def plan_away(seed: int, company: Company, plans: list[Plan], start: datetime) -> Away:
    rng = random.Random(seed)
    away = Away()
    _auto_replies(rng, company, plans, away)
    while len(away.absences) < AWAY:
        plan = rng.choice(plans)
        taken = away.absences.keys() | away.repliers | {company.admin}
        free = [v for v in plan.voices if v not in taken]
        if free:
            user = rng.choice(free)
            away.absences[user] = _absence(rng, company, plans, plan, user, start, away)
    for plan in plans:
        for user in plan.voices:
            if user in away.absences:
                _speak_for(rng, company, plan, user, away)
    _auto_reply_while_recorded_away(company, plans, away)
    return away


def _auto_replies(rng: random.Random, company: Company, plans: list[Plan], away: Away) -> None:
    """Voices who read email at once answer an invitation automatically, a few hours after it
    went; one reply gives no date."""
    for plan in rng.sample(plans, len(plans)):
        if len(away.auto_replies) == AUTO_REPLIES - 1:
            return
        mailed = [v for v in plan.voices if _mailed(company, v) and v not in away.repliers]
        if mailed:
            user = rng.choice(mailed)
            at = (plan.opens + 3 * HOUR + rng.randint(0, 120) * MINUTE) + REPLY_SECONDS
            back = at.date() + rng.randint(4, 12) * DAY if away.auto_replies else None
            language = company.members[user].language
            away.auto_replies.append(AutoReply(user, plan.key, at, back, language))


def _auto_reply_while_recorded_away(company: Company, plans: list[Plan], away: Away) -> None:
    """Someone recorded away whose mailbox answers too: actas infers nothing more."""
    for plan in plans:
        for user in plan.voices:
            absence = away.absences.get(user)
            if absence and _mailed(company, user) and user not in away.repliers:
                at = plan.opens + 3 * HOUR + REPLY_SECONDS
                if absence.recorded_at < plan.opens and at < absence.ends - HOUR:
                    back = absence.ends.date()
                    language = company.members[user].language
                    away.auto_replies.append(AutoReply(user, plan.key, at, back, language))
                    return


def _mailed(company: Company, user: int) -> bool:
    member = company.members[user]
    return member.email_mode is EmailMode.IMMEDIATE and member.writes and user != company.admin


def _absence(
    rng: random.Random,
    company: Company,
    plans: list[Plan],
    plan: Plan,
    user: int,
    start: datetime,
    away: Away,
) -> PlannedAbsence:
    """Away from around the plan's opening, a week or two; recorded by the member (as they
    leave, or up to three days ahead) or, once they have gone, by a head above them."""
    starts = max(start + 3 * HOUR, plan.opens + rng.randint(-3 * 24 * 60, 3 * 24 * 60) * MINUTE)
    ends = starts + rng.randint(7 * 24, 14 * 24) * HOUR
    heads = sorted(company.heads_above(u) - {user}) if (u := company.members[user].unit) else []
    if heads and rng.random() < BY_HEAD:
        recorder = rng.choice(heads)
        recorded_at = starts + rng.randint(30, 20 * 60) * MINUTE
    else:
        recorder = user
        ahead = rng.choice([0, 0, 1, 2, 3]) * DAY + rng.randint(0, 600) * MINUTE
        recorded_at = max(start + 2 * HOUR, starts - ahead)
    recorded_at = recorded_at.replace(second=0) + RECORDING_SECONDS
    delegations: tuple[PlannedDelegation, ...] = ()
    if rng.random() < DELEGATED:
        exclude = {user, recorder, company.admin, *away.repliers}
        delegations = _delegations(
            rng, company, plans, plan, user, recorder, recorded_at, exclude=exclude
        )
    return PlannedAbsence(user, starts, ends, recorded_at, recorder, delegations)


def _delegations(
    rng: random.Random,
    company: Company,
    plans: list[Plan],
    plan: Plan,
    user: int,
    recorder: int,
    recorded_at: datetime,
    *,
    exclude: set[int],
) -> tuple[PlannedDelegation, ...]:
    """For the organisation, a unit's proposals, or one proposal (already open, and seen by
    whoever records it), sometimes with an organisation-wide delegate for the rest."""
    pool = _colleagues(company, user, exclude=exclude)
    first, second = rng.sample(pool, 2)
    kind = rng.choice(["organisation", "unit", "proposal", "proposal and organisation"])
    if kind.startswith("proposal"):
        named = [
            p
            for p in plans
            if user in p.voices and p.opens < recorded_at < p.deadline and recorder in p.audience
        ]
        if not named:
            kind = "unit"
        else:
            picked = PlannedDelegation(first, DelegationScope.PROPOSAL, key=rng.choice(named).key)
            if kind == "proposal":
                return (picked,)
            return (picked, PlannedDelegation(second, DelegationScope.ORGANISATION))
    if kind == "unit":
        unit = plan.unit if plan.unit is not None else company.members[user].unit
        if unit is not None:
            return (PlannedDelegation(first, DelegationScope.UNIT, unit=unit),)
    return (PlannedDelegation(first, DelegationScope.ORGANISATION),)


def _colleagues(company: Company, user: int, *, exclude: set[int]) -> list[int]:
    """Writers of the member's department (everyone's, for someone in no unit)."""
    lineage = list(company.lineage(company.members[user].unit))
    department = lineage[-3] if len(lineage) >= 3 else None
    near = [
        m.user_id
        for m in company.members.values()
        if m.writes
        and m.user_id not in exclude
        and (department is None or company.in_subtree(m, department))
    ]
    return near if len(near) >= 2 else [u for u in company.members if u not in exclude]


def _speak_for(rng: random.Random, company: Company, plan: Plan, user: int, away: Away) -> None:
    """Perhaps a delegate (or, with nobody to speak for the member, a proxy) takes the absent
    member's position, if the member has not spoken before leaving."""
    absence = away.absences[user]
    earliest = max(plan.opens, absence.starts, absence.recorded_at) + 30 * MINUTE
    latest = min(absence.ends, plan.deadline) - HOUR
    if latest <= earliest or any(
        u == user and at < latest and not away.is_away(u, at) for at, u, _ in plan.positions
    ):
        return
    at = _moment(rng, earliest, latest)
    stance = _stance(rng, plan, user)
    delegate = away.delegate_for(company, plan, user, at)
    if delegate is not None and rng.random() < 0.5:
        away.spoken_for.append(SpokenFor(at, plan.key, user, delegate, stance, CastBy.DELEGATE))
        if rng.random() < 0.4 and latest - at > 2 * HOUR:
            own = _moment(rng, at + HOUR, latest)
            away.own.append(OwnWhileAway(own, plan.key, user, _stance(rng, plan, user)))
            if rng.random() < 0.6 and latest - own > HOUR:
                again = _moment(rng, own + 10 * MINUTE, latest)
                refused = SpokenFor(again, plan.key, user, delegate, stance, CastBy.DELEGATE)
                away.spoken_for.append(_refused(refused))
    elif delegate is None and rng.random() < 0.4:
        proxy = next(_proxies(company, plan, user, away, at), None)
        if proxy is not None:
            away.spoken_for.append(
                SpokenFor(at, plan.key, user, proxy, stance, CastBy.PROXY, PROXY_NOTE)
            )


def _refused(spoken: SpokenFor) -> SpokenFor:
    return SpokenFor(**{**spoken.__dict__, "refused": True})


def _proxies(company: Company, plan: Plan, user: int, away: Away, at: datetime) -> Iterable[int]:
    """Who may record what the member said: a decider there (not away), or the admin."""
    for candidate in [*plan.deciders, company.admin]:
        if candidate in away.repliers or candidate == user or candidate not in plan.audience:
            continue
        if not away.is_away(candidate, at):
            yield candidate


def _stance(rng: random.Random, plan: Plan, user: int) -> PositionStance:
    stance = rng.choices(list(STANCES), list(STANCES.values()))[0]
    blocks = stance is PositionStance.BLOCK
    return PositionStance.DISAGREE if blocks and not plan.may_block(user) else stance


def _moment(rng: random.Random, earliest: datetime, latest: datetime) -> datetime:
    minutes = max(0, int((latest - earliest) / MINUTE))
    return (earliest + rng.randint(0, minutes) * MINUTE).replace(second=0) + SPEAKING_SECONDS
