"""What an event's payload says to someone who may not see everything it names.

An event is recorded on one proposal and shown only to those who may see that proposal, but its
payload can name another one (a link's ``target``). Every reader of the record (the API's event
fields, the archive's timeline) passes the payload through ``redacted`` with the proposals its
viewer may see, so a hidden proposal's id never leaves the record. The stored payload, and so
the hash chain, is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from actas.api.domain.addresses import endpoint
from actas.api.domain.events import EventType

# The payload keys that hold the id of another proposal, by event type. The same key means
# something else elsewhere (an outcome's ``target`` is a figure): only these are proposals.
PROPOSAL_KEYS: Mapping[str, tuple[str, ...]] = {
    EventType.PROPOSAL_LINKED: ("target",),
}


WEBHOOK_EVENTS = (EventType.WEBHOOK_CREATED, EventType.WEBHOOK_UPDATED)


def proposals_named(event_type: str, payload: Mapping[str, Any]) -> list[int]:
    """The ids of the other proposals an event's payload names."""
    return [
        value
        for key in PROPOSAL_KEYS.get(event_type, ())
        if isinstance(value := payload.get(key), int)
    ]


def redacted(
    event_type: str,
    payload: Mapping[str, Any],
    visible: Collection[int],
    *,
    shown_as: Callable[[int], object] = int,
) -> dict[str, Any]:
    """The payload as a viewer reads it: each proposal it names that is not in ``visible`` is
    left out (the key is absent), and each one they may see is written by ``shown_as`` (the API
    gives a global id, never a database number)."""
    keys = PROPOSAL_KEYS.get(event_type, ())
    readable: dict[str, Any] = {}
    if event_type in WEBHOOK_EVENTS and isinstance(payload.get("url"), str):
        # Recorded before webhooks were recorded by their endpoint: the URL may hold a secret.
        kept = {key: value for key, value in payload.items() if key != "url"}
        payload = kept | {"endpoint": endpoint(payload["url"])}
    for key, value in payload.items():
        if key not in keys or not isinstance(value, int):
            readable[key] = value
        elif value in visible:
            readable[key] = shown_as(value)
    return readable
