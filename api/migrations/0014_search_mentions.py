from tortoise import migrations
from tortoise.migrations import operations as ops


async def _count_mentions(apps, schema_editor):
    """Every entry of the ranked index rebuilt from the terms stored: a title or text now counts
    each term at most ``search_index.MENTIONS`` times."""
    from actas.api.services.search_index import refresh_everything

    await refresh_everything(schema_editor.client)


async def _nothing(apps, schema_editor):
    """Going back keeps the entries: they rank as well, only with fewer mentions."""


class Migration(migrations.Migration):
    dependencies = [('models', '0013_proposal_visibility_index')]

    initial = False

    operations = [
        ops.RunPython(_count_mentions, _nothing),
    ]
