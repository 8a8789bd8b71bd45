from tortoise import migrations
from tortoise.migrations import operations as ops
from actas.api.domain.vocabulary import DeliveryStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_invitations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProcessedMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message_id', fields.CharField(unique=True, max_length=255)),
                ('outcome', fields.CharField(max_length=40)),
                ('user_id', fields.IntField(null=True)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'processed_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An inbound email already handled, by its Message-ID: one message is processed once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReplyAddress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('delivery_key', fields.CharField(unique=True, max_length=200)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='reply_addresses', on_delete=OnDelete.RESTRICT)),
                ('organisation_id', fields.IntField()),
                ('proposal_id', fields.IntField()),
                ('argument_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reply_address', 'app': 'models', 'indexes': [Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': "The key of one email's ``reply+<key>@`` address, stored only as a SHA-256 like a token:"},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Delivery',
            name='status',
            field=fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENT: sent\nSKIPPED: skipped\nFAILED: failed', enum_type=DeliveryStatus, max_length=7),
        ),
        ops.AddField(
            model_name='User',
            name='link_generation',
            field=fields.IntField(default=0),
        ),
    ]
