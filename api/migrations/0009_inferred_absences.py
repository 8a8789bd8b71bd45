from tortoise import migrations
from tortoise.migrations import operations as ops
from actas.api.domain.vocabulary import AbsenceSource
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_absences')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Absence',
            options={'table': 'absence', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'ends_at']), Index(fields=['user_id', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'A member away from ``starts_at`` until ``ends_at`` (ending early moves ``ends_at``):'},
        ),
        ops.AddField(
            model_name='Absence',
            name='source',
            field=fields.CharEnumField(default=AbsenceSource.RECORDED, description='RECORDED: recorded\nAUTO_REPLY: auto_reply', enum_type=AbsenceSource, max_length=12),
        ),
        ops.AddField(
            model_name='Absence',
            name='until_stated',
            field=fields.BooleanField(default=True),
        ),
    ]
