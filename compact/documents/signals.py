"""When what a document shows changes, its next edition is queued (on commit).

- A signature saved (made online, at a forum, by an approved application, or withdrawn):
  its version's agreement PDFs; and, if the signature already has a certificate, the
  certificate again (a withdrawn signature's certificate says so).
- An agreement version saved (adopted, superseded, its text edited in the admin): its PDFs.
- An organisation saved (verified, renamed): the PDFs of the versions it has signed.

Each task issues a new edition only if the content changed, so a save that changes nothing
shown costs a template rendering in the worker and no PDF. PDF_ISSUE_ON_CHANGE (on) turns
this off: the test suite does, but for the tests of the PDFs, or every compact a test builds
would render a dozen PDFs.
"""

from django.conf import settings
from django.db.models.signals import post_save

from compact.models import Agreement, IssuedDocument, Signature
from compact.tasks import queue_certificate, queue_documents_of_agreement


def _signature_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not settings.PDF_ISSUE_ON_CHANGE:
        return
    queue_documents_of_agreement(instance.agreement_id)
    if not created:
        languages = (
            IssuedDocument.objects.filter(
                kind=IssuedDocument.Kind.CERTIFICATE, signature_id=instance.pk
            )
            .values_list("language", flat=True)
            .distinct()
        )
        for language in languages:
            queue_certificate(instance.pk, language)


def _agreement_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.is_public and settings.PDF_ISSUE_ON_CHANGE:
        queue_documents_of_agreement(instance.pk)


def _organisation_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created or not settings.PDF_ISSUE_ON_CHANGE:
        return
    signed = (
        Signature.objects.effective()
        .filter(organisation_id=instance.pk)
        .values_list("agreement_id", flat=True)
        .distinct()
    )
    for agreement_pk in signed:
        queue_documents_of_agreement(agreement_pk)


def connect():
    from organisations.models import Organisation

    post_save.connect(_signature_saved, sender=Signature, dispatch_uid="documents-signature")
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="documents-agreement")
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="documents-organisation"
    )
