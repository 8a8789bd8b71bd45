"""The record is append-only: the database itself refuses to change or remove an event."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE = [
    """CREATE TRIGGER event_no_update BEFORE UPDATE ON event
       BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER event_no_delete BEFORE DELETE ON event
       BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION actas_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the event log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
       FOR EACH ROW EXECUTE FUNCTION actas_event_append_only()""",
    """CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event
       FOR EACH STATEMENT EXECUTE FUNCTION actas_event_append_only()""",
]
SQLITE_UNDO = ["DROP TRIGGER event_no_update", "DROP TRIGGER event_no_delete"]
POSTGRES_UNDO = [
    "DROP TRIGGER event_no_truncate ON event",
    "DROP TRIGGER event_append_only ON event",
    "DROP FUNCTION actas_event_append_only()",
]


def _for_dialect(sqlite, postgres):
    async def run(apps, schema_editor):
        dialect = schema_editor.client.capabilities.dialect
        statements = {"sqlite": sqlite, "postgres": postgres}.get(dialect)
        if statements is None:
            raise RuntimeError(f"actas supports SQLite and PostgreSQL, not {dialect}")
        for statement in statements:
            await schema_editor.client.execute_script(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [
        ops.RunPython(_for_dialect(SQLITE, POSTGRES), _for_dialect(SQLITE_UNDO, POSTGRES_UNDO)),
    ]
