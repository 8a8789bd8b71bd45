"""Publishing: which closed decisions an archive built for the public may include.

An archive for the ``public`` audience carries only proposals an admin marked publishable, and
only those every member may see (``organisation`` visibility): a proposal restricted to a unit or
to its participants never reaches a wider audience. Marking is allowed at any state, closed
included: publication changes who may read the record, never the decision itself, and the mark is
recorded in the event log like every change.
"""

from __future__ import annotations

from actas.api.domain import payloads
from actas.api.domain.errors import ValidationFailed
from actas.api.domain.permissions import ensure_admin
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import Visibility
from actas.api.models import Proposal
from actas.api.services.proposals import proposal_change


async def set_publishable(viewer: Viewer, proposal_id: int, *, publishable: bool) -> Proposal:
    """Mark (or unmark) a proposal for archives built for the public; admins only."""
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        ensure_admin(viewer, actor.member)
        if publishable and proposal.visibility != Visibility.ORGANISATION:
            raise ValidationFailed(
                "Only a proposal visible to the whole organisation can be published.",
                field="publishable",
            )
        if proposal.publishable == publishable:
            return proposal
        proposal.publishable = publishable
        await proposal.save(update_fields=["publishable"])
        work.record(payloads.proposal_publishable(publishable=publishable), proposal_id=proposal.id)
    return proposal
