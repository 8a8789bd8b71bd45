"""Prepare a fresh database with a backlog of emails for ``actas worker`` (test_worker_faults).

    python -m tests.api.backlog_seed DATABASE_URL PROPOSALS

Migrates the database, builds the default test organisation and opens ``PROPOSALS`` proposals
with two required voices each, at the real time, then prints as JSON the key of every email
delivery now waiting (the worker sends each as ``Message-ID: <key@actas>``).
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


async def seed(url: str, proposals: int) -> None:
    async with open_migrated(load_settings({"ACTAS_DATABASE_URL": url})):
        world = await build_world()
        for _ in range(proposals):
            await opened(
                world,
                participants={"ana": ParticipantRole.REQUIRED, "teo": ParticipantRole.REQUIRED},
            )
        keys = await Delivery.filter(channel=DeliveryChannel.EMAIL).values_list("key", flat=True)
        print(orjson.dumps({"keys": sorted(keys)}).decode())


if __name__ == "__main__":
    asyncio.run(seed(sys.argv[1], int(sys.argv[2])))
