"""A webhook call names other proposals only as every member would see them: a link to a
proposal every member sees carries its reference, a link to a hidden one leaves it out."""

from __future__ import annotations

from datetime import timedelta

from actas.api import clock
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import LinkKind, Visibility
from actas.api.services import proposals
from actas.api.services.outbox import deliver_due
from actas.api.settings import Settings
from tests.api.receivers import MailServer, WebhookReceiver, fresh_era
from tests.api.test_outbox import reference, register, worker_settings, world_in
from tests.factories import opened


async def test_a_link_reaches_a_webhook_by_reference_and_never_names_a_hidden_proposal(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    world = await world_in(era)
    settings = worker_settings(database, mail)
    async with WebhookReceiver() as receiver:
        with clock.frozen_at(era + timedelta(hours=1)):
            await register(world, receiver, event_types=(EventType.PROPOSAL_LINKED.value,))
            source, public = await opened(world), await opened(world)
            hidden = await opened(world, visibility=Visibility.PARTICIPANTS)
            mara = await world.viewer("mara")
            for target in (public, hidden):
                await proposals.link_proposals(mara, source.id, target.id, LinkKind.RELATED)
            await deliver_due(settings)

    payloads = [c.body["event"]["payload"] for c in receiver.calls]
    assert {"target": reference(world, public), "kind": "related"} in [
        {k: p[k] for k in ("target", "kind") if k in p} for p in payloads
    ]
    assert len(payloads) == 2
    hidden_ones = [p for p in payloads if p.get("target") != reference(world, public)]
    assert hidden_ones and all("target" not in p for p in hidden_ones)
