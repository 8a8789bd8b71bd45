"""An organisation's units as one tree: the single place that walks up and down it.

Visibility (who sees a unit's proposals), escalation (whose head hears of the silent), mentions
(``@unit`` reaches the unit and the units below), metrics (a unit and below) and placing a unit
(never under itself) all ask this; none walks ``parent_id`` by hand. Cycles are refused when
units are saved; the walks stop at one anyway, so a corrupted row cannot hang a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitTree:
    parents: Mapping[int, int | None]  # unit → its parent (None for a top unit)
    heads: Mapping[int, int | None] = field(default_factory=dict)  # unit → its head's user id

    @classmethod
    def of(cls, rows: Iterable[Mapping[str, object]]) -> UnitTree:
        """From unit rows with ``id``, ``parent_id`` and (optionally) ``head_id``."""
        parents: dict[int, int | None] = {}
        heads: dict[int, int | None] = {}
        for row in rows:
            unit = int(str(row["id"]))
            parent, head = row.get("parent_id"), row.get("head_id")
            parents[unit] = None if parent is None else int(str(parent))
            heads[unit] = None if head is None else int(str(head))
        return cls(parents, heads)

    def __contains__(self, unit: object) -> bool:
        return unit in self.parents

    def lineage(self, unit: int | None) -> list[int]:
        """The unit and the units above it, nearest first."""
        chain: list[int] = []
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = self.parents.get(unit)
        return chain

    def is_within(self, unit: int | None, ancestor: int) -> bool:
        """Whether ``unit`` is ``ancestor`` or below it."""
        return ancestor in self.lineage(unit)

    def subtree(self, *units: int) -> frozenset[int]:
        """The units and every unit below them."""
        children = self._children()
        seen: set[int] = set()
        below = [unit for unit in units if unit in self.parents]
        while below:
            unit = below.pop()
            if unit not in seen:
                seen.add(unit)
                below.extend(children.get(unit, ()))
        return frozenset(seen)

    def heads_up_from(self, unit: int | None) -> Iterator[tuple[int, int]]:
        """(unit, head) for the unit and each unit above it that has a head, nearest first."""
        for step in self.lineage(unit):
            head = self.heads.get(step)
            if head is not None:
                yield step, head

    def _children(self) -> dict[int, list[int]]:
        children: dict[int, list[int]] = {}
        for unit, parent in self.parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(unit)
        return children
