from tortoise import migrations
from tortoise.migrations import operations as ops
from actas.api.domain.membership import InvitationState
from actas.api.domain.vocabulary import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_idempotency')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('invitee', fields.ForeignKeyField('models.User', source_field='invitee_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('invited_by', fields.ForeignKeyField('models.User', source_field='invited_by_id', db_constraint=True, to_field='id', related_name='invitations_sent', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(default='', max_length=200)),
                ('role', fields.CharEnumField(default=Role.MEMBER, description='ADMIN: admin\nMEMBER: member\nOBSERVER: observer', enum_type=Role, max_length=8)),
                ('external', fields.BooleanField(default=False)),
                ('weight', fields.IntField(default=1)),
                ('state', fields.CharEnumField(default=InvitationState.PENDING, description='PENDING: pending\nACCEPTED: accepted\nDECLINED: declined\nREVOKED: revoked\nEXPIRED: expired', enum_type=InvitationState, max_length=8)),
                ('membership', fields.ForeignKeyField('models.Membership', source_field='membership_id', null=True, db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invitation', 'app': 'models', 'indexes': [Index(fields=['invitee_id', 'state']), Index(fields=['organisation_id', 'state'])], 'pk_attr': 'id', 'table_description': 'The terms of the membership an admin offers, kept until the invitee answers.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='instance_admin',
            field=fields.BooleanField(default=False),
        ),
    ]
