"""The action log's hash chain, part 2: the records written before it existed (those copied
by accounts 0003 among them) are linked in their order, at then pk."""

from django.db import migrations

from core.hashchain import GENESIS_HASH, record_hash


def link_existing_records(apps, schema_editor):
    db = schema_editor.connection.alias
    Record = apps.get_model("core", "ActionRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    labels = {
        content_type.pk: f"{content_type.app_label}.{content_type.model}"
        for content_type in ContentType.objects.using(db).all()
    }
    previous_hash = GENESIS_HASH
    linked = []
    for record in Record.objects.using(db).order_by("at", "pk").iterator(chunk_size=2000):
        record.previous_hash = previous_hash
        record.hash = record_hash(
            previous_hash=previous_hash,
            actor_id=record.actor_id,
            action_type=record.action_type,
            content_type=labels.get(record.content_type_id),
            object_id=record.object_id,
            data=record.data,
            at=record.at,
        )
        previous_hash = record.hash
        linked.append(record)
        if len(linked) == 2000:
            Record.objects.using(db).bulk_update(linked, ["previous_hash", "hash"])
            linked = []
    Record.objects.using(db).bulk_update(linked, ["previous_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_actionrecord_hash"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Backwards there is nothing to undo: 0002 removes the columns.
        migrations.RunPython(link_existing_records, migrations.RunPython.noop),
    ]
