"""Payloads of the debate: arguments and positions."""

from __future__ import annotations

from dataclasses import dataclass

from actas.api.domain.events import EventType
from actas.api.domain.payloads.shape import Payload
from actas.api.domain.vocabulary import CastBy, PositionStance, Stance


@dataclass(frozen=True)
class ArgumentAdded(Payload):
    event_type = EventType.ARGUMENT_ADDED
    argument: int
    parent: int | None  # the argument it answers
    stance: Stance
    body: str
    proposal_version: int  # the version it argues about


@dataclass(frozen=True)
class ArgumentEdited(Payload):
    event_type = EventType.ARGUMENT_EDITED
    argument: int
    revision: int
    stance: Stance
    body: str


@dataclass(frozen=True)
class PositionTaken(Payload):
    """The actor's own position, or, when ``member`` is set, that member's, cast by the actor
    as their delegate or a proxy (older records, and a member's own, leave these out)."""

    event_type = EventType.POSITION_TAKEN
    omitted_when_none = frozenset({"member", "cast_by", "note"})
    stance: PositionStance
    reason: str
    proposal_version: int
    member: int | None = None
    cast_by: CastBy | None = None
    note: str | None = None


def argument_added(
    *, argument: int, parent: int | None, stance: Stance, body: str, proposal_version: int
) -> ArgumentAdded:
    return ArgumentAdded(argument, parent, stance, body, proposal_version)


def argument_edited(*, argument: int, revision: int, stance: Stance, body: str) -> ArgumentEdited:
    return ArgumentEdited(argument, revision, stance, body)


def position_taken(
    *,
    stance: PositionStance,
    reason: str,
    proposal_version: int,
    member: int | None = None,
    cast_by: CastBy = CastBy.MEMBER,
    note: str = "",
) -> PositionTaken:
    if member is None:  # one's own: recorded exactly as before there were delegates
        return PositionTaken(stance, reason, proposal_version)
    return PositionTaken(stance, reason, proposal_version, member, cast_by, note)
