"""Officials read the admin, they do not write in it: the Officials group holds the view
permission of each of our models, besides accounts.official, and no add, change or delete
permission of ours (a group given them, as the demo used to, loses them). Decisions on
organisations, representatives, applications and signatures go through the officials' area,
which records them in the action log.

A model added later is not covered: the migration that adds it grants its view permission."""

from django.db import migrations

OFFICIALS_GROUP = "Officials"

OUR_MODELS = {
    "core": ["actionrecord"],
    "accounts": ["user"],
    "organisations": [
        "activityarea",
        "organisation",
        "representative",
        "representativeinvitation",
    ],
    "compact": ["publicparty", "agreement", "writtenapplication", "signature"],
    "principles": ["principle", "commitment", "developmentarea", "planitem"],
}


def officials_view_only(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label__in=OUR_MODELS, codename__regex=r"^(add|change|delete)_"
        )
    )
    for app_label, model_names in OUR_MODELS.items():
        for model_name in model_names:
            model = apps.get_model(app_label, model_name)
            content_type, _ = ContentType.objects.get_or_create(
                app_label=app_label, model=model_name
            )
            # On a new database the permissions are made after the last migration; made here
            # first, with the name Django gives them.
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"view_{model_name}",
                defaults={"name": f"Can view {model._meta.verbose_name_raw}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_one_line_text_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("organisations", "0004_one_line_text_fields"),
        ("compact", "0003_one_line_text_fields"),
        ("principles", "0002_one_line_text_fields"),
    ]

    operations = [migrations.RunPython(officials_view_only, migrations.RunPython.noop)]
