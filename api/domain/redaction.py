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

# Who is away is the members' business (a note may say why): absences, and the requests and
# alerts they set off, never leave the organisation, by webhook or in a published archive.
ABSENCE_EVENTS = frozenset(
    {
        EventType.ABSENCE_RECORDED,
        EventType.ABSENCE_CHANGED,
        EventType.ABSENCE_ENDED,
        EventType.VOICE_AWAY,
        EventType.VOICE_PROBABLY_AWAY,
        EventType.DELEGATE_ASKED,
    }
)
# Events read only by the people they name (and admins), not by all who see their proposal:
# that someone is probably away was read from their mailbox (``absences.may_see_probable``).
PRIVATE_EVENTS: Mapping[str, tuple[str, ...]] = {
    EventType.VOICE_PROBABLY_AWAY: ("user", "author", "heads"),
}


def leaves_organisation(event_type: str) -> bool:
    """Whether an event may be sent outside (webhooks): not webhooks' own, nor absences'."""
    return event_type not in ABSENCE_EVENTS and not event_type.startswith("webhook.")


def may_read_event(
    event_type: str, payload: Callable[[], Mapping[str, Any]], reader_id: int, *, admin: bool
) -> bool:
    """Whether one who may see an event's proposal (or organisation) reads it; ``payload`` is
    read only for the private kinds."""
    keys = PRIVATE_EVENTS.get(event_type)
    if keys is None or admin:
        return True
    named = payload()
    for key in keys:
        value = named.get(key)
        if value == reader_id or (isinstance(value, list) and reader_id in value):
            return True
    return False


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
