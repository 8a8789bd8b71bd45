"""The lifecycle as one table: every (state, action) pair, and who may take each action."""

from __future__ import annotations

import itertools

import pytest

from actas.api.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from actas.api.domain.lifecycle import (
    REASON_REQUIRED,
    TRANSITIONS,
    Action,
    ensure_editable,
    ensure_open,
    transition,
)
from actas.api.domain.permissions import ProposalActor, ensure_may_transition
from actas.api.domain.visibility import MemberScope
from actas.api.domain.vocabulary import ParticipantRole, ProposalState, Role, RuleKind

S, A = ProposalState, Action

# The issue's lifecycle, written out independently of ``TRANSITIONS``.
EXPECTED_EDGES = {
    (S.DRAFT, A.OPEN): S.OPEN,
    (S.DRAFT, A.WITHDRAW): S.WITHDRAWN,
    (S.OPEN, A.WITHDRAW): S.WITHDRAWN,
    (S.OPEN, A.ABANDON): S.ABANDONED,
    (S.OPEN, A.ACCEPT): S.ACCEPTED,
    (S.OPEN, A.REJECT): S.REJECTED,
}
EVERY_PAIR = list(itertools.product(ProposalState, Action))
CLOSED = [state for state in ProposalState if state.is_closed]


def test_the_table_is_exactly_the_issues_lifecycle() -> None:
    assert TRANSITIONS == EXPECTED_EDGES


def test_only_draft_and_open_are_not_closed() -> None:
    assert {state for state in ProposalState if not state.is_closed} == {S.DRAFT, S.OPEN}


@pytest.mark.parametrize(("state", "action"), EVERY_PAIR)
def test_every_state_and_action_is_either_an_edge_or_refused(
    state: ProposalState, action: Action
) -> None:
    if (state, action) in EXPECTED_EDGES:
        assert transition(state, action, "Because.") is EXPECTED_EDGES[state, action]
    else:
        with pytest.raises(InvalidTransition) as refused:
            transition(state, action, "Because.")
        assert refused.value.state == state.value
        assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize("state", CLOSED)
@pytest.mark.parametrize("action", list(Action))
def test_a_closed_proposal_says_it_never_changes_again(
    state: ProposalState, action: Action
) -> None:
    with pytest.raises(InvalidTransition, match="never changes again"):
        transition(state, action, "Because.")


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED_EDGES))
@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_closing_needs_a_reason_opening_does_not(
    state: ProposalState, action: Action, reason: str | None
) -> None:
    if action is A.OPEN:
        assert transition(state, action, reason) is S.OPEN
    else:
        with pytest.raises(ValidationFailed) as refused:
            transition(state, action, reason)
        assert refused.value.field == "reason"


def test_the_reason_rule_covers_every_closing_action() -> None:
    assert {A.WITHDRAW, A.ABANDON, A.ACCEPT, A.REJECT} == REASON_REQUIRED


def test_a_refused_edge_is_reported_before_a_missing_reason() -> None:
    with pytest.raises(InvalidTransition):
        transition(S.DRAFT, A.ACCEPT, None)


@pytest.mark.parametrize("state", list(ProposalState))
def test_only_drafts_and_open_proposals_are_editable(state: ProposalState) -> None:
    if state.is_closed:
        with pytest.raises(InvalidTransition, match="no longer possible"):
            ensure_editable(state, "revising it")
    else:
        ensure_editable(state, "revising it")


@pytest.mark.parametrize("state", list(ProposalState))
def test_the_debate_happens_only_while_open(state: ProposalState) -> None:
    if state is S.OPEN:
        ensure_open(state, "arguing")
    else:
        with pytest.raises(InvalidTransition, match="only possible while it is open"):
            ensure_open(state, "arguing")


# --- who may take each action (pure) -------------------------------------------------------------


def _actor(kind: str) -> ProposalActor:
    role = {"admin": Role.ADMIN}.get(kind, Role.MEMBER)
    member = MemberScope(
        organisation_id=1,
        membership_id=1,
        role=role,
        unit_id=None,
        weight=1,
        unit_audience=frozenset(),
    )
    participant = {
        "decider": ParticipantRole.DECIDER,
        "required": ParticipantRole.REQUIRED,
        "consulted": ParticipantRole.CONSULTED,
        "informed": ParticipantRole.INFORMED,
    }.get(kind)
    return ProposalActor(
        user_id=7, member=member, is_author=kind == "author", participant_role=participant
    )


ACTORS = ["author", "decider", "admin", "required", "consulted", "informed", "member"]
# Who may, per action and rule: the permissions module's docstring, written out.
MAY = {
    A.OPEN: {"author", "admin"},
    A.WITHDRAW: {"author"},
    A.ABANDON: {"decider", "admin"},
    A.ACCEPT: {"decider", "admin"},
    A.REJECT: {"decider", "admin"},
}


@pytest.mark.parametrize("rule", list(RuleKind))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("kind", ACTORS)
def test_ensure_may_transition_for_every_actor_action_and_rule(
    kind: str, action: Action, rule: RuleKind
) -> None:
    allowed = kind in MAY[action]
    if kind == "admin" and action in (A.ACCEPT, A.REJECT) and rule is RuleKind.DECIDER:
        allowed = False  # under the decider rule only the deciders decide
    if allowed:
        ensure_may_transition(_actor(kind), action, rule)
    else:
        with pytest.raises(Forbidden):
            ensure_may_transition(_actor(kind), action, rule)
