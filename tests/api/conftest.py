"""Fixtures shared by the domain and service tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.receivers import MailServer


@pytest.fixture
def mail() -> Iterator[MailServer]:
    """A real SMTP server on a free port, for the test's worker to send through."""
    with MailServer() as server:
        yield server
