from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

from actas.api.services.search_sql import POSTGRES_CREATE, SQLITE_CREATE


async def _create_ranked_index(apps, schema_editor):
    """The ranked index (services/search_sql), then every text already written indexed."""
    dialect = schema_editor.client.capabilities.dialect
    statements = {"sqlite": (SQLITE_CREATE,), "postgres": POSTGRES_CREATE}.get(dialect)
    if statements is None:
        raise RuntimeError(f"actas supports SQLite and PostgreSQL, not {dialect}")
    for statement in statements:
        await schema_editor.client.execute_script(statement)
    from actas.api.services.search_index import index_everything

    await index_everything(schema_editor.client)


async def _drop_ranked_index(apps, schema_editor):
    await schema_editor.client.execute_script("DROP TABLE proposal_fts")

class Migration(migrations.Migration):
    dependencies = [('models', '0009_inferred_absences')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchText',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='search_texts', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='search_texts', on_delete=OnDelete.RESTRICT)),
                ('argument', fields.ForeignKeyField('models.Argument', source_field='argument_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='search_texts', on_delete=OnDelete.RESTRICT)),
                ('title', fields.TextField(default='', unique=False)),
                ('terms', fields.TextField(unique=False)),
            ],
            options={'table': 'search_text', 'app': 'models', 'indexes': [Index(fields=['proposal_id', 'argument_id'])], 'pk_attr': 'id', 'table_description': "The terms of a proposal's title and text (``argument`` null), or of one argument."},
            bases=['Model'],
        ),
        ops.RunPython(_create_ranked_index, _drop_ranked_index),
    ]
