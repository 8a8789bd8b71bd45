"""Loading the demo organisation (``actas demo``) through the public services, in time order.

Nothing here writes a table: every change is a service call, so the demo's record is as genuine
and verifiable as any other. Each call runs under ``clock.frozen_at`` at its own moment in the
past, and the actions of all proposals run sorted by that moment, so the event log's sequence
follows time. Past days are squeezed into office hours: nobody at the demo's retailer argues at
3 a.m. The whole load is one transaction (each service's own becomes a savepoint): the demo
lands complete or not at all, and loading it again only summarises what is already there.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from typing import Any

from actas.api import clock
from actas.api.db import write_transaction
from actas.api.demo import data
from actas.api.domain.errors import DomainError
from actas.api.domain.validation import Impact
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import (
    EmailMode,
    Language,
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import Argument, Membership, Organisation, Position, Proposal, Unit, User
from actas.api.services import debate, inbox, organisations, preferences, proposals
from actas.api.services.access import load_viewer
from actas.api.services.users import find_or_create_user, set_instance_admin

DAY = timedelta(days=1)
SETUP_LEAD = 14 * DAY  # the organisation is set up this long before its first proposal
SETUP_STEP = timedelta(minutes=2)  # between two set-up actions
LINK_DELAY = timedelta(minutes=10)  # a new proposal is linked to older ones soon after drafting
OPEN_DELAY = timedelta(hours=2)  # and opened a little later
EMAIL_SINCE = 21 * DAY  # how long ago the demo's people turned email on
# Office hours in Spain's standard time: a fixed offset needs no time zone database, which a
# newcomer's machine may lack.
OFFICE_ZONE = timezone(timedelta(hours=1), "CET")
OFFICE_OPENS, OFFICE_HOURS = timedelta(hours=8, minutes=30), 11

Item = dict[str, Any]  # a person, proposal or step of the demo data
Run = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class DemoSummary:
    organisation_slug: str
    people: int
    units: int
    proposals_by_state: Mapping[ProposalState, int]  # every state, zero included
    arguments: int
    positions: int  # current positions (earlier changes of mind are kept, not counted)
    token_user_id: int  # the director: an admin who also decides; the CLI prints their token
    loaded_now: bool  # False when the demo was already there

    @property
    def proposals(self) -> int:
        return sum(self.proposals_by_state.values())


class DemoLoadFailed(Exception):
    """The domain refused an action of the demo data: the data is wrong, or the domain is."""

    def __init__(self, action: str, error: DomainError) -> None:
        super().__init__(f"{action}: {error.message}")
        self.action = action
        self.error = error


async def load_demo(*, now: datetime | None = None) -> DemoSummary:
    """Load the demo organisation as if it had been in use for months up to ``now`` (default:
    the clock's now); if it already exists, load nothing and summarise what is there."""
    now = now or clock.now()
    if now.tzinfo is None:
        raise ValueError("load_demo needs an aware datetime")
    async with write_transaction(None):
        if not await Organisation.exists(slug=data.ORGANISATION["slug"]):
            await _DemoLoader(now).load()
            return await demo_summary(loaded_now=True)
    return await demo_summary(loaded_now=False)


async def demo_summary(*, loaded_now: bool = False) -> DemoSummary:
    """What the demo organisation holds (raises ``DoesNotExist`` if it was never loaded)."""
    organisation = await Organisation.get(slug=data.ORGANISATION["slug"])
    of_demo = {"organisation_id": organisation.id}
    states = Counter(
        ProposalState(row["state"]) for row in await Proposal.filter(**of_demo).values("state")
    )
    director = await User.get(email=_director()["email"])
    return DemoSummary(
        organisation_slug=organisation.slug,
        people=await Membership.filter(**of_demo).count(),
        units=await Unit.filter(**of_demo).count(),
        proposals_by_state={state: states[state] for state in ProposalState},
        arguments=await Argument.filter(**of_demo).count(),
        positions=await Position.filter(**of_demo).count(),
        token_user_id=director.id,
        loaded_now=loaded_now,
    )


def _director() -> Item:
    """The head of the root unit: the organisation's creator, first admin and token holder."""
    root = next(unit for unit in data.UNITS if unit["parent"] is None)
    director = next(person for person in data.PEOPLE if person["key"] == root["head"])
    if director["role"] != Role.ADMIN:
        raise ValueError("The demo's director (head of the root unit) must be an admin.")
    return director


@dataclass(frozen=True, order=True)
class _Action:
    at: datetime
    order: int  # ties keep the order the plan was built in
    label: str = field(compare=False)
    run: Run = field(compare=False)


class _DemoLoader:
    """Turns the demo data into service calls; remembers the ids they create, by data key."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.organisation_id = 0
        self.users: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self.viewers: dict[str, Viewer] = {}
        self.proposals: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self.arguments: dict[tuple[str, str], int] = {}

    async def load(self) -> None:
        first_proposal = self.now - DAY * max(p["start_days_ago"] for p in data.PROPOSALS)
        try:
            await self._set_up(first_proposal - SETUP_LEAD)
        except DomainError as error:
            raise DemoLoadFailed("organisation set-up", error) from error
        for action in sorted(self._plan()):
            with clock.frozen_at(self._in_office_hours(action.at)):
                try:
                    await action.run()
                except DomainError as error:
                    raise DemoLoadFailed(action.label, error) from error

    async def _set_up(self, start: datetime) -> None:
        """Create the organisation as its director, then its units, members and unit heads."""
        director = _director()
        moments = (self._in_office_hours(start + SETUP_STEP * n) for n in itertools.count())
        with clock.frozen_at(next(moments)):
            user = await find_or_create_user(
                director["email"], name=director["name"], language=Language(director["language"])
            )
            # She runs the demo's instance: she may create organisations in production mode too.
            await set_instance_admin(director["email"])
            organisation = await organisations.create_organisation(
                await load_viewer(user.id),
                slug=data.ORGANISATION["slug"],
                name=data.ORGANISATION["name"],
                language=Language(data.ORGANISATION["language"]),
                default_rule=RuleKind(data.ORGANISATION["default_rule"]),
            )
        self.organisation_id, self.users[director["key"]] = organisation.id, user.id
        admin = await load_viewer(user.id)
        for unit in data.UNITS:  # parents are listed before their children
            with clock.frozen_at(next(moments)):
                created = await organisations.create_unit(
                    admin,
                    organisation.id,
                    name=unit["name"],
                    parent_id=self.units[unit["parent"]] if unit["parent"] else None,
                )
            self.units[unit["key"]] = created.id
        for person in data.PEOPLE:
            if person is director:
                continue
            with clock.frozen_at(next(moments)):
                membership = await organisations.add_member(
                    admin,
                    organisation.id,
                    email=person["email"],
                    name=person["name"],
                    language=Language(person["language"]),
                    unit_id=self.units[person["unit"]],
                    title=person["title"],
                    role=Role(person["role"]),
                    external=person["external"],
                    weight=person["weight"],
                )
            self.users[person["key"]] = membership.user_id
        own = await Membership.get(organisation_id=organisation.id, user_id=user.id)
        with clock.frozen_at(next(moments)):
            await organisations.update_member(
                admin,
                own.id,
                organisations.MembershipChanges(
                    unit_id=self.units[director["unit"]],
                    title=director["title"],
                    external=director["external"],
                    weight=director["weight"],
                ),
            )
        for unit in data.UNITS:
            head = organisations.UnitChanges(head_id=self.users[unit["head"]])
            with clock.frozen_at(next(moments)):
                await organisations.update_unit(admin, self.units[unit["key"]], head)
        # Memberships and units never change after this, so neither does anyone's viewer.
        for key, user_id in self.users.items():
            self.viewers[key] = await load_viewer(user_id)
            # No email for the months of history (in-app notifications stay): see ``_plan``.
            await preferences.set_email_mode(self.viewers[key], self.organisation_id, EmailMode.OFF)

    def _plan(self) -> list[_Action]:
        """Every timed action of every proposal, and the links between them."""
        timed: list[tuple[datetime, str, Run]] = []
        starts = {
            p["key"]: self._days_ago(p["start_days_ago"], p["key"], "start") for p in data.PROPOSALS
        }
        for p in data.PROPOSALS:
            timed.extend(self._proposal_plan(p, starts[p["key"]]))
        for source, target, kind in _links():
            # A supersedes link is made from the newer proposal; so is a related one, as the
            # older may be closed by then and a link changes its source, which must be editable.
            if kind is LinkKind.RELATED and starts[source] < starts[target]:
                source, target = target, source
            label = f"link {source} {kind.value} {target}"
            timed.append(
                (starts[source] + LINK_DELAY, label, partial(self._link, source, target, kind))
            )
        # Everyone caught up with their notifications a few days ago; what came since is unread.
        caught_up = self._in_office_hours(self.now - DAY * 3)
        for key in self.users:
            run = partial(inbox.mark_all_read, self.viewers[key])
            timed.append((caught_up, f"{key} reads their notifications", run))
        # Everyone turned email on three weeks ago: a mailbox holds what came since (their welcome,
        # still queued, and the invitations to the proposals opened since), not months of history.
        # The addresses are fictional; `actas demo` sends to its own mail catcher.
        email_on = self._in_office_hours(self.now - EMAIL_SINCE)
        for key in self.users:
            on = (self.viewers[key], self.organisation_id, EmailMode.IMMEDIATE)
            timed.append(
                (email_on, f"{key} turns email on", partial(preferences.set_email_mode, *on))
            )
        return [_Action(at, n, label, run) for n, (at, label, run) in enumerate(timed)]

    def _proposal_plan(self, p: Item, start: datetime) -> list[tuple[datetime, str, Run]]:
        """Drafted at its start, opened soon after, its steps spread evenly over its span, then
        closed at the end of the span. Drafts stay drafts; some are withdrawn before opening."""
        key, state = p["key"], ProposalState(p["state"])
        end = max(
            self._days_ago(p["start_days_ago"] - p["span_days"], key, "end"), start + 2 * OPEN_DELAY
        )
        plan: list[tuple[datetime, str, Run]] = [
            (start, f"proposal {key}: draft", partial(self._draft, p, start))
        ]
        if state is ProposalState.DRAFT:
            return plan
        if p.get("withdrawn_from") != ProposalState.DRAFT:
            opened = start + OPEN_DELAY
            plan.append((opened, f"proposal {key}: open", partial(self._open, p)))
            gap = (end - opened) / (len(p["steps"]) + 1)
            for n, step in enumerate(p["steps"]):
                at = opened + gap * (n + 1)
                plan.append((at, f"proposal {key}: step {n}", partial(self._step, p, step)))
        if state is not ProposalState.OPEN:
            plan.append((end, f"proposal {key}: {state.value}", partial(self._close, p)))
        return plan

    def _days_ago(self, days: int, key: str, what: str) -> datetime:
        """``days`` days before now, less a fraction of a day that depends on the proposal and on
        ``what`` happens then, so that proposals do not all start and close at the same hour."""
        digest = hashlib.sha256(f"{key}/{what}".encode()).digest()
        return self.now - DAY * (days + int.from_bytes(digest[:4]) / 2**32)

    def _in_office_hours(self, moment: datetime) -> datetime:
        """Squeeze the 24 hours of ``moment``'s day into that day's office hours. Order is kept,
        so the plan's order stands; today's moments stay as they are, so none passes ``now``."""
        local = moment.astimezone(OFFICE_ZONE)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if midnight.date() == self.now.astimezone(OFFICE_ZONE).date():
            return moment
        return (midnight + OFFICE_OPENS + (local - midnight) * OFFICE_HOURS / 24).astimezone(UTC)

    async def _draft(self, p: Item, start: datetime) -> None:
        impact = p["impact"] or {}
        by = (start + DAY * impact["by_days"]).date() if impact else None
        draft = proposals.ProposalDraft(
            title=p["title"],
            summary=p["summary"],
            body=p["body"],
            unit_id=self.units[p["unit"]],
            visibility=Visibility(p["visibility"]),
            impact=Impact(impact.get("metric"), impact.get("baseline"), impact.get("target"), by),
            tags=p["tags"],
            deadline=self._in_office_hours(start + DAY * p["deadline_days"]),
            rule=RuleKind(p["rule"]),
            participants={self.users[k]: ParticipantRole(r) for k, r in p["participants"].items()},
        )
        proposal = await proposals.draft_proposal(
            self.viewers[p["author"]], self.organisation_id, draft
        )
        self.proposals[p["key"]], self.versions[p["key"]] = proposal.id, proposal.version

    async def _link(self, source: str, target: str, kind: LinkKind) -> None:
        author = next(p["author"] for p in data.PROPOSALS if p["key"] == source)
        await proposals.link_proposals(
            self.viewers[author], self.proposals[source], self.proposals[target], kind
        )

    async def _open(self, p: Item) -> None:
        await proposals.open_proposal(self.viewers[p["author"]], self.proposals[p["key"]])

    async def _step(self, p: Item, step: Item) -> None:
        key = p["key"]
        viewer, proposal_id = self.viewers[step["by"]], self.proposals[key]
        if "argue" in step:
            argument = await debate.add_argument(
                viewer,
                proposal_id,
                stance=Stance(step["stance"]),
                body=step["body"],
                parent_id=self.arguments[key, step["reply_to"]] if step["reply_to"] else None,
            )
            self.arguments[key, step["argue"]] = argument.id
        elif "revise" in step:
            revised = await proposals.revise_proposal(
                viewer,
                proposal_id,
                expected_version=self.versions[key],
                change_note=step["note"],
                **step["revise"],
            )
            self.versions[key] = revised.version
        elif "edit" in step:
            stance = Stance(step["stance"]) if "stance" in step else None
            await debate.edit_argument(
                viewer, self.arguments[key, step["edit"]], body=step["body"], stance=stance
            )
        else:
            await debate.take_position(
                viewer,
                proposal_id,
                stance=PositionStance(step["position"]),
                reason=step.get("reason", ""),
            )

    async def _close(self, p: Item) -> None:
        close, state = p["close"], ProposalState(p["state"])
        viewer, proposal_id = self.viewers[close["by"]], self.proposals[p["key"]]
        if state is ProposalState.WITHDRAWN:
            await proposals.withdraw_proposal(viewer, proposal_id, close["statement"])
        elif state is ProposalState.ABANDONED:
            await proposals.abandon_proposal(viewer, proposal_id, close["statement"])
        else:
            await proposals.decide_proposal(
                viewer,
                proposal_id,
                outcome=state,
                statement=close["statement"],
                cited_argument_ids=[self.arguments[p["key"], c] for c in close["cites"]],
            )


def _links() -> list[tuple[str, str, LinkKind]]:
    """(source, target, kind) as the data states them."""
    links = []
    for p in data.PROPOSALS:
        if p.get("supersedes"):
            links.append((p["key"], p["supersedes"], LinkKind.SUPERSEDES))
        links.extend((p["key"], other, LinkKind.RELATED) for other in p.get("related", ()))
    return links
