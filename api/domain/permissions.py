"""Who may do what. Seeing comes first (``visibility``); these rules apply to what one can see.
Which of them (and of ``lifecycle``'s) each action needs is one table, ``abilities.REQUIREMENTS``:
the services enforce it and ``Proposal.viewerCan`` reads it.

- Observers read and never write; a read-scoped token never writes either.
- Admins manage their organisation: its settings, units and memberships.
- Authors (or admins) edit, revise and open their proposals; only authors withdraw them.
- Deciders (or admins) abandon; deciders record outcomes, and admins may too unless the rule is
  ``decider``. The author, a decider or an admin follows an accepted decision through.
- Members who can see an open proposal argue; all of them except ``informed`` participants take
  positions. Only an argument's author edits it.
"""

from __future__ import annotations

from dataclasses import dataclass

from actas.api.domain.errors import Forbidden, ValidationFailed
from actas.api.domain.lifecycle import Action
from actas.api.domain.visibility import MemberScope, Viewer
from actas.api.domain.vocabulary import ParticipantRole, RuleKind, TokenScope


@dataclass(frozen=True)
class ProposalActor:
    """The viewer in relation to one proposal they can see."""

    user_id: int
    member: MemberScope
    is_author: bool
    participant_role: ParticipantRole | None

    @property
    def is_decider(self) -> bool:
        return self.participant_role is ParticipantRole.DECIDER


def ensure_write_scope(viewer: Viewer) -> None:
    ensure_scope_writes(viewer.scope)


def ensure_scope_writes(scope: TokenScope) -> None:
    if scope is not TokenScope.WRITE:
        raise Forbidden("This token is read-only.")


def ensure_writer(viewer: Viewer, member: MemberScope) -> None:
    ensure_may_write(viewer.scope, member)


def ensure_may_write(scope: TokenScope, member: MemberScope) -> None:
    ensure_scope_writes(scope)
    if not member.can_write:
        raise Forbidden("Observers can read but not write.")


def ensure_admin(viewer: Viewer, member: MemberScope) -> None:
    ensure_writer(viewer, member)
    if not member.is_admin:
        raise Forbidden("Only an admin of the organisation can do this.")


def ensure_may_edit_proposal(actor: ProposalActor) -> None:
    if not (actor.is_author or actor.member.is_admin):
        raise Forbidden("Only the proposal's author or an admin can change it.")


def ensure_may_transition(actor: ProposalActor, action: Action, rule: RuleKind) -> None:
    allowed = {
        Action.OPEN: actor.is_author or actor.member.is_admin,
        Action.WITHDRAW: actor.is_author,
        Action.ABANDON: actor.is_decider or actor.member.is_admin,
        Action.ACCEPT: actor.is_decider or (actor.member.is_admin and rule is not RuleKind.DECIDER),
        Action.REJECT: actor.is_decider or (actor.member.is_admin and rule is not RuleKind.DECIDER),
    }[action]
    if not allowed:
        raise Forbidden(_TRANSITION_REFUSALS[action])


_TRANSITION_REFUSALS = {
    Action.OPEN: "Only the proposal's author or an admin can open it.",
    Action.WITHDRAW: "Only the proposal's author can withdraw it.",
    Action.ABANDON: "Only a decider of the proposal or an admin can abandon it.",
    Action.ACCEPT: "Only a decider (or an admin, unless the deciders decide) can decide.",
    Action.REJECT: "Only a decider (or an admin, unless the deciders decide) can decide.",
}


def ensure_may_take_position(actor: ProposalActor) -> None:
    if actor.participant_role is ParticipantRole.INFORMED:
        raise Forbidden("Informed participants follow the debate but take no position.")


def ensure_may_follow_through(actor: ProposalActor) -> None:
    if not (actor.is_author or actor.is_decider or actor.member.is_admin):
        raise Forbidden("Only the author, a decider or an admin follows a decision through.")


def ensure_may_edit_argument(user_id: int, argument_author_id: int) -> None:
    if user_id != argument_author_id:
        raise Forbidden("Only its author can edit an argument.")


def ensure_may_change_participant(
    actor: ProposalActor,
    *,
    user_id: int,
    current: ParticipantRole | None,
    new: ParticipantRole | None,
    has_spoken: bool,
) -> None:
    """Once a proposal is open, who votes changes only in the open and never against what was
    said: nobody changes their own part, a voice that has spoken keeps its part, and deciders
    are named or changed by an admin."""
    if current is new:
        return
    if user_id == actor.user_id:
        raise Forbidden(
            "Nobody changes their own part in an open proposal: the author or an admin can."
        )
    if has_spoken:
        raise ValidationFailed(
            "This person has taken a position: their part in the open proposal can no longer "
            "change, nor can they be removed.",
            field="participants",
        )
    if ParticipantRole.DECIDER in (current, new) and not actor.member.is_admin:
        raise Forbidden("Only an admin can name or change a decider of an open proposal.")
