"""The words of the domain: every closed set of values actas stores or accepts."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    ES = "es"
    EN = "en"


class Role(StrEnum):
    """A member's role in an organisation."""

    ADMIN = "admin"  # manages the organisation, its units and members
    MEMBER = "member"  # proposes, argues, takes positions
    OBSERVER = "observer"  # reads, never writes


class ParticipantRole(StrEnum):
    """A person's role on one proposal (MADR's decision-makers / consulted / informed, enforced)."""

    DECIDER = "decider"  # records the outcome
    REQUIRED = "required"  # whose voice is required; may block under consent
    CONSULTED = "consulted"  # asked for their position
    INFORMED = "informed"  # kept informed; may comment but takes no position


VOTING_ROLES = frozenset(
    {ParticipantRole.DECIDER, ParticipantRole.REQUIRED, ParticipantRole.CONSULTED}
)
REQUIRED_VOICES = frozenset({ParticipantRole.DECIDER, ParticipantRole.REQUIRED})


class Visibility(StrEnum):
    ORGANISATION = "organisation"
    UNIT = "unit"
    PARTICIPANTS = "participants"


class ProposalState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"

    @property
    def is_closed(self) -> bool:
        return self not in {ProposalState.DRAFT, ProposalState.OPEN}


class Stance(StrEnum):
    """The stance of an argument in a debate."""

    FOR = "for"
    AGAINST = "against"
    QUESTION = "question"
    COMMENT = "comment"


class PositionStance(StrEnum):
    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"


class CastBy(StrEnum):
    """Who took a member's position: the member, their delegate while they are away, or an
    admin or decider recording what the member said (a proxy, with a note)."""

    MEMBER = "member"
    DELEGATE = "delegate"
    PROXY = "proxy"


class AbsenceSource(StrEnum):
    """How actas knows of an absence: recorded (by the member, their head or an admin), or
    inferred from an automatic out-of-office reply to one of its emails ("probably away")."""

    RECORDED = "recorded"
    AUTO_REPLY = "auto_reply"


class DelegationScope(StrEnum):
    """What a delegate speaks for: the whole organisation, one unit's proposals (and its
    sub-units'), or one proposal. The narrowest that covers a proposal wins."""

    ORGANISATION = "organisation"
    UNIT = "unit"
    PROPOSAL = "proposal"


class RuleKind(StrEnum):
    DECIDER = "decider"
    CONSENT = "consent"
    MAJORITY = "majority"
    UNANIMITY = "unanimity"


class TokenScope(StrEnum):
    READ = "read"
    WRITE = "write"


class LinkKind(StrEnum):
    SUPERSEDES = "supersedes"
    RELATED = "related"


class EmailMode(StrEnum):
    """How a member wants email: each notification at once, a daily or weekly digest, or none."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class DeliveryChannel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"  # done without sending: no address, or no longer wanted
    FAILED = "failed"  # gave up after the last retry


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class OutcomeVerdict(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
