"""Write entry points. Each resolver is one call into a service; expected failures come back as
typed members of the mutation's result union (see ``schema.errors``)."""

from __future__ import annotations

import strawberry

from actas.schema.mutations.absences import AbsenceMutations
from actas.schema.mutations.debate import DebateMutations
from actas.schema.mutations.follow_through import FollowThroughMutations
from actas.schema.mutations.organisations import OrganisationMutations
from actas.schema.mutations.proposals import ProposalMutations
from actas.schema.mutations.publishing import PublishingMutations
from actas.schema.mutations.tokens import TokenMutations


@strawberry.type
class Mutation(
    OrganisationMutations,
    ProposalMutations,
    DebateMutations,
    TokenMutations,
    PublishingMutations,
    FollowThroughMutations,
    AbsenceMutations,
):
    pass
