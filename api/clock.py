"""The one clock every service reads, replaceable for a simulation, a demo or a test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


def _system_now() -> datetime:
    return datetime.now(UTC)


_clock: ContextVar[Callable[[], datetime]] = ContextVar("actas_clock", default=_system_now)


def now() -> datetime:
    """The current time, aware and in UTC."""
    return _clock.get()()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make ``now()`` return ``moment`` inside the block (for demos, simulations and tests)."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _clock.set(lambda: moment)
    try:
        yield
    finally:
        _clock.reset(token)


@contextmanager
def running_from(moment: datetime) -> Iterator[None]:
    """Make ``now()`` start at ``moment`` inside the block and run on with real time (for tests
    of what happens over real seconds, such as leases being renewed, in a chosen era)."""
    if moment.tzinfo is None:
        raise ValueError("running_from needs an aware datetime")
    started = time.monotonic()
    token = _clock.set(lambda: moment + timedelta(seconds=time.monotonic() - started))
    try:
        yield
    finally:
        _clock.reset(token)
