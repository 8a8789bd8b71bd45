"""A proposal's lifecycle: one transition table and one function that applies it.

    draft ──open──▶ open ──accept──▶ accepted
      │               ├───reject──▶ rejected
      │               ├──abandon──▶ abandoned
      └───withdraw────┴──withdraw─▶ withdrawn

Closed states are final. Who may take each action is decided in ``permissions``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from actas.api.catalogue import Message
from actas.api.domain.errors import InvalidTransition, ValidationFailed
from actas.api.domain.vocabulary import ProposalState

DRAFT, OPEN = ProposalState.DRAFT, ProposalState.OPEN


class Action(StrEnum):
    OPEN = "open"
    WITHDRAW = "withdraw"
    ABANDON = "abandon"
    ACCEPT = "accept"
    REJECT = "reject"


TRANSITIONS: dict[tuple[ProposalState, Action], ProposalState] = {
    (DRAFT, Action.OPEN): OPEN,
    (DRAFT, Action.WITHDRAW): ProposalState.WITHDRAWN,
    (OPEN, Action.WITHDRAW): ProposalState.WITHDRAWN,
    (OPEN, Action.ABANDON): ProposalState.ABANDONED,
    (OPEN, Action.ACCEPT): ProposalState.ACCEPTED,
    (OPEN, Action.REJECT): ProposalState.REJECTED,
}

# Closing a proposal always says why; opening may.
REASON_REQUIRED = frozenset({Action.WITHDRAW, Action.ABANDON, Action.ACCEPT, Action.REJECT})

OUTCOME_ACTIONS = {ProposalState.ACCEPTED: Action.ACCEPT, ProposalState.REJECTED: Action.REJECT}


def transition(state: ProposalState, action: Action, reason: str | None) -> ProposalState:
    """The state ``action`` leads to from ``state``; raises when the table has no such edge."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        if state.is_closed:
            raise InvalidTransition(
                f"The proposal is {state.value}; a closed proposal never changes again.",
                state=state.value,
            )
        raise InvalidTransition(
            f"A {state.value} proposal cannot {action.value}.", state=state.value
        )
    if action in REASON_REQUIRED and not (reason and reason.strip()):
        raise ValidationFailed(f"Say why: {action.value} needs a reason.", field="reason")
    return target


def ensure_editable(state: ProposalState, what: str) -> None:
    """Drafts and open proposals can change; closed ones are final."""
    if state.is_closed:
        raise InvalidTransition(
            f"The proposal is {state.value}; {what} is no longer possible.", state=state.value
        )


def ensure_open(state: ProposalState, what: str) -> None:
    if state is not OPEN:
        raise InvalidTransition(
            f"The proposal is {state.value}; {what} is only possible while it is open.",
            state=state.value,
            words=Message("error.not_open"),
        )


def deadline_passed(deadline: datetime | None, *, now: datetime) -> bool:
    return deadline is not None and deadline <= now


def ensure_before_deadline(deadline: datetime | None, *, now: datetime) -> None:
    """A passed deadline closes the vote: the rule decides, or the deciders, on what was said
    in time. Extending the deadline (author or admin) reopens it."""
    if deadline is not None and deadline_passed(deadline, now=now):
        raise InvalidTransition(
            f"The deadline passed on {deadline:%Y-%m-%d %H:%M} UTC: positions are closed. "
            "The author or an admin can extend the deadline.",
            state=OPEN.value,
            words=Message("error.deadline_passed"),
        )
