"""Who is told what: the recipients of every event, mentions, and the reminder schedule.

An event on a proposal reaches, each at most once and never the person who caused it:
- its participants, by role (``ROLES_TOLD``): deciders and required voices hear of everything
  that may change their position, consulted and informed people of the milestones;
- its followers (authors and people who argued follow automatically; anyone may follow);
- the author of the argument replied to, the people and units mentioned (``@handle``,
  ``@unit-name``), and someone given a role while the debate is open;
- or, for the schedule's events (``ADDRESSED``), only the people they name;
and only people who may see the proposal (``visibility.can_see_proposal``), whatever the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from actas.api.domain.events import EventType
from actas.api.domain.payloads import Payload
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import MemberScope, ProposalAudience, can_see_proposal
from actas.api.domain.vocabulary import ParticipantRole

DECIDER, REQUIRED = ParticipantRole.DECIDER, ParticipantRole.REQUIRED
CONSULTED, INFORMED = ParticipantRole.CONSULTED, ParticipantRole.INFORMED
EVERY_ROLE = frozenset(ParticipantRole)
VOICES = frozenset({DECIDER, REQUIRED})


class Reason(StrEnum):
    """Why someone is told; when several apply, the first listed wins."""

    INVITED = "invited"  # a decider or required voice, as the proposal opens
    REMINDER = "reminder"  # your position is still missing
    ESCALATION = "escalation"  # someone in your unit is still silent
    DELEGATION = "delegation"  # you speak for someone while they are away
    MENTION = "mention"
    REPLY = "reply"  # to your argument
    PARTICIPANT = "participant"
    FOLLOWING = "following"
    FOLLOW_UP = "follow_up"
    OUTCOME_REVIEW = "outcome_review"
    MEMBERSHIP = "membership"
    INVITATION = "invitation"  # to join an organisation: told to the invitee only
    ABSENCE = "absence"  # someone else recorded, changed or ended your absence


PRIORITY = {reason: rank for rank, reason in enumerate(Reason)}

# Which participants hear of each kind of event on a proposal (followers hear of them all).
ROLES_TOLD: dict[EventType, frozenset[ParticipantRole]] = {
    EventType.PROPOSAL_OPENED: EVERY_ROLE,
    EventType.PROPOSAL_REVISED: frozenset({DECIDER, REQUIRED, CONSULTED}),
    EventType.PROPOSAL_UPDATED: frozenset({DECIDER, REQUIRED}),
    EventType.ARGUMENT_ADDED: frozenset({DECIDER, REQUIRED}),
    EventType.ARGUMENT_EDITED: frozenset(),
    EventType.POSITION_TAKEN: frozenset({DECIDER}),
    EventType.PROPOSAL_ACCEPTED: EVERY_ROLE,
    EventType.PROPOSAL_REJECTED: EVERY_ROLE,
    EventType.PROPOSAL_WITHDRAWN: EVERY_ROLE,
    EventType.PROPOSAL_ABANDONED: EVERY_ROLE,
    EventType.FOLLOW_UP_UPDATED: frozenset({DECIDER}),
    EventType.OUTCOME_RECORDED: EVERY_ROLE,
}
# Events addressed to the people their payload names (payload field, reason), not to the circle.
ADDRESSED: dict[EventType, tuple[tuple[str, Reason], ...]] = {
    EventType.DEADLINE_APPROACHING: (("remind", Reason.REMINDER), ("escalate", Reason.ESCALATION)),
    EventType.DEADLINE_PASSED: (
        ("remind", Reason.REMINDER),
        ("escalate", Reason.ESCALATION),
        ("author", Reason.PARTICIPANT),  # their proposal is stalled
    ),
    EventType.VOICE_AWAY: (("heads", Reason.ESCALATION), ("author", Reason.PARTICIPANT)),
    EventType.VOICE_PROBABLY_AWAY: (("heads", Reason.ESCALATION), ("author", Reason.PARTICIPANT)),
    EventType.DELEGATE_ASKED: (("delegate", Reason.DELEGATION),),
    EventType.FOLLOW_UP_ADDED: (("owner", Reason.FOLLOW_UP),),
    EventType.FOLLOW_UP_DUE: (("owner", Reason.FOLLOW_UP),),
    EventType.OUTCOME_REVIEW_DUE: (("ask", Reason.OUTCOME_REVIEW),),
}
# Events that tell the people their payload names as well as their usual recipients: who votes
# changed on an open proposal, so its deciders hear of it, and so does whoever was removed.
NAMED_TOO: dict[EventType, tuple[tuple[str, Reason], ...]] = {
    EventType.PARTICIPANT_SET: (("deciders", Reason.PARTICIPANT),),
    EventType.PARTICIPANT_REMOVED: (("deciders", Reason.PARTICIPANT), ("user", Reason.PARTICIPANT)),
    # A position taken for someone else (by their delegate or a proxy): they hear of it.
    EventType.POSITION_TAKEN: (("member", Reason.PARTICIPANT),),
}
# Events only their own people hear of (``included``, mentions, replies), never the circle:
# drafting is private, links are quiet, and a role given is news to the person given it only.
QUIET = frozenset(
    {
        EventType.PROPOSAL_DRAFTED,
        EventType.PROPOSAL_LINKED,
        EventType.PARTICIPANT_SET,
        EventType.PARTICIPANT_REMOVED,
        EventType.PROPOSAL_PUBLISHABLE,  # an admin's choice about archives, nobody's news
    }
)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    reason: Reason


@dataclass(frozen=True)
class ProposalCircle:
    """Everyone with a standing reason to hear about one proposal."""

    audience: ProposalAudience
    participants: Mapping[int, ParticipantRole]
    followers: frozenset[int]


def recipients_of_proposal_event(
    event: EventType,
    *,
    actor_id: int | None,
    circle: ProposalCircle,
    scopes: Mapping[int, MemberScope],
    replied_to: int | None = None,
    mentioned: Iterable[int] = (),
    included: Iterable[Recipient] = (),
    addressed: Iterable[Recipient] = (),
) -> list[Recipient]:
    """Who hears of ``event`` on a proposal, each once, with the strongest reason.
    ``included``: people just given a role on the open proposal (see ``inclusion``)."""
    candidates: list[Recipient] = []
    if event in ADDRESSED:
        return only_those_who_may_know(addressed, actor_id=actor_id, circle=circle, scopes=scopes)
    if event is EventType.PROPOSAL_OPENED:
        candidates += [
            Recipient(u, Reason.INVITED) for u, r in circle.participants.items() if r in VOICES
        ]
    candidates += included
    candidates += addressed  # the people named too (``NAMED_TOO``)
    candidates += [Recipient(u, Reason.MENTION) for u in mentioned]
    if replied_to is not None:
        candidates.append(Recipient(replied_to, Reason.REPLY))
    if event not in QUIET:
        told = ROLES_TOLD.get(event, frozenset())
        candidates += [
            Recipient(u, Reason.PARTICIPANT) for u, r in circle.participants.items() if r in told
        ]
        candidates += [Recipient(u, Reason.FOLLOWING) for u in circle.followers]
    return only_those_who_may_know(candidates, actor_id=actor_id, circle=circle, scopes=scopes)


def inclusion(user_id: int, role: ParticipantRole) -> Recipient:
    """Someone given a role while the debate is open: a voice is invited, anyone else told."""
    return Recipient(user_id, Reason.INVITED if role in VOICES else Reason.PARTICIPANT)


def addressed_in(payload: Payload) -> list[Recipient]:
    """The people an addressed event names in its payload, with the reason for each."""
    event = payload.event_type
    found: list[Recipient] = []
    for field, reason in ADDRESSED.get(event, NAMED_TOO.get(event, ())):
        named = getattr(payload, field)
        users = named if isinstance(named, tuple) else () if named is None else (named,)
        found += [Recipient(user, reason) for user in users]
    return found


def only_those_who_may_know(
    candidates: Iterable[Recipient],
    *,
    actor_id: int | None,
    circle: ProposalCircle,
    scopes: Mapping[int, MemberScope],
) -> list[Recipient]:
    """Drop the actor and anyone who may not see the proposal; keep each person once."""
    best: dict[int, Recipient] = {}
    for candidate in candidates:
        user = candidate.user_id
        if user == actor_id or not can_see_proposal(user, scopes.get(user), circle.audience):
            continue
        kept = best.get(user)
        if kept is None or PRIORITY[candidate.reason] < PRIORITY[kept.reason]:
            best[user] = candidate
    return sorted(best.values(), key=lambda r: r.user_id)


# Mentions ---------------------------------------------------------------------------------------

MENTION = re.compile(r"(?<![\w@.])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])", re.IGNORECASE)


def handle_of(email: str) -> str:
    """A person's handle: the part of their email before the @ (``@lucia.ferrer``)."""
    return email.split("@", 1)[0].lower()


