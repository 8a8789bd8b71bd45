"""Who votes on a proposal, with what weight, and whose voice is still missing: one answer.

Everything that asks (the tally, reminders and escalation, the deadline step, digests,
``waitingForMe``, metrics, taking a position, the archive) reads one ``Electorate`` built by
``electorate_of``; nothing else decides who votes.

- **Eligible voters** are the proposal's voting participants (decider, required, consulted) when
  it names any; otherwise every member of its audience who may take a position (not observers,
  not ``informed`` participants). Either way a voter is a member who may write and may see the
  proposal: someone who left, became an observer or lost sight of it stops being one.
- **Weight** is the membership's. It counts for shares and quorums; a *voice* counts whatever its
  weight: a voter of weight 0 is reminded, a block under consent and a "no" under unanimity stop
  the proposal, and unanimity waits for them.
- **Required voices** are the eligible deciders and required participants: they are reminded,
  escalated and awaited. **Blockers** (who may block under consent) are the required voices; a
  proposal with none lets every eligible voter block, so a block always means something.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from actas.api.domain.errors import Forbidden
from actas.api.domain.rules import DecisionRule, Tally, Voter, blockers, compute_tally
from actas.api.domain.visibility import MemberScope, ProposalAudience
from actas.api.domain.vocabulary import (
    REQUIRED_VOICES,
    VOTING_ROLES,
    ParticipantRole,
    PositionStance,
)


@dataclass(frozen=True)
class Electorate:
    voters: tuple[Voter, ...]  # by user id
    positions: Mapping[int, PositionStance] = field(default_factory=dict)  # everyone's
    deciders: tuple[int, ...] = ()  # participants who record the outcome (members who can)

    @property
    def required(self) -> tuple[int, ...]:
        return tuple(v.user_id for v in self.voters if v.participant_role in REQUIRED_VOICES)

    @property
    def silent(self) -> tuple[int, ...]:
        """Required voices without a position: whom reminders, escalations and digests chase."""
        return tuple(user for user in self.required if user not in self.positions)

    @property
    def silent_voters(self) -> tuple[int, ...]:
        return tuple(v.user_id for v in self.voters if v.user_id not in self.positions)

    @property
    def blockers(self) -> tuple[int, ...]:
        return blockers(self.voters)

    def awaits(self, user_id: int) -> bool:
        return user_id in self.silent

    def may_block(self, user_id: int) -> bool:
        return user_id in self.blockers

    def tally(self, rule: DecisionRule, *, deadline_passed: bool = False) -> Tally:
        return compute_tally(rule, self.voters, self.positions, deadline_passed=deadline_passed)


def electorate_of(
    audience: ProposalAudience,
    participant_roles: Mapping[int, ParticipantRole],
    scopes: Mapping[int, MemberScope],
    positions: Mapping[int, PositionStance],
) -> Electorate:
    """The electorate of one proposal from its audience, participants, the members' scopes (of
    at least its participants, or of every member when it names no voters) and positions."""

    def may_vote(user: int) -> bool:
        member = scopes.get(user)
        return member is not None and member.can_write and audience.can_see(user, member)

    voting = {u: role for u, role in participant_roles.items() if role in VOTING_ROLES}
    if voting:
        voters = [
            Voter(user, scopes[user].weight, role)
            for user, role in sorted(voting.items())
            if may_vote(user)
        ]
    else:
        voters = [
            Voter(user, member.weight, participant_roles.get(user))
            for user, member in sorted(scopes.items())
            if participant_roles.get(user) is not ParticipantRole.INFORMED and may_vote(user)
        ]
    deciders = tuple(
        user
        for user, role in sorted(participant_roles.items())
        if role is ParticipantRole.DECIDER and may_vote(user)
    )
    return Electorate(tuple(voters), dict(positions), deciders)


def names_its_voters(participant_roles: Mapping[int, ParticipantRole]) -> bool:
    """Whether only the participants' scopes are needed to build the electorate."""
    return any(role in VOTING_ROLES for role in participant_roles.values())


def ensure_may_block(electorate: Electorate, user_id: int) -> None:
    """Under consent a block stops the proposal, so only those whose block counts may block."""
    if not electorate.may_block(user_id):
        raise Forbidden(
            "Under consent only the required voices (deciders and required participants) can "
            "block this proposal; disagree, with your reason, to object."
        )
