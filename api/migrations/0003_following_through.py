from tortoise import migrations
from tortoise.migrations import operations as ops
from actas.api.domain.vocabulary import DeliveryChannel, DeliveryStatus, EmailMode, FollowUpStatus, OutcomeVerdict
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_append_only_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FollowUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=300)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.RESTRICT)),
                ('due', fields.DateField()),
                ('status', fields.CharEnumField(default=FollowUpStatus.OPEN, description='OPEN: open\nDONE: done\nDROPPED: dropped', enum_type=FollowUpStatus, max_length=7)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'follow_up', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'status', 'due'])], 'pk_attr': 'id', 'table_description': 'An action that carries an accepted decision through to its result.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'unique_together': (('event', 'user'),), 'indexes': [Index(fields=['user_id', 'read_at']), Index(fields=['user_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One in-app notification: an event, for one person, with the reason they are told.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutcomeReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='outcome_reviews', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.OneToOneField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='outcome_review', on_delete=OnDelete.RESTRICT)),
                ('observed', fields.CharField(max_length=100)),
                ('verdict', fields.CharEnumField(description='MET: met\nPARTLY: partly\nNOT_MET: not_met', enum_type=OutcomeVerdict, max_length=7)),
                ('comment', fields.TextField(default='', unique=False)),
                ('reviewed_by', fields.ForeignKeyField('models.User', source_field='reviewed_by_id', db_constraint=True, to_field='id', related_name='outcome_reviews', on_delete=OnDelete.RESTRICT)),
                ('reviewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outcome_review', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What the decision achieved, recorded when its expected impact falls due.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScheduledNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='scheduled_notices', on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scheduled_notice', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A scheduled step already taken: a reminder, an escalation, a deadline or a digest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Subscription',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.RESTRICT)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.RESTRICT)),
                ('following', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'subscription', 'app': 'models', 'unique_together': (('proposal', 'user'),), 'pk_attr': 'id', 'table_description': 'Whether a person follows a proposal.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Webhook',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.RESTRICT)),
                ('url', fields.CharField(max_length=500)),
                ('secret', fields.CharField(max_length=200)),
                ('event_types', fields.TextField(default='', unique=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook', 'app': 'models', 'indexes': [Index(fields=['organisation_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharEnumField(description='EMAIL: email\nWEBHOOK: webhook', enum_type=DeliveryChannel, max_length=7)),
                ('key', fields.CharField(unique=True, max_length=36)),
                ('notification', fields.ForeignKeyField('models.Notification', source_field='notification_id', null=True, db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('webhook', fields.ForeignKeyField('models.Webhook', source_field='webhook_id', null=True, db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('recipient', fields.ForeignKeyField('models.User', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('payload', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=DeliveryStatus, max_length=7)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['webhook_id', 'id'])], 'pk_attr': 'id', 'table_description': 'The outbox: one message to send through one channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='delivery_attempts', on_delete=OnDelete.RESTRICT)),
                ('delivery', fields.ForeignKeyField('models.Delivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_log', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('succeeded', fields.BooleanField()),
                ('detail', fields.TextField(default='', unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery_attempt', 'app': 'models', 'unique_together': (('delivery', 'number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Decision',
            name='decided_by',
            field=fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Membership',
            name='email_mode',
            field=fields.CharEnumField(default=EmailMode.IMMEDIATE, description='IMMEDIATE: immediate\nDAILY: daily\nWEEKLY: weekly\nOFF: off', enum_type=EmailMode, max_length=9),
        ),
        ops.AddField(
            model_name='Organisation',
            name='escalation_hours',
            field=fields.IntField(default=24),
        ),
        ops.AddField(
            model_name='Organisation',
            name='reminder_hours',
            field=fields.CharField(default='48,24', max_length=50),
        ),
    ]
