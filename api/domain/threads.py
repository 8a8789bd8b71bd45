"""Threads of any depth as one flat, depth-first list (GraphQL cannot recurse to an unknown
depth, so clients and the archive rebuild the tree from ``parent`` and ``depth``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def depth_first(
    items: Sequence[T], *, key: Callable[[T], int], parent: Callable[[T], int | None]
) -> list[tuple[T, int]]:
    """``items`` (in creation order) as (item, depth) pairs: each reply follows its parent, and
    siblings keep their order. A reply whose parent is missing is treated as top-level."""
    known = {key(item) for item in items}
    children: dict[int | None, list[T]] = {}
    for item in items:
        parent_key = parent(item)
        children.setdefault(parent_key if parent_key in known else None, []).append(item)
    ordered: list[tuple[T, int]] = []
    stack = [(item, 0) for item in reversed(children.get(None, []))]
    while stack:
        item, depth = stack.pop()
        ordered.append((item, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(key(item), [])))
    return ordered
