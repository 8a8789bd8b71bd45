"""Saying who is away, until when, and who speaks for them (``services.absences``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from actas.api.domain import absences as domain
from actas.api.models import Absence
from actas.api.services import absences
from actas.api.services.away import absence_of
from actas.schema.context import Info
from actas.schema.errors import returns_errors
from actas.schema.ids import database_id, optional_database_id
from actas.schema.mutations.results import Errors
from actas.schema.types.absence import AbsenceNode
from actas.schema.types.enums import DelegationScope

AbsenceResult = Annotated[AbsenceNode | Errors, strawberry.union("AbsenceResult")]


@strawberry.input(description="Who speaks for the absent member, and for what.")
class DelegationInput:
    delegate: relay.GlobalID = strawberry.field(description="A member of the organisation.")
    scope: DelegationScope = DelegationScope.ORGANISATION
    unit: relay.GlobalID | None = strawberry.field(
        default=None, description="With scope UNIT: the unit whose proposals it covers."
    )
    proposal: relay.GlobalID | None = strawberry.field(
        default=None, description="With scope PROPOSAL: the one proposal."
    )


@strawberry.input
class AbsenceTermsInput:
    until: datetime = strawberry.field(description="When the absence ends.")
    starts_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    note: str = ""
    delegations: list[DelegationInput] = strawberry.field(
        default_factory=list,
        description="The narrowest that covers a proposal speaks on it: a proposal's, then "
        "the nearest unit's, then the organisation's.",
    )


@strawberry.input
class RecordAbsenceInput:
    organisation: relay.GlobalID
    terms: AbsenceTermsInput
    user: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Who is away (default: you). The head of their unit or of a unit above it, "
        "or an admin, may record it for them, but not as their delegate.",
    )


@strawberry.type
class AbsenceMutations:
    @strawberry.mutation(description="Record that a member is away, and who speaks for them.")
    @returns_errors
    async def record_absence(self, info: Info, input: RecordAbsenceInput) -> AbsenceResult:
        viewer = info.context.viewer
        row = await absences.record_absence(
            viewer,
            database_id(input.organisation, "Organisation"),
            user_id=optional_database_id(input.user, "User") or viewer.user_id,
            terms=_terms(input.terms),
        )
        return await _absence(row)

    @strawberry.mutation(description="Change an absence: its dates, note and delegations.")
    @returns_errors
    async def change_absence(
        self, info: Info, absence: relay.GlobalID, terms: AbsenceTermsInput
    ) -> AbsenceResult:
        row = await absences.change_absence(
            info.context.viewer, database_id(absence, "Absence"), _terms(terms)
        )
        return await _absence(row)

    @strawberry.mutation(description="End an absence now (one not begun is called off).")
    @returns_errors
    async def end_absence(self, info: Info, absence: relay.GlobalID) -> AbsenceResult:
        row = await absences.end_absence(info.context.viewer, database_id(absence, "Absence"))
        return await _absence(row)


def _terms(given: AbsenceTermsInput) -> absences.AbsenceTerms:
    return absences.AbsenceTerms(
        ends_at=given.until,
        starts_at=given.starts_at,
        note=given.note,
        delegations=tuple(
            domain.Delegation(
                delegate_id=database_id(d.delegate, "User"),
                scope=d.scope,
                unit_id=optional_database_id(d.unit, "Unit"),
                proposal_id=optional_database_id(d.proposal, "Proposal"),
            )
            for d in given.delegations
        ),
    )


async def _absence(row: Absence) -> AbsenceNode:
    return AbsenceNode.of(await absence_of(row.id), row.organisation_id)
