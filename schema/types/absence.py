"""Absences and delegations, and who is away from a proposal (``domain.absences``)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from actas.api.domain.absences import Absence, AwayVoice, may_read_note
from actas.schema.context import Info
from actas.schema.ids import global_id
from actas.schema.types.enums import AbsenceSource, DelegationScope
from actas.schema.types.people import UserNode


async def _user(info: Info, user_id: int) -> UserNode:
    user = await info.context.loaders.user.load(user_id)
    assert user is not None
    return UserNode.from_model(user)


@strawberry.type(description="Who speaks for an absent member, and for what.")
class DelegationNode:
    scope: DelegationScope
    unit_id: strawberry.Private[int | None]
    proposal_id: strawberry.Private[int | None]
    delegate_id: strawberry.Private[int]
    organisation_id: strawberry.Private[int]

    @strawberry.field(description="The member who speaks for them.")
    async def delegate(self, info: Info) -> UserNode:
        return await _user(info, self.delegate_id)

    @strawberry.field(description="The unit whose proposals it covers (scope UNIT).")
    def unit(self) -> relay.GlobalID | None:
        return global_id("Unit", self.unit_id) if self.unit_id is not None else None

    @strawberry.field(description="The proposal it covers (scope PROPOSAL).")
    def proposal(self) -> relay.GlobalID | None:
        return global_id("Proposal", self.proposal_id) if self.proposal_id is not None else None


@strawberry.type(name="Absence", description="A member away, from when until when.")
class AbsenceNode:
    id: relay.GlobalID
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="When it ends (ending early moves it).")
    source: AbsenceSource = strawberry.field(
        description="RECORDED, or AUTO_REPLY: inferred from an automatic reply to one of actas' "
        "emails (probably away; shown only to the member, their heads and admins; it ends "
        "when they next act)."
    )
    until_stated: bool = strawberry.field(
        description="False when an automatic reply gave no return date (a few days are assumed)."
    )
    delegations: list[DelegationNode]
    user_id: strawberry.Private[int]
    organisation_id: strawberry.Private[int]
    said: strawberry.Private[str]

    @classmethod
    def of(cls, absence: Absence, organisation_id: int) -> AbsenceNode:
        assert absence.id is not None
        return cls(
            id=global_id("Absence", absence.id),
            starts_at=absence.starts_at,
            ends_at=absence.ends_at,
            source=AbsenceSource.AUTO_REPLY if absence.probable else AbsenceSource.RECORDED,
            until_stated=absence.until_stated,
            said=absence.note,
            organisation_id=organisation_id,
            delegations=[
                DelegationNode(
                    scope=d.scope,
                    unit_id=d.unit_id,
                    proposal_id=d.proposal_id,
                    delegate_id=d.delegate_id,
                    organisation_id=organisation_id,
                )
                for d in absence.delegations
            ],
            user_id=absence.user_id,
        )

    @strawberry.field(description="The member who is away.")
    async def user(self, info: Info) -> UserNode:
        return await _user(info, self.user_id)

    @strawberry.field(
        description="Why, in their words: shown to the member and to admins only (it may be "
        "personal); empty for anyone else."
    )
    def note(self, info: Info) -> str:
        viewer = info.context.viewer
        shown = may_read_note(viewer.user_id, viewer.member_of(self.organisation_id), self.user_id)
        return self.said if shown else ""


@strawberry.type(description="A voter away from this proposal's debate now.")
class AwayVoiceNode:
    until: datetime
    probable: bool = strawberry.field(
        description="Only an automatic reply said so (probably away): shown to the voter, "
        "their heads, the proposal's author and admins only."
    )
    until_stated: bool = strawberry.field(
        description="False when the automatic reply gave no return date."
    )
    user_id: strawberry.Private[int]
    delegate_id: strawberry.Private[int | None]
    skipped_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, voice: AwayVoice) -> AwayVoiceNode:
        return cls(
            until=voice.until,
            probable=voice.probable,
            until_stated=voice.until_stated,
            user_id=voice.user_id,
            delegate_id=voice.delegate_id,
            skipped_id=voice.skipped_delegate_id,
        )

    @strawberry.field(description="The voter who is away.")
    async def user(self, info: Info) -> UserNode:
        return await _user(info, self.user_id)

    @strawberry.field(
        description="Who speaks for them here (null: nobody can; if they are a required voice "
        "away past the deadline, their head and the author have been told)."
    )
    async def delegate(self, info: Info) -> UserNode | None:
        return await _user(info, self.delegate_id) if self.delegate_id is not None else None

    @strawberry.field(
        description="A delegate they named who cannot speak here (away too, or unable to vote "
        "on it)."
    )
    async def skipped_delegate(self, info: Info) -> UserNode | None:
        return await _user(info, self.skipped_id) if self.skipped_id is not None else None
