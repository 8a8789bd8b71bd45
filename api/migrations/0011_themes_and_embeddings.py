from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


async def _extract_keyphrases(apps, schema_editor):
    """Every proposal already written gets its keyphrases (the themes count them). Embeddings
    are not computed here: the extra may be missing; `actas db reindex` writes them."""
    from actas.api.services.themes import extract_everything

    await extract_everything(schema_editor.client)


async def _nothing(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [('models', '0010_search_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Keyphrase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='keyphrases', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='keyphrases', on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(max_length=200)),
                ('phrase', fields.CharField(max_length=200)),
            ],
            options={'table': 'keyphrase', 'app': 'models', 'unique_together': (('proposal_id', 'key'),), 'indexes': [Index(fields=['organisation_id', 'key'])], 'pk_attr': 'id', 'table_description': 'A phrase that says what a proposal is about (``domain.themes``), extracted from its title'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalEmbedding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='proposal_embeddings', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='embeddings', on_delete=OnDelete.RESTRICT)),
                ('model', fields.CharField(max_length=64)),
                ('vector', fields.BinaryField()),
            ],
            options={'table': 'proposal_embedding', 'app': 'models', 'unique_together': (('proposal_id', 'model'),), 'indexes': [Index(fields=['organisation_id', 'model'])], 'pk_attr': 'id', 'table_description': "A proposal's title and summary as a sentence embedding (``services.embeddings``), for"},
            bases=['Model'],
        ),
        ops.RunPython(_extract_keyphrases, _nothing),
    ]
