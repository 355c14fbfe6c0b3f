from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compact", "0004_generated_upload_names"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["signed_at"], name="signature_signed_at"),
        ),
    ]
