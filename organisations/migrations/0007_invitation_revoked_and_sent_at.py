"""Invitations can be revoked (who and when, the row stays), and each knows when it was last
sent: its link is valid for two weeks from that e-mail, not from the first one."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max

SENT = ("organisations.representative.invited", "organisations.invitation.resent")


def last_sent_from_the_log(apps, schema_editor):
    """An invitation was last sent when it was created, or when the action log last records
    an e-mail to its address for its organisation after that."""
    db = schema_editor.connection.alias
    Invitation = apps.get_model("organisations", "RepresentativeInvitation")
    Record = apps.get_model("core", "ActionRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    organisation_type = (
        ContentType.objects.using(db)
        .filter(app_label="organisations", model="organisation")
        .first()
    )
    for invitation in Invitation.objects.using(db).iterator(chunk_size=2000):
        sent_at = invitation.created_at
        if organisation_type is not None:
            last = (
                Record.objects.using(db)
                .filter(
                    action_type__in=SENT,
                    content_type=organisation_type,
                    object_id=invitation.organisation_id,
                    data__email=invitation.email,
                    at__gte=invitation.created_at,
                )
                .aggregate(last=Max("at"))["last"]
            )
            sent_at = max(sent_at, last or sent_at)
        Invitation.objects.using(db).filter(pk=invitation.pk).update(sent_at=sent_at)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_releasable_organisation_number"),
        ("core", "0004_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="representativeinvitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
        ),
        migrations.AddField(
            model_name="representativeinvitation",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="revoked by",
            ),
        ),
        migrations.AddField(
            model_name="representativeinvitation",
            name="sent_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last sent"),
        ),
        # Backwards there is nothing to undo: removing the field removes the dates.
        migrations.RunPython(last_sent_from_the_log, migrations.RunPython.noop),
    ]
