"""Relay cursor connections. ``first`` is 1 to the configured page size (100 at most).

Database lists page by keyset (the cursor holds the last row's sort key), so a page costs one
query however deep it is; lists already loaded whole by a DataLoader (a proposal's debate) are
sliced in memory by the cursor's item id; a search's ranked list by the position after which
the page starts.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay
from tortoise.models import Model
from tortoise.queryset import QuerySet

from actas.schema.errors import ClientError
from actas.schema.ids import is_key

NodeType = TypeVar("NodeType")
T = TypeVar("T")
M = TypeVar("M", bound=Model)


@strawberry.type(description="An item of a page and its cursor.")
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type(description="A page of a list, with the cursors to go on.")
class Connection(Generic[NodeType]):
    page_info: relay.PageInfo
    edges: list[Edge[NodeType]]
    nodes: list[NodeType] = strawberry.field(description="The items of this page, without edges.")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"c:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        prefix, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "c" and is_key(key):  # a forged 40-digit key would overflow the driver
            return int(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ClientError(f"{cursor!r} is not a cursor this API gave out.")


def encode_offset(offset: int) -> str:
    """A ranked list's cursor: how many items come before the next (a rank has no keyset)."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        prefix, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "o" and offset.isdigit() and len(offset) <= 9:
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ClientError(f"{cursor!r} is not a cursor this API gave out.")


def ranked_page(
    items: Sequence[T], *, skip: int, has_next: bool, convert: Callable[[T], Any]
) -> Connection[Any]:
    """A page of a ranked list: the items after the ``skip`` best, each cursor its position."""
    nodes = [convert(item) for item in items]
    edges = [Edge(cursor=encode_offset(skip + n + 1), node=node) for n, node in enumerate(nodes)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=skip > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def check_first(first: int, max_page_size: int) -> None:
    if not 1 <= first <= max_page_size:
        raise ClientError(f"`first` must be between 1 and {max_page_size}, got {first}.")


def build(
    items: Sequence[T],
    *,
    has_next: bool,
    has_previous: bool,
    key: Callable[[T], int],
    convert: Callable[[T], Any],
) -> Connection[Any]:
    nodes = [convert(item) for item in items]
    edges = [Edge(cursor=encode_cursor(key(i)), node=n) for i, n in zip(items, nodes, strict=True)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def slice_loaded(
    items: Sequence[T],
    *,
    first: int,
    after: str | None,
    max_page_size: int,
    key: Callable[[T], int],
    convert: Callable[[T], Any],
) -> Connection[Any]:
    """A page of a list already in memory, after the item whose key the cursor holds."""
    check_first(first, max_page_size)
    start = 0
    after_key = decode_cursor(after)
    if after_key is not None:
        keys = [key(item) for item in items]
        if after_key not in keys:
            raise ClientError("That cursor does not belong to this list.")
        start = keys.index(after_key) + 1
    page = items[start : start + first]
    return build(
        page, has_next=start + first < len(items), has_previous=start > 0, key=key, convert=convert
    )


async def page_of(
    query: QuerySet[M],
    *,
    first: int,
    after: str | None,
    max_page_size: int,
    newest_first: bool = False,
    convert: Callable[[M], Any],
) -> Connection[Any]:
    """One page of a database list in id order, in a single query."""
    check_first(first, max_page_size)
    after_key = decode_cursor(after)
    if after_key is not None:
        query = query.filter(id__lt=after_key) if newest_first else query.filter(id__gt=after_key)
    rows = await query.order_by("-id" if newest_first else "id").limit(first + 1)
    return build(
        rows[:first],
        has_next=len(rows) > first,
        has_previous=after_key is not None,
        key=lambda row: int(row.pk),
        convert=convert,
    )
