"""Seeds a database for the live-update tests and prints what they need, as JSON.

Run as ``python -m tests.live.seed`` with ``ACTAS_DATABASE_URL`` set (the database migrated).
"""

from __future__ import annotations

import asyncio
import json
import uuid

from actas.api import db
from actas.api.domain.vocabulary import ParticipantRole, TokenScope, Visibility
from actas.api.services import organisations, proposals
from actas.api.services.access import load_viewer
from actas.api.services.tokens import issue_token
from actas.api.services.users import find_or_create_user
from actas.api.settings import load_settings


async def seed() -> dict[str, object]:
    tag = uuid.uuid4().hex[:8]
    admin = await find_or_create_user(f"admin-{tag}@live.example", name="Admin")
    organisation = await organisations.create_organisation(
        await load_viewer(admin.id), slug=f"live{tag}", name="Live"
    )
    viewer = await load_viewer(admin.id)
    people = {}
    for name in ("decider", "author", "outsider"):
        membership = await organisations.add_member(
            viewer, organisation.id, email=f"{name}-{tag}@live.example", name=name.title()
        )
        people[name] = membership.user_id
    author = await load_viewer(people["author"])
    proposal = await proposals.draft_proposal(
        author,
        organisation.id,
        proposals.ProposalDraft(
            title="Live",
            summary="A proposal to watch.",
            body="",
            visibility=Visibility.PARTICIPANTS,
            participants={people["decider"]: ParticipantRole.DECIDER},
        ),
    )
    await proposals.open_proposal(author, proposal.id)
    tokens = {
        name: (await issue_token(user, scope=TokenScope.WRITE, days=1)).secret
        for name, user in people.items()
    }
    return {"proposal": proposal.id, "tokens": tokens, "users": people}


async def main() -> None:
    await db.open_database(load_settings())
    try:
        print(json.dumps(await seed()))
    finally:
        await db.close_database()


if __name__ == "__main__":
    asyncio.run(main())
