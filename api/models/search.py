"""What proposals are found by: the terms of each proposal's text and of each argument.

Derived from the texts (``domain.text_search``) in the transaction that writes them, and rebuilt
whole by ``actas db reindex``. The ranked index each search asks, one row per proposal
(SQLite FTS5 ``proposal_fts``, PostgreSQL ``tsvector`` with a GIN index), is built from these rows
by ``services/search_index``; it is not a Tortoise model since neither kind of table is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from actas.api.models.base import RESTRICT

if TYPE_CHECKING:
    from actas.api.models.debate import Argument
    from actas.api.models.organisations import Organisation
    from actas.api.models.proposals import Proposal


class SearchText(Model):
    """The terms of a proposal's title and text (``argument`` null), or of one argument."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="search_texts", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="search_texts", on_delete=RESTRICT
    )
    proposal_id: int
    argument: fields.ForeignKeyNullableRelation[Argument] = fields.ForeignKeyField(
        "models.Argument", related_name="search_texts", null=True, unique=True, on_delete=RESTRICT
    )
    argument_id: int | None
    title = fields.TextField(default="")
    terms = fields.TextField()

    class Meta:
        table = "search_text"
        indexes = (("proposal_id", "argument_id"),)


class ProposalEmbedding(Model):
    """A proposal's title and summary as a sentence embedding (``services.embeddings``), for
    "decided before?" with the analytics extra: written with each change of that text, by the
    model named, so a change of model never compares vectors of two."""

    id = fields.IntField(primary_key=True)  # a new row per change: (count, max id) dates a cache
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="proposal_embeddings", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="embeddings", on_delete=RESTRICT
    )
    proposal_id: int
    model = fields.CharField(max_length=64)
    vector = fields.BinaryField()  # float32, L2-normalised

    class Meta:
        table = "proposal_embedding"
        unique_together = (("proposal_id", "model"),)
        indexes = (("organisation_id", "model"),)


class Keyphrase(Model):
    """A phrase that says what a proposal is about (``domain.themes``), extracted from its title
    and text with each change of them; the organisation's themes are these counted."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="keyphrases", on_delete=RESTRICT
    )
    organisation_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="keyphrases", on_delete=RESTRICT
    )
    proposal_id: int
    key = fields.CharField(max_length=200)  # its words' terms (stemmed, unaccented), in order
    phrase = fields.CharField(max_length=200)  # as the text writes it

    class Meta:
        table = "keyphrase"
        unique_together = (("proposal_id", "key"),)
        indexes = (("organisation_id", "key"),)
