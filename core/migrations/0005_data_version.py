"""The data version (core/data_version.py): its one-row table and, on PostgreSQL, what its
triggers call. The triggers themselves are put on every table of the portal's apps after
each migrate (core.data_version.install_triggers), new tables included.

A portal table's trigger runs after each statement that writes to it (not deferred: it
leaves no pending events on the table, so a later ALTER TABLE in the same transaction is
not refused), and once per transaction adds a row to core_dataversion_pending. That row's
deferred trigger runs at commit and queues another behind every other check of the commit
(foreign keys included); only the second takes the version's row and sets a new token. A
transaction holds that row only at the very end of its commit, when it waits for nothing
else: no deadlock."""

from django.db import migrations, models

CREATE = [
    "CREATE TABLE core_dataversion_pending "
    "(id bigserial PRIMARY KEY, last boolean NOT NULL DEFAULT false)",
    """
CREATE FUNCTION core_bump_data_version() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Once per transaction: a pending row, whose trigger sets the token at commit.
    IF current_setting('core.data_version_bumped_in', true)
            IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('core.data_version_bumped_in', txid_current()::text, true);
        INSERT INTO core_dataversion_pending DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$
""",
    """
CREATE FUNCTION core_set_data_version() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM core_dataversion_pending WHERE id = NEW.id;
    IF NOT NEW.last THEN
        -- Queued now, at commit: behind every check the transaction's statements queued.
        INSERT INTO core_dataversion_pending (last) VALUES (true);
    ELSE
        INSERT INTO core_dataversion (id, version) VALUES (1, gen_random_uuid()::text)
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
    RETURN NULL;
END;
$$
""",
    """
CREATE CONSTRAINT TRIGGER core_set_data_version AFTER INSERT ON core_dataversion_pending
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_set_data_version()
""",
]
DROP = [
    "DROP FUNCTION IF EXISTS core_bump_data_version() CASCADE",  # the portal tables' triggers
    "DROP TABLE IF EXISTS core_dataversion_pending",
    "DROP FUNCTION IF EXISTS core_set_data_version()",
]


def _execute(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement, params=None)


def create_functions(apps, schema_editor):
    _execute(schema_editor, CREATE)


def drop_functions(apps, schema_editor):
    _execute(schema_editor, DROP)


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
        migrations.RunPython(create_functions, drop_functions),
    ]
