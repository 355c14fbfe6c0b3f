from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0008_plain_email_and_website"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name"], name="organisation_name"),
        ),
    ]
