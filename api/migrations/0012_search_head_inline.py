from tortoise import migrations
from tortoise.migrations import operations as ops

from actas.api.services.search_sql import POSTGRES_HEAD_INLINE


async def _head_inline(apps, schema_editor):
    """PostgreSQL: the ranked head kept in the row (services/search_sql), and the heads already
    written moved there. SQLite's index is unchanged."""
    if schema_editor.client.capabilities.dialect == "postgres":
        for statement in POSTGRES_HEAD_INLINE:
            await schema_editor.client.execute_script(statement)


async def _head_toasted(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "ALTER TABLE proposal_fts ALTER COLUMN head SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0011_themes_and_embeddings')]

    initial = False

    operations = [
        ops.RunPython(_head_inline, _head_toasted),
    ]
