"""Payloads of absences and delegations."""

from __future__ import annotations

from dataclasses import dataclass

from actas.api.domain.events import EventType
from actas.api.domain.payloads.shape import Payload, Shape
from actas.api.domain.vocabulary import DelegationScope


@dataclass(frozen=True)
class DelegationTerms(Shape):
    """Who speaks for the absent member, and for what; a proposal delegation names no proposal
    here: every member reads organisation events, and the proposal may be hidden from them."""

    delegate: int
    scope: DelegationScope
    unit: int | None = None


@dataclass(frozen=True)
class _AbsenceTerms(Payload):
    """The absence as it is after the change; not its note, which may be personal (only the
    member and admins read it, on the absence itself)."""

    absence: int
    user: int
    starts_at: str  # canonical times
    ends_at: str
    delegations: tuple[DelegationTerms, ...] = ()


@dataclass(frozen=True)
class AbsenceRecorded(_AbsenceTerms):
    event_type = EventType.ABSENCE_RECORDED


@dataclass(frozen=True)
class AbsenceChanged(_AbsenceTerms):
    event_type = EventType.ABSENCE_CHANGED


@dataclass(frozen=True)
class AbsenceEnded(Payload):
    event_type = EventType.ABSENCE_ENDED
    absence: int
    user: int
    ended_at: str


@dataclass(frozen=True)
class _AwayAlert(Payload):
    user: int
    until: str  # canonical time
    heads: tuple[int, ...]
    author: int


@dataclass(frozen=True)
class VoiceAway(_AwayAlert):
    """A required voice or decider away through the proposal's deadline, with nobody to speak
    for them: their head hears of it at once (not at the escalation step), and the author."""

    event_type = EventType.VOICE_AWAY


@dataclass(frozen=True)
class VoiceProbablyAway(_AwayAlert):
    """The same, when only an automatic reply said so: read only by those it names, and
    admins (``redaction.PRIVATE_EVENTS``). ``until_stated``: the reply gave the date."""

    event_type = EventType.VOICE_PROBABLY_AWAY
    until_stated: bool = True


@dataclass(frozen=True)
class DelegateAsked(Payload):
    """A silent voter is away: their delegate is asked for their position in their place, as
    the proposal opens or as the absence is recorded (and reminded later like any voice)."""

    event_type = EventType.DELEGATE_ASKED
    user: int
    delegate: int
    until: str  # canonical time


def delegate_asked(*, user: int, delegate: int, until: str) -> DelegateAsked:
    return DelegateAsked(user, delegate, until)


def voice_away(
    *,
    user: int,
    until: str,
    heads: tuple[int, ...],
    author: int,
    probable: bool = False,
    until_stated: bool = True,
) -> VoiceAway | VoiceProbablyAway:
    if probable:
        return VoiceProbablyAway(user, until, heads, author, until_stated)
    return VoiceAway(user, until, heads, author)


def absence_ended(*, absence: int, user: int, ended_at: str) -> AbsenceEnded:
    return AbsenceEnded(absence, user, ended_at)
