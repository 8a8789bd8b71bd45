"""Proposals: their text and versions, tags, participants and links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    ProposalState,
    RuleKind,
    Visibility,
)
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.decisions import Decision
    from actas.api.models.organisations import Organisation, Unit
    from actas.api.models.people import User


class Proposal(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposals", on_delete=RESTRICT
    )
    organisation_id: int
    number = fields.IntField()
    title = fields.CharField(max_length=300)
    summary = fields.TextField()
    body = fields.TextField()
    version = fields.IntField(default=1)
    impact_metric = fields.CharField(max_length=200, null=True)
    impact_baseline = fields.CharField(max_length=100, null=True)
    impact_target = fields.CharField(max_length=100, null=True)
    impact_by = fields.DateField(null=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="authored_proposals", on_delete=RESTRICT
    )
    author_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="proposals", null=True, on_delete=RESTRICT
    )
    unit_id: int | None
    visibility = fields.CharEnumField(Visibility, max_length=12, default=Visibility.ORGANISATION)
    # An admin's choice to include the proposal, once closed, in archives built for the public.
    publishable = fields.BooleanField(default=False)
    deadline = fields.DatetimeField(null=True)
    rule = fields.CharEnumField(RuleKind, max_length=10)
    threshold = fields.FloatField()
    quorum = fields.FloatField()
    state = fields.CharEnumField(ProposalState, max_length=9, default=ProposalState.DRAFT)
    # The current tally as canonical JSON, recomputed in every transaction that can change it
    # and frozen when the proposal closes.
    tally = fields.TextField(default="{}")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    opened_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    decision: fields.BackwardOneToOneRelation[Decision]

    class Meta:
        table = "proposal"
        unique_together = (("organisation", "number"),)
        # The second covers who may see a proposal (``visibility``), so a search lists the
        # visible ids from the index alone.
        indexes = (
            ("organisation_id", "state"),
            ("organisation_id", "visibility", "opened_at", "author_id", "unit_id", "id"),
        )


class ProposalTag(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="tags", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="tag_rows", on_delete=RESTRICT
    )
    proposal_id: int
    tag = fields.CharField(max_length=50)

    class Meta:
        table = "proposal_tag"
        unique_together = (("proposal", "tag"),)
        indexes = (("organisation_id", "tag"),)


class ProposalVersion(Model):
    """One revision of a proposal's text (version 1 is the text it was drafted with)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposal_versions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="versions", on_delete=RESTRICT
    )
    proposal_id: int
    number = fields.IntField()
    title = fields.CharField(max_length=300)
    summary = fields.TextField()
    body = fields.TextField()
    change_note = fields.TextField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposal_versions", on_delete=RESTRICT
    )
    author_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_version"
        unique_together = (("proposal", "number"),)


class Participant(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="participants", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="participants", on_delete=RESTRICT
    )
    proposal_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="participations", on_delete=RESTRICT
    )
    user_id: int
    role = fields.CharEnumField(ParticipantRole, max_length=9)
    created_at = fields.DatetimeField()

    class Meta:
        table = "participant"
        unique_together = (("proposal", "user"),)
        indexes = (("organisation_id", "user_id"),)


class ProposalLink(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposal_links", on_delete=RESTRICT
    )
    organisation_id: int
    source: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="links_out", on_delete=RESTRICT
    )
    source_id: int
    target: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="links_in", on_delete=RESTRICT
    )
    target_id: int
    kind = fields.CharEnumField(LinkKind, max_length=10)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proposal_links", on_delete=RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "proposal_link"
        unique_together = (("source", "target", "kind"),)
        indexes = (("target_id",),)
