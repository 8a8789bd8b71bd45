from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_following_through')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Proposal',
            name='publishable',
            field=fields.BooleanField(default=False),
        ),
    ]
