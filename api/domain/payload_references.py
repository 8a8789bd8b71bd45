"""Which payload fields name another record, and as what: the API shows each as that node's
global id (``node(id:)`` resolves it), never as a database number.

A payload is stored as it was recorded (the hash chain covers it), with plain ids. Readers that
face clients rewrite them on the way out through ``with_references``; a link's target proposal is
``redaction``'s concern, since it may be hidden, and is left to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from actas.api.domain.events import EventType as E

Render = Callable[[str, int], object]  # (node type, database id) → what the reader shows

_UNIT = {"unit": "Unit", "parent": "Unit", "head": "User"}
_MEMBERSHIP = {"membership": "Membership", "user": "User", "unit": "Unit"}
_REMINDING = {"remind": "User", "escalate": "User", "silent_by_head": "User"}
_FOLLOW_UP = {"follow_up": "FollowUp", "owner": "User"}
_CLOSED = {"cited_arguments": "Argument"}
_PROPOSAL = {"unit": "Unit", "participants": "User"}

# Event type → payload key → node type. A list holds ids of that type; a mapping's keys do, and
# so do its values when they are lists of ids (``silent_by_head``: head → the silent).
REFERENCES: Mapping[str, Mapping[str, str]] = {
    E.UNIT_CREATED: _UNIT,
    E.UNIT_UPDATED: _UNIT,
    E.MEMBER_ADDED: {**_MEMBERSHIP, "invitation": "Invitation"},
    E.MEMBER_UPDATED: _MEMBERSHIP,
    E.MEMBER_INVITED: {"invitation": "Invitation"},
    E.INVITATION_DECLINED: {"invitation": "Invitation"},
    E.INVITATION_REVOKED: {"invitation": "Invitation"},
    E.WEBHOOK_CREATED: {"webhook": "Webhook"},
    E.WEBHOOK_UPDATED: {"webhook": "Webhook"},
    E.PROPOSAL_DRAFTED: _PROPOSAL,
    E.PROPOSAL_UPDATED: {"unit": "Unit"},
    E.PROPOSAL_WITHDRAWN: _CLOSED,
    E.PROPOSAL_ABANDONED: _CLOSED,
    E.PROPOSAL_ACCEPTED: _CLOSED,
    E.PROPOSAL_REJECTED: _CLOSED,
    E.PARTICIPANT_SET: {"user": "User", "deciders": "User"},
    E.PARTICIPANT_REMOVED: {"user": "User", "deciders": "User"},
    E.ARGUMENT_ADDED: {"argument": "Argument", "parent": "Argument"},
    E.ARGUMENT_EDITED: {"argument": "Argument"},
    E.DEADLINE_APPROACHING: _REMINDING,
    E.DEADLINE_PASSED: {**_REMINDING, "author": "User"},
    E.FOLLOW_UP_ADDED: _FOLLOW_UP,
    E.FOLLOW_UP_UPDATED: _FOLLOW_UP,
    E.FOLLOW_UP_DUE: _FOLLOW_UP,
    E.OUTCOME_REVIEW_DUE: {"ask": "User"},
}


def with_references(event_type: str, payload: Mapping[str, Any], render: Render) -> dict[str, Any]:
    """The payload with every id it names written by ``render``; other values as they are."""
    kinds = REFERENCES.get(event_type, {})
    return {
        key: _rendered(value, kinds[key], render) if key in kinds else value
        for key, value in payload.items()
    }


def _rendered(value: Any, kind: str, render: Render) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return render(kind, value)
    if isinstance(value, str) and value.isdecimal():
        return render(kind, int(value))  # a mapping's key: JSON keys are text
    if isinstance(value, list):
        return [_rendered(item, kind, render) for item in value]
    if isinstance(value, dict):
        return {
            str(_rendered(k, kind, render)): _rendered(v, kind, render)
            if isinstance(v, list)
            else v
            for k, v in value.items()
        }
    return value
