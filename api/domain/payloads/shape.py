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
from collections.abc import Mapping
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
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in self.omitted_when_none:
                continue
            written[f.metadata.get("key", f.name)] = _plain(value)
        return written

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], **extra: Any) -> Self:
        """The shape of a stored dict: unknown keys ignored, missing ones defaulted."""
        hints = _hints(cls)
        values: dict[str, Any] = dict(extra)
        for f in dataclasses.fields(cls):
            key = f.metadata.get("key", f.name)
            if key in payload:
                values[f.name] = _typed(hints[f.name], payload[key])
            elif not _has_default(f):
                raise PayloadError(f"{cls.__name__} payload has no {key!r}.")
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


def _typed(hint: Any, value: Any) -> Any:
    """``value`` read as the field's type: enums, nested shapes and tuples; the rest as is."""
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (hint,) = [a for a in get_args(hint) if a is not type(None)]
        return _typed(hint, value)
    if origin is tuple:
        item = get_args(hint)[0]
        return tuple(_typed(item, v) for v in value)
    if isinstance(hint, type) and issubclass(hint, Shape):
        return hint.from_payload(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The fields' types, resolved once per shape (annotations are strings here)."""
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
