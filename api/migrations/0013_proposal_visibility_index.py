from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_search_head_inline')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Proposal',
            index=Index(fields=['organisation_id', 'visibility', 'opened_at', 'author_id', 'unit_id', 'id']),
        ),
    ]
