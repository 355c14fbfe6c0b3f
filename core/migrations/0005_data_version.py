"""The data version (core/data_version.py): its one-row table and, on PostgreSQL, the
function its triggers call. The triggers themselves are put on every table of the portal's
apps after each migrate (core.data_version.install_triggers), new tables included."""

from django.db import migrations, models

CREATE_FUNCTION = """
CREATE FUNCTION core_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: a new token, committed with the writes that caused it.
    IF current_setting('core.data_version_bumped_in', true)
            IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('core.data_version_bumped_in', txid_current()::text, true);
        INSERT INTO core_dataversion (id, version) VALUES (1, gen_random_uuid()::text)
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    RETURN NULL;
END;
$$
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS core_bump_data_version() CASCADE"


def _execute(schema_editor, statement):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(statement, params=None)


def create_function(apps, schema_editor):
    _execute(schema_editor, CREATE_FUNCTION)


def drop_function(apps, schema_editor):
    _execute(schema_editor, DROP_FUNCTION)  # CASCADE: the triggers go with it


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("version", models.CharField(editable=False, max_length=36)),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="core_one_data_version"
                    )
                ],
            },
        ),
        migrations.RunPython(create_function, drop_function),
    ]
