"""Relay global IDs from clients, checked for the type they must name."""

from __future__ import annotations

from strawberry import relay

from actas.api.domain.errors import NotFound


def database_id(global_id: relay.GlobalID, type_name: str) -> int:
    """The database id inside ``global_id``; an id of another type is simply not found."""
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        raise NotFound(type_name.lower(), str(global_id))
    return int(global_id.node_id)


def optional_database_id(global_id: relay.GlobalID | None, type_name: str) -> int | None:
    return None if global_id is None else database_id(global_id, type_name)


def global_id(type_name: str, key: int) -> relay.GlobalID:
    return relay.GlobalID(type_name=type_name, node_id=str(key))
