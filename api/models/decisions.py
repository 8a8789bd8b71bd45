"""How proposals closed, and the arguments decisions cite."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.domain.vocabulary import ProposalState, RuleKind
from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.debate import Argument
    from actas.api.models.organisations import Organisation
    from actas.api.models.people import User
    from actas.api.models.proposals import Proposal


class Decision(Model):
    """How a proposal closed: outcome, the statement of why, who, when and the tally then."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="decisions", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.OneToOneRelation[Proposal] = fields.OneToOneField(
        "models.Proposal", related_name="decision", on_delete=RESTRICT
    )
    proposal_id: int
    outcome = fields.CharEnumField(ProposalState, max_length=9)
    statement = fields.TextField()
    # Null when the rule itself decided as the deadline passed.
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="decisions", null=True, on_delete=RESTRICT
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField()
    rule = fields.CharEnumField(RuleKind, max_length=10)
    tally = fields.TextField()

    class Meta:
        table = "decision"


class DecisionCitation(Model):
    """An argument the decision statement cites as decisive."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="decision_citations", on_delete=RESTRICT
    )
    organisation_id: int
    decision: fields.ForeignKeyRelation[Decision] = fields.ForeignKeyField(
        "models.Decision", related_name="citations", on_delete=RESTRICT
    )
    decision_id: int
    argument: fields.ForeignKeyRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="citations", on_delete=RESTRICT
    )
    argument_id: int

    class Meta:
        table = "decision_citation"
        unique_together = (("decision", "argument"),)
