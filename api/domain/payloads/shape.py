"""How a payload shape turns into the stored dict and back.

A shape is a frozen dataclass whose fields are the payload's keys (``stored_as`` renames one
whose key is not a Python name, such as ``from``). Writing gives plain JSON values (an enum
its value, a tuple a list, a nested shape its dict), so the stored text, and the hash chain
over it, stay what they were before payloads had types. Reading is tolerant the way an old
record needs: unknown keys are ignored, a missing key takes its field's default.

Hand-written rather than pydantic's: a validating library coerces (``1`` into ``1.0``), which
would change recorded bytes; this code never changes a value, it only names it.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, ClassVar, Self, Union, get_args, get_origin, get_type_hints

from actas.api.domain.events import EventType


class PayloadError(ValueError):
    """A stored payload lacks a key its shape cannot do without."""


def stored_as(key: str) -> dict[str, str]:
    """Field metadata: the field is recorded under ``key`` (a name Python reserves, like
    ``from``): ``previous: ProposalState = field(metadata=stored_as("from"))``."""
    return {"key": key}


@dataclasses.dataclass(frozen=True)
class Shape:
    """A nested part of a payload (an impact, a rule): written and read like a payload."""

    # Keys written only when their value is not None (recorded only in some cases).
    omitted_when_none: ClassVar[frozenset[str]] = frozenset()

    def to_payload(self) -> dict[str, Any]:
        """The dict as stored."""
        written: dict[str, Any] = {}
        for f in _plan(type(self)):
            value = getattr(self, f.name)
            if value is None and f.omitted_when_none:
                continue
            written[f.key] = value if type(value) in _AS_IS else _plain(value)
        return written

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        """The shape of a stored dict: unknown keys ignored, missing ones defaulted."""
        values: dict[str, Any] = {}
        for f in _plan(cls):
            if f.key in payload:
                value = payload[f.key]
                values[f.name] = value if f.read is None or value is None else f.read(value)
            elif f.required:
                raise PayloadError(f"{cls.__name__} payload has no {f.key!r}.")
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class Payload(Shape):
    """What one event records. Each event type has one shape; ``event_type`` says which."""

    event_type: ClassVar[EventType]

    def text(self, field: str) -> str:
        """The text of ``field`` (a statement, a body, a reason), or "" when this shape has no
        such field or it is empty: readers quote and scan what people wrote by field name."""
        value = getattr(self, field, None)
        return str(value) if value else ""


_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if isinstance(value, Shape):
        return value.to_payload()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    key: str
    read: Callable[[Any], Any] | None  # None: the stored value as it is
    required: bool
    omitted_when_none: bool


_PLANS: dict[type, tuple[_Field, ...]] = {}


def _plan(cls: type[Shape]) -> tuple[_Field, ...]:
    """How each field of ``cls`` is written and read, worked out once per shape (its
    annotations are strings until resolved)."""
    if cls not in _PLANS:
        hints = get_type_hints(cls)
        _PLANS[cls] = tuple(
            _Field(
                name=f.name,
                key=f.metadata.get("key", f.name),
                read=_reader(hints[f.name]),
                required=f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING,
                omitted_when_none=f.name in cls.omitted_when_none,
            )
            for f in dataclasses.fields(cls)
        )
    return _PLANS[cls]


def _reader(hint: Any) -> Callable[[Any], Any] | None:
    """How a stored value becomes the field's type (given it is not None): enums, nested
    shapes and tuples are built; anything else is kept as stored."""
    if get_origin(hint) in (Union, types.UnionType):
        (hint,) = [a for a in get_args(hint) if a is not type(None)]
    if get_origin(hint) is tuple:
        item = _reader(get_args(hint)[0])
        return tuple if item is None else lambda values: tuple(item(v) for v in values)
    if isinstance(hint, type) and issubclass(hint, Shape):
        return hint.from_payload
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    return None
