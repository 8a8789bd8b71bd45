"""The month is lived once for the whole package: its tests and its absences' tests read it."""

from __future__ import annotations

import pytest

from actas.api.settings import Settings
from tests.simulation.lived import Lived, live


@pytest.fixture(scope="package")
async def lived(database: Settings) -> Lived:
    return await live(database)
