"""One of several processes writing to the same database at once (used by test_concurrency).

    python concurrent_writer.py DATABASE_URL PROPOSAL_ID TAG ROUNDS USER_ID...

It opens the database, prints ``ready`` and waits for a line on standard input, so the test can
start every writer at the same moment. Then each user adds one argument and takes one position
per round, through the services. Any error ends the process with a traceback and a non-zero
status.
"""

from __future__ import annotations

import asyncio
import sys

from actas.api.db import close_database, open_database
from actas.api.domain.vocabulary import PositionStance, Stance
from actas.api.services import debate
from actas.api.services.access import load_viewer
from actas.api.settings import load_settings

STANCES = [PositionStance.AGREE, PositionStance.ABSTAIN, PositionStance.DISAGREE]


async def write(url: str, proposal_id: int, tag: str, rounds: int, users: list[int]) -> None:
    await open_database(load_settings({"ACTAS_DATABASE_URL": url}))
    try:
        viewers = [await load_viewer(user) for user in users]
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        for round_ in range(rounds):
            for viewer in viewers:
                await debate.add_argument(
                    viewer,
                    proposal_id,
                    stance=Stance.COMMENT,
                    body=f"{tag} user {viewer.user_id} round {round_}",
                )
                await debate.take_position(
                    viewer,
                    proposal_id,
                    stance=STANCES[round_ % len(STANCES)],
                    reason=f"{tag} round {round_}",
                )
    finally:
        await close_database()


if __name__ == "__main__":
    url, proposal, tag, rounds, *user_ids = sys.argv[1:]
    asyncio.run(write(url, int(proposal), tag, int(rounds), [int(u) for u in user_ids]))
