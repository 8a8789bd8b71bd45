"""Prepare a fresh database for ``actas worker`` (used by test_outbox's command-line test).

    python worker_seed.py DATABASE_URL

Migrates the database, builds the default test organisation through the services and opens a
proposal with two required voices, at the real time, then prints as JSON the address of every
email the worker should now send (one line per delivery).
"""

from __future__ import annotations

import asyncio
import sys

import orjson

from actas.api.db import open_migrated
from actas.api.domain.vocabulary import DeliveryChannel, ParticipantRole
from actas.api.models import Delivery
from actas.api.settings import load_settings
from tests.factories import build_world, opened


async def seed(url: str) -> None:
    async with open_migrated(load_settings({"ACTAS_DATABASE_URL": url})):
        world = await build_world()
        await opened(
            world,
            participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.REQUIRED},
        )
        emails = await Delivery.filter(channel=DeliveryChannel.EMAIL).values_list(
            "recipient__email", flat=True
        )
        print(orjson.dumps({"emails": sorted(emails)}).decode())


if __name__ == "__main__":
    asyncio.run(seed(sys.argv[1]))
