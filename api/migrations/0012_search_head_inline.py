from tortoise import migrations
from tortoise.migrations import operations as ops

from actas.api.services.search_sql import POSTGRES_HEAD_INLINE


# A decision's proposal is one-to-one (models.Decision), unique on PostgreSQL, but SQLite's table
# was created without the index: every hit of a search, loaded with its decision, scanned every
# decision (at 10,000, 20 hits took 38 ms of a search's 60 for a rare word).
SQLITE_DECISION_BY_PROPOSAL = (
    "CREATE UNIQUE INDEX IF NOT EXISTS decision_proposal_id_key ON decision (proposal_id)"
)


async def _head_inline(apps, schema_editor):
    """PostgreSQL: the ranked head kept in the row (services/search_sql), and the heads already
    written moved there. SQLite: a search's hits find their decision by index."""
    if schema_editor.client.capabilities.dialect == "postgres":
        for statement in POSTGRES_HEAD_INLINE:
            await schema_editor.client.execute_script(statement)
    else:
        await schema_editor.client.execute_script(SQLITE_DECISION_BY_PROPOSAL)


async def _head_toasted(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(
            "ALTER TABLE proposal_fts ALTER COLUMN head SET STORAGE EXTENDED"
        )
    else:
        await schema_editor.client.execute_script("DROP INDEX IF EXISTS decision_proposal_id_key")


class Migration(migrations.Migration):
    dependencies = [('models', '0011_themes_and_embeddings')]

    initial = False

    operations = [
        ops.RunPython(_head_inline, _head_toasted),
    ]
