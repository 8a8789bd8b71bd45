"""Relay global IDs from clients, checked for the type they must name and for a key the
database could hold (a 40-digit key would otherwise overflow the driver: "Unexpected error")."""

from __future__ import annotations

from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from actas.api.domain.errors import NotFound

# The largest key of an integer primary key on every database we run on (PostgreSQL's INTEGER).
MAX_KEY = 2**31 - 1


def is_key(text: str) -> bool:
    """Whether ``text`` is a database key: ASCII digits (``isdigit`` takes "١٢"), in range."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_KEY


def could_be_global_id(text: str) -> bool:
    """Whether ``text`` decodes to a global id whose key, if numeric, the database could hold."""
    try:
        node_id = relay.GlobalID.from_id(text).node_id
    except GlobalIDValueError:
        return False
    return not (node_id.isascii() and node_id.isdigit()) or is_key(node_id)


def database_id(global_id: relay.GlobalID, type_name: str) -> int:
    """The database id inside ``global_id``; an id of another type is simply not found."""
    if global_id.type_name != type_name or not is_key(global_id.node_id):
        raise NotFound(type_name.lower(), str(global_id))
    return int(global_id.node_id)


def optional_database_id(global_id: relay.GlobalID | None, type_name: str) -> int | None:
    return None if global_id is None else database_id(global_id, type_name)


def global_id(type_name: str, key: int) -> relay.GlobalID:
    return relay.GlobalID(type_name=type_name, node_id=str(key))