def unit_handle(name: str) -> str:
    """A unit's handle: its name without accents, lowercase, hyphenated (``@analitica-web``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def mentioned_handles(text: str) -> set[str]:
    return {match.lower().rstrip(".") for match in MENTION.findall(text)}


def resolve_mentions(
    text: str,
    *,
    people: Mapping[str, int],
    units: Mapping[str, int],
    unit_members: Mapping[int, Iterable[int]],
) -> set[int]:
    """User ids mentioned in ``text``: ``@handle`` of a member, or ``@unit`` for everyone in that
    unit and the units below it (``unit_members`` maps a unit to its whole subtree's members)."""
    users: set[int] = set()
    for handle in mentioned_handles(text):
        if handle in people:
            users.add(people[handle])
        elif handle in units:
            users.update(unit_members.get(units[handle], ()))
    return users


# Reminders and escalation ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderPolicy:
    """When the silent are reminded before a deadline, and when their unit's head hears of it."""

    reminders: tuple[timedelta, ...] = (timedelta(hours=48), timedelta(hours=24))
    escalation: timedelta = timedelta(hours=24)

    def due(self, *, deadline: datetime, now: datetime) -> list[tuple[str, bool]]:
        """The reminder steps reached by ``now``: (step key, escalate?). Keys are stable, so a
        step is recorded once and never sent twice."""
        steps = []
        # Each hour once: a step listed twice would share its key, and could never be taken.
        for before in sorted(set(self.reminders), reverse=True):
            if now >= deadline - before:
                steps.append((f"before-{int(before.total_seconds() // 3600)}h", False))
        if now >= deadline - self.escalation:
            steps.append((f"escalate-{int(self.escalation.total_seconds() // 3600)}h", True))
        return steps


def heads_to_alert(
    silent: Iterable[int], scopes: Mapping[int, MemberScope | None], tree: UnitTree
) -> dict[int, list[int]]:
    """Each head to alert and the silent people they are alerted about. A silent person's head
    is their ``escalation_head``; when that head is silent too (and so reminded), the alert
    goes on up to the first head who is not, naming both."""
    silent = set(silent)
    alerted: dict[int, list[int]] = {}
    for user in sorted(silent):
        head, passed = escalation_head(user, scopes.get(user), tree), {user}
        while head is not None and head in silent and head not in passed:
            passed.add(head)
            head = escalation_head(head, scopes.get(head), tree)
        if head is not None and head not in silent:
            alerted.setdefault(head, []).append(user)
    return alerted


def escalation_head(silent_user: int, member: MemberScope | None, tree: UnitTree) -> int | None:
    """The head to alert about a silent member: the head of their unit, or, if they head it
    themselves (or it has none), the nearest head above."""
    unit = member.unit_id if member else None
    return next((head for _, head in tree.heads_up_from(unit) if head != silent_user), None)
