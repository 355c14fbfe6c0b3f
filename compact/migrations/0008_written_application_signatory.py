"""Who signed a written application's paper, and when (issue 8, item 12).

Applications made before keep these blank: what the portal knew of them (the uploader's
account, the approval date) is not who signed the paper or when, so nothing is guessed. The
signatures approved from them stay as they were (history is not rewritten); the role the
portal wrote on them is shown in the page's language (Signature.role_label).
"""

from django.conf import settings
from django.db import migrations, models

import core.validators


class Migration(migrations.Migration):
    dependencies = [
        ("compact", "0007_issued_documents"),
        ("organisations", "0009_organisation_name_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="writtenapplication",
            name="signatory_name",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[core.validators.no_control_characters],
                verbose_name="signed by",
            ),
        ),
        migrations.AddField(
            model_name="writtenapplication",
            name="signatory_role",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[core.validators.no_control_characters],
                verbose_name="role or title",
            ),
        ),
        migrations.AddField(
            model_name="writtenapplication",
            name="signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="date signed"),
        ),
        migrations.AddConstraint(
            model_name="writtenapplication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("signatory_name", ""), ("signatory_role", ""), ("signed_on__isnull", True)
                    ),
                    models.Q(
                        models.Q(("signatory_name", ""), _negated=True),
                        models.Q(("signatory_role", ""), _negated=True),
                        ("signed_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="application_signatory_whole_or_none",
            ),
        ),
    ]
