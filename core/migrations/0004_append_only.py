"""The action log's hash chain, part 3: no two records follow the same one, and on
PostgreSQL the database refuses to update or delete a record.

TRUNCATE is left alone: the test runner empties the tables with it between tests that
commit (pytest-django's transaction=True, the browser tests' live server)."""

from django.db import migrations, models

CREATE_FUNCTION = """
CREATE FUNCTION core_actionrecord_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The action log is append-only: % of record % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Records are only ever added; record a new action instead.';
END;
$$
"""
CREATE_TRIGGER = """
CREATE TRIGGER core_actionrecord_append_only
BEFORE UPDATE OR DELETE ON core_actionrecord
FOR EACH ROW EXECUTE FUNCTION core_actionrecord_append_only()
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS core_actionrecord_append_only ON core_actionrecord"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS core_actionrecord_append_only()"


def _execute(schema_editor, *statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_trigger(apps, schema_editor):
    _execute(schema_editor, CREATE_FUNCTION, CREATE_TRIGGER)


def drop_trigger(apps, schema_editor):
    _execute(schema_editor, DROP_TRIGGER, DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_link_existing_records"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="actionrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("previous_hash", ""), _negated=True),
                fields=("previous_hash",),
                name="core_actionrecord_one_successor",
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
