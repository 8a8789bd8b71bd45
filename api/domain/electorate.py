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
- **Away voters** (``domain.absences``) stay voters with their own weight. While away they are not
  chased: their delegate is, in their place, and may take their position; a silent required voice
  away with nobody to speak for them is *unspoken for*, which their head hears of at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from actas.api.domain.absences import AwayVoice
from actas.api.domain.errors import Forbidden, ValidationFailed
from actas.api.domain.rules import DecisionRule, Tally, Voter, blockers, compute_tally
from actas.api.domain.visibility import MemberScope, ProposalAudience
from actas.api.domain.vocabulary import (
    REQUIRED_VOICES,
    VOTING_ROLES,
    CastBy,
    ParticipantRole,
    PositionStance,
)


@dataclass(frozen=True)
class Electorate:
    voters: tuple[Voter, ...]  # by user id
    positions: Mapping[int, PositionStance] = field(default_factory=dict)  # everyone's
    deciders: tuple[int, ...] = ()  # participants who record the outcome (members who can)
    away: Mapping[int, AwayVoice] = field(default_factory=dict)  # voters away, by user id

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

    def speaks_for(self, user_id: int) -> tuple[int, ...]:
        """The silent required voices ``user_id`` speaks for as their delegate."""
        return tuple(voice for voice in self.silent if self._delegate_of(voice) == user_id != voice)

    @property
    def to_remind(self) -> dict[int, tuple[int, ...]]:
        """Whom reminders chase, each with whose voices they are asked for: a silent required
        voice for their own, unless away; a delegate for those they speak for."""
        chased: dict[int, list[int]] = {}
        for voice in self.silent:
            asked = self._delegate_of(voice)
            if asked is not None:
                chased.setdefault(asked, []).append(voice)
        return {user: tuple(voices) for user, voices in chased.items()}

    @property
    def unspoken_for(self) -> tuple[int, ...]:
        """Silent required voices away with nobody to speak for them."""
        return tuple(v for v in self.silent if v in self.away and self._delegate_of(v) is None)

    def awaits(self, user_id: int) -> bool:
        """Whether a voice ``user_id`` is asked for is still missing: their own, or one they
        speak for."""
        return user_id in self.to_remind

    def may_speak_for(self, delegate_id: int, voter_id: int) -> bool:
        """Whether ``delegate_id`` speaks for ``voter_id`` on this proposal now."""
        voice = self.away.get(voter_id)
        return voice is not None and voice.delegate_id == delegate_id != voter_id

    def cast_by(self, caster_id: int, member_id: int, *, may_proxy: bool, note: str) -> CastBy:
        """How ``caster_id`` may take ``member_id``'s position, or the refusal: the member
        themself; their delegate while they are away; or, with a note saying what the member
        said, an admin or decider (``may_proxy``)."""
        if caster_id == member_id:
            return CastBy.MEMBER
        if member_id not in {v.user_id for v in self.voters}:
            raise Forbidden("Only a voter's position can be taken on their behalf.")
        if self.may_speak_for(caster_id, member_id):
            return CastBy.DELEGATE
        if not may_proxy:
            raise Forbidden(
                "Only their delegate while they are away, or an admin or decider recording "
                "what they said, can take a position for another member."
            )
        if not note.strip():
            raise ValidationFailed(
                "A position recorded for someone else needs a note saying where they gave it.",
                field="note",
            )
        return CastBy.PROXY

    def asked_for(self, voices: Iterable[int]) -> tuple[int, ...]:
        """Who is asked for ``voices``: each voter, or while they are away their delegate
        (nobody, for one nobody can speak for)."""
        return tuple(sorted({a for v in voices if (a := self._delegate_of(v)) is not None}))

    def _delegate_of(self, voice: int) -> int | None:
        """Who is asked for ``voice``: the voter, or while they are away their delegate."""
        if voice not in self.away:
            return voice
        return self.away[voice].delegate_id

    def may_block(self, user_id: int) -> bool:
        return user_id in self.blockers

    def tally(self, rule: DecisionRule, *, deadline_passed: bool = False) -> Tally:
        return compute_tally(rule, self.voters, self.positions, deadline_passed=deadline_passed)


def electorate_of(
    audience: ProposalAudience,
    participant_roles: Mapping[int, ParticipantRole],
    scopes: Mapping[int, MemberScope],
    positions: Mapping[int, PositionStance],
    away: Callable[[Callable[[int], bool]], Mapping[int, AwayVoice]] | None = None,
) -> Electorate:
    """The electorate of one proposal from its audience, participants, the members' scopes (of
    at least its participants and delegates, or of every member when it names no voters),
    positions, and who is away (``away``, given the electorate's test of who may vote: see
    ``absences.away_from``)."""

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
    voting_ids = {v.user_id for v in voters}
    told = away(may_vote) if away else {}
    away_voices = {user: voice for user, voice in told.items() if user in voting_ids}
    return Electorate(tuple(voters), dict(positions), deciders, away_voices)


# Whose word a position is: the member's own, what they said as a proxy recorded it, or their
# delegate's. A position may be replaced only by one as much the member's word.
_WORD = {CastBy.MEMBER: 2, CastBy.PROXY: 1, CastBy.DELEGATE: 0}


def ensure_may_replace(taken: CastBy, replacing: CastBy) -> None:
    """The member may always change their position; a proxy (what they said) replaces their
    delegate's, never theirs; a delegate replaces only a delegate's."""
    if _WORD[replacing] >= _WORD[taken]:
        return
    if taken is CastBy.MEMBER:
        raise Forbidden("They have taken their own position: only they can change it.")
    raise Forbidden(
        "Their position was recorded from what they said: only they, or another record of "
        "what they said, can change it."
    )


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
