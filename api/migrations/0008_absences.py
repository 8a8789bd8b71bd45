from tortoise import migrations
from tortoise.migrations import operations as ops
from actas.api.domain.vocabulary import CastBy, DelegationScope
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_inbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Absence',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='absences', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='absences', on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='absences_recorded', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'absence', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'ends_at']), Index(fields=['user_id', 'ends_at'])], 'pk_attr': 'id', 'table_description': 'A member away from ``starts_at`` until ``ends_at`` (ending early moves ``ends_at``).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delegation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='delegations', on_delete=OnDelete.RESTRICT)),
                ('absence', fields.ForeignKeyField('models.Absence', source_field='absence_id', db_constraint=True, to_field='id', related_name='delegations', on_delete=OnDelete.RESTRICT)),
                ('delegate', fields.ForeignKeyField('models.User', source_field='delegate_id', db_constraint=True, to_field='id', related_name='delegations', on_delete=OnDelete.RESTRICT)),
                ('scope', fields.CharEnumField(description='ORGANISATION: organisation\nUNIT: unit\nPROPOSAL: proposal', enum_type=DelegationScope, max_length=12)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='delegations', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', null=True, db_constraint=True, to_field='id', related_name='delegations', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'delegation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'While its absence lasts, ``delegate`` speaks for the absent member within ``scope``.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Position',
            name='cast_by',
            field=fields.CharEnumField(default=CastBy.MEMBER, description='MEMBER: member\nDELEGATE: delegate\nPROXY: proxy', enum_type=CastBy, max_length=8),
        ),
        ops.AddField(
            model_name='Position',
            name='caster',
            field=fields.ForeignKeyField('models.User', source_field='caster_id', null=True, db_constraint=True, to_field='id', related_name='positions_cast', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Position',
            name='note',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='PositionChange',
            name='cast_by',
            field=fields.CharEnumField(default=CastBy.MEMBER, description='MEMBER: member\nDELEGATE: delegate\nPROXY: proxy', enum_type=CastBy, max_length=8),
        ),
        ops.AddField(
            model_name='PositionChange',
            name='caster',
            field=fields.ForeignKeyField('models.User', source_field='caster_id', null=True, db_constraint=True, to_field='id', related_name='position_changes_cast', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='PositionChange',
            name='note',
            field=fields.TextField(default='', unique=False),
        ),
    ]
