"""What one person may do on one proposal: one answer, for the services and for the forms.

Each action needs a list of requirements, in the order the services have always checked them
(``REQUIREMENTS``). A requirement is one of the existing rules (``permissions``, ``lifecycle``,
``rules``, ``validation``): it raises the refusal the API returns. ``ensure_able`` raises the
first refusal, and the services call it; ``abilities_in`` asks every action at once, and
``Proposal.viewerCan`` shows it. So the page's forms and the mutations read one rule.

Requirements that depend on the request's input (a reason, a stance's words, which argument is
answered, whom a participant change is about, a version to revise from) are not abilities:
the service still checks those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from actas.api.domain import validation
from actas.api.domain.electorate import Electorate, ensure_may_block
from actas.api.domain.errors import DomainError, ValidationFailed
from actas.api.domain.lifecycle import (
    TRANSITIONS,
    Action,
    ensure_before_deadline,
    ensure_editable,
    ensure_open,
    transition,
)
from actas.api.domain.permissions import (
    ProposalActor,
    ensure_may_edit_proposal,
    ensure_may_follow_through,
    ensure_may_take_position,
    ensure_may_transition,
    ensure_may_write,
)
from actas.api.domain.rules import Tally, check_outcome_allowed
from actas.api.domain.vocabulary import ProposalState, RuleKind, TokenScope


class Ability(StrEnum):
    ARGUE = "argue"
    REPLY = "reply"
    TAKE_POSITION = "take_position"
    BLOCK = "block"
    EDIT = "edit"
    REVISE = "revise"
    CHANGE_PARTICIPANTS = "change_participants"
    LINK = "link"
    OPEN = "open"
    WITHDRAW = "withdraw"
    ABANDON = "abandon"
    ACCEPT = "accept"
    REJECT = "reject"
    ADD_FOLLOW_UP = "add_follow_up"
    RECORD_OUTCOME = "record_outcome"


@dataclass(frozen=True)
class ProposalAbilities:
    """One boolean per ``Ability``: whether the person may do it on the proposal now."""

    argue: bool = False
    reply: bool = False
    take_position: bool = False
    block: bool = False
    edit: bool = False
    revise: bool = False
    change_participants: bool = False
    link: bool = False
    open: bool = False
    withdraw: bool = False
    abandon: bool = False
    accept: bool = False
    reject: bool = False
    add_follow_up: bool = False
    record_outcome: bool = False

    def allows(self, ability: Ability) -> bool:
        allowed: bool = getattr(self, ability.value)
        return allowed


NOTHING = ProposalAbilities()  # what someone who cannot see the proposal may do on it


class ProposalRow(Protocol):
    """What the abilities read of a stored proposal (a model instance, or any row like it)."""

    @property
    def state(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def deadline(self) -> datetime | None: ...


@dataclass(frozen=True)
class Situation:
    """One person before one proposal they can see: everything their abilities depend on."""

    actor: ProposalActor
    scope: TokenScope
    state: ProposalState
    rule: RuleKind
    deadline: datetime | None
    now: datetime
    has_decider: bool = False  # a decider is named (the decider rule opens only with one)
    # The tally as read now, for accepting and rejecting; None leaves it to the caller (closing
    # judges the tally it freezes, after checking the statement).
    tally: Tally | None = None
    # Who votes, for blocking under consent; None leaves it to the caller.
    electorate: Electorate | None = None
    owns_follow_up: bool = False
    outcome_recorded: bool = False

    @classmethod
    def of(
        cls,
        actor: ProposalActor,
        scope: TokenScope,
        proposal: ProposalRow,
        *,
        now: datetime,
        has_decider: bool = False,
        tally: Tally | None = None,
        electorate: Electorate | None = None,
        owns_follow_up: bool = False,
        outcome_recorded: bool = False,
    ) -> Situation:
        return cls(
            actor=actor,
            scope=scope,
            state=ProposalState(proposal.state),
            rule=RuleKind(proposal.rule),
            deadline=proposal.deadline,
            now=now,
            has_decider=has_decider,
            tally=tally,
            electorate=electorate,
            owns_follow_up=owns_follow_up,
            outcome_recorded=outcome_recorded,
        )


Requirement = Callable[[Situation], None]  # raises the refusal when unmet


def _writes(s: Situation) -> None:
    ensure_may_write(s.scope, s.actor.member)


def _while_open(what: str) -> Requirement:
    return lambda s: ensure_open(s.state, what)


def _while_editable(what: str) -> Requirement:
    return lambda s: ensure_editable(s.state, what)


def _edits(s: Situation) -> None:
    ensure_may_edit_proposal(s.actor)


def _takes_positions(s: Situation) -> None:
    ensure_may_take_position(s.actor)


def _in_time(s: Situation) -> None:
    ensure_before_deadline(s.deadline, now=s.now)


def _blocks(s: Situation) -> None:
    if s.rule is RuleKind.CONSENT and s.electorate is not None:
        ensure_may_block(s.electorate, s.actor.user_id)


def _edge(action: Action) -> Requirement:
    def check(s: Situation) -> None:
        if (s.state, action) not in TRANSITIONS:
            transition(s.state, action, None)  # raises the lifecycle's own refusal

    return check


def _permitted(action: Action) -> Requirement:
    return lambda s: ensure_may_transition(s.actor, action, s.rule)


def _decider_named(s: Situation) -> None:
    if s.rule is RuleKind.DECIDER and not s.has_decider:
        raise ValidationFailed(
            "Under the decider rule a proposal needs at least one decider before it opens.",
            field="participants",
        )


def _deadline_ahead(s: Situation) -> None:
    validation.future(s.deadline, now=s.now, field="deadline")


def _rule_allows(outcome: ProposalState) -> Requirement:
    def check(s: Situation) -> None:
        if s.tally is not None:
            check_outcome_allowed(s.tally, outcome, decided_by=s.actor.user_id)

    return check


def _accepted(s: Situation) -> None:
    if s.state is not ProposalState.ACCEPTED:
        raise ValidationFailed("Only an accepted decision is followed through.", field="proposal")


def _follows_through(s: Situation) -> None:
    ensure_may_follow_through(s.actor)


def _follows_through_or_owns(s: Situation) -> None:
    if not s.owns_follow_up:
        ensure_may_follow_through(s.actor)


def _outcome_unrecorded(s: Situation) -> None:
    if s.outcome_recorded:
        raise ValidationFailed("The outcome is already recorded.", field="proposal")


def _closing(action: Action) -> tuple[Requirement, ...]:
    return (_writes, _edge(action), _permitted(action))


_POSITION = (_writes, _while_open("taking a position"), _takes_positions, _in_time)

REQUIREMENTS: dict[Ability, tuple[Requirement, ...]] = {
    Ability.ARGUE: (_writes, _while_open("arguing")),
    Ability.REPLY: (_writes, _while_open("arguing")),
    Ability.TAKE_POSITION: _POSITION,
    Ability.BLOCK: (*_POSITION, _blocks),
    Ability.EDIT: (_writes, _while_editable("changing it"), _edits),
    Ability.REVISE: (_writes, _while_editable("revising it"), _edits),
    Ability.CHANGE_PARTICIPANTS: (_writes, _while_editable("changing its participants"), _edits),
    Ability.LINK: (_writes, _while_editable("linking it"), _edits),
    Ability.OPEN: (*_closing(Action.OPEN), _decider_named, _deadline_ahead),
    Ability.WITHDRAW: _closing(Action.WITHDRAW),
    Ability.ABANDON: _closing(Action.ABANDON),
    Ability.ACCEPT: (*_closing(Action.ACCEPT), _rule_allows(ProposalState.ACCEPTED)),
    Ability.REJECT: (*_closing(Action.REJECT), _rule_allows(ProposalState.REJECTED)),
    Ability.ADD_FOLLOW_UP: (_writes, _accepted, _follows_through),
    Ability.RECORD_OUTCOME: (_writes, _accepted, _follows_through_or_owns, _outcome_unrecorded),
}


def refusal(ability: Ability, situation: Situation) -> DomainError | None:
    """The first unmet requirement's refusal, or None when ``ability`` is allowed."""
    try:
        ensure_able(ability, situation)
    except DomainError as refused:
        return refused
    return None


def ensure_able(ability: Ability, situation: Situation) -> None:
    """Raise the refusal the API returns when ``situation`` does not allow ``ability``."""
    for requirement in REQUIREMENTS[ability]:
        requirement(situation)


def ensure_may_speak_for_others(situation: Situation) -> None:
    """Taking a position for someone else needs what taking one's own needs of the proposal
    (a writer, while it is open, before the deadline); whom for is the electorate's answer
    (``Electorate.cast_by``), so it is no ability of its own."""
    for requirement in (_writes, _while_open("taking a position"), _in_time):
        requirement(situation)


def abilities_in(situation: Situation) -> ProposalAbilities:
    """Everything the person may do on the proposal now."""
    return ProposalAbilities(
        **{ability.value: refusal(ability, situation) is None for ability in Ability}
    )
