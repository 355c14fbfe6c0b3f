"""The action log's hash chain, part 1: each record gets the hash of the one before it and
its own, and its time is set by the model (no longer auto_now_add) so that it can be hashed
before the record is inserted."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        # The records copied from accounts.ActionRecord must be there before they are
        # linked (0003), and their time set (by an update) before updates are refused (0004).
        ("accounts", "0003_officials_permission_and_action_log"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionrecord",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="at",
            ),
        ),
        migrations.AddField(
            model_name="actionrecord",
            name="previous_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="previous hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="actionrecord",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
    ]
