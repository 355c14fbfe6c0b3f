"""Being an official becomes a permission (accounts.official) granted to the Officials group,
and the action log moves to core.ActionRecord: dotted action types, a generic relation to
the subject, JSON data. Existing records are copied; a subject that was stored only as text
is found again where that text names exactly one row, and kept as text in the data where
it does not."""

from django.db import migrations

OFFICIALS_GROUP = "Officials"

NEW_TYPES = {
    "organisation_registered": "organisations.organisation.registered",
    "organisation_changed": "organisations.organisation.changed",
    "organisation_verified": "organisations.organisation.verified",
    "organisation_rejected": "organisations.organisation.rejected",
    "representative_invited": "organisations.representative.invited",
    "invitation_accepted": "organisations.invitation.accepted",
    "representative_removed": "organisations.representative.removed",
    "signed_online": "compact.signature.signed_online",
    "application_submitted": "compact.application.submitted",
    "application_approved": "compact.application.approved",
    "application_rejected": "compact.application.rejected",
    "signature_withdrawn": "compact.signature.withdrawn",
}
DETAIL_KEY = {
    "organisation_rejected": "reason",
    "application_rejected": "reason",
    "signature_withdrawn": "reason",
    "representative_invited": "email",
    "representative_removed": "email",
}


def grant_official_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    permission, _ = Permission.objects.get_or_create(
        content_type=user_type,
        codename="official",
        defaults={"name": "Is an official of the public party"},
    )
    group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.add(permission)


def _unique(candidates):
    return candidates[0] if len(candidates) == 1 else None


def _renamed(apps):
    """Every name an organisation had before or after a recorded rename: a record naming
    one of them could be about another organisation than the one bearing it now."""
    Old = apps.get_model("accounts", "ActionRecord")
    names = set()
    for record in Old.objects.filter(action="organisation_changed"):
        names.add(record.subject)
        for change in record.detail.split(", "):  # "name: Old → New, organisation_number: …"
            field, _, values = change.partition(": ")
            if field == "name":
                names.update(value.strip() for value in values.split(" → "))
    return names


def _subject(apps, old, renamed):
    """The row an old record's text subject names, or None."""
    text = old.subject
    if any(name and name in text for name in renamed):
        return None  # the name changed hands or changed: keep the text, guess no row
    if old.action.startswith(("organisation_", "representative_", "invitation_")):
        Organisation = apps.get_model("organisations", "Organisation")
        return _unique(list(Organisation.objects.filter(name=text)))
    if old.action in ("signed_online", "signature_withdrawn"):
        # "<organisation> – <title> (<version>)"
        Signature = apps.get_model("compact", "Signature")
        name, _, rest = text.partition(" – ")
        version = rest.rsplit("(", 1)[-1].rstrip(")")
        return _unique(
            list(
                Signature.objects.filter(
                    organisation__name=name, agreement__version_label=version
                ).order_by("signed_at")
            )
        )
    if old.action.startswith("application_"):
        # "<organisation> – YYYY-MM-DD"
        WrittenApplication = apps.get_model("compact", "WrittenApplication")
        name, _, day = text.rpartition(" – ")
        candidates = [
            a
            for a in WrittenApplication.objects.filter(organisation__name=name)
            if f"{a.submitted_at:%Y-%m-%d}" == day
        ]
        return _unique(candidates)
    return None


def copy_action_log(apps, schema_editor):
    Old = apps.get_model("accounts", "ActionRecord")
    New = apps.get_model("core", "ActionRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    renamed = _renamed(apps)
    for old in Old.objects.order_by("at", "pk").iterator():
        data = {}
        if old.detail:
            data[DETAIL_KEY.get(old.action, "detail")] = old.detail
        subject = _subject(apps, old, renamed)
        if subject is None:
            data["subject"] = old.subject
        record = New.objects.create(
            actor_id=old.actor_id,
            action_type=NEW_TYPES.get(old.action, f"accounts.legacy.{old.action}"),
            content_type=(
                ContentType.objects.get_or_create(
                    app_label=subject._meta.app_label, model=subject._meta.model_name
                )[0]
                if subject is not None
                else None
            ),
            object_id=subject.pk if subject is not None else None,
            data=data,
        )
        New.objects.filter(pk=record.pk).update(at=old.at)  # auto_now_add set it to now


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_action_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("organisations", "0003_alter_organisation_organisation_number"),
        ("compact", "0002_alter_writtenapplication_document"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["email"],
                "permissions": [("official", "Is an official of the public party")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.RunPython(grant_official_permission, migrations.RunPython.noop),
        # Going back leaves the old table empty: the records live on in core's log.
        migrations.RunPython(copy_action_log, migrations.RunPython.noop),
        migrations.DeleteModel(name="ActionRecord"),
    ]
