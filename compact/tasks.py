from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import transaction

from compact.models import Agreement, IssuedDocument, Signature, WrittenApplication
from core.mail import send_templated_mail
from organisations.models import Organisation


def _recipients(organisation, *extra):
    emails = {r.user.email for r in organisation.representatives.select_related("user")}
    emails.update(e for e in extra if e)
    return sorted(emails)


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_signature_receipt(signature_pk: int, language: str) -> None:
    signature = Signature.objects.select_related("organisation", "agreement", "signed_by").get(
        pk=signature_pk
    )
    attachments = _certificate_attachments(signature, language)
    send_templated_mail(
        to=_recipients(signature.organisation, signature.signed_by and signature.signed_by.email),
        template="signature_receipt",
        context={"signature": signature, "certificate_attached": bool(attachments)},
        language=language,
        attachments=attachments,
    )


def _certificate_attachments(signature, language) -> list:
    """The certificate of signing, issued now if need be (not for an organisation officials
    have not verified: it has none yet), as the receipt's attachment."""
    from compact.documents.issuing import issue_certificate

    document = issue_certificate(signature, language) or IssuedDocument.objects.latest_edition(
        kind=IssuedDocument.Kind.CERTIFICATE,
        agreement=signature.agreement,
        language=language,
        signature=signature,
    )
    if document is None:
        return []
    with document.file.open("rb") as file:
        return [(certificate_filename(signature, language), file.read(), "application/pdf")]


def certificate_filename(signature, language) -> str:
    return f"certificate-{signature.pk}-{language}.pdf"


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_application_decision(application_pk: int, language: str) -> None:
    application = WrittenApplication.objects.select_related(
        "organisation", "agreement", "submitted_by"
    ).get(pk=application_pk)
    signature = Signature.objects.filter(application=application).first()
    attachments = _certificate_attachments(signature, language) if signature else []
    send_templated_mail(
        to=_recipients(application.organisation, application.submitted_by.email),
        template="application_decision",
        context={"application": application, "certificate_attached": bool(attachments)},
        language=language,
        attachments=attachments,
    )


# -- the sealed PDFs (compact/documents/) -------------------------------------------------
# Each task issues one document in one language when what it shows has changed; an
# unchanged one costs a template rendering, no PDF. Queued on commit, so the worker sees
# what changed; queued twice, the second finds nothing new.


@shared_task(acks_late=True)
def issue_agreement_document(agreement_pk: int, language: str) -> int | None:
    from compact.documents.issuing import issue_agreement

    agreement = Agreement.objects.filter(pk=agreement_pk).first()
    document = agreement and issue_agreement(agreement, language)
    return document.pk if document else None


@shared_task(acks_late=True)
def issue_application_form_document(
    agreement_pk: int, language: str, organisation_pk: int | None = None
) -> int | None:
    from compact.documents.issuing import issue_application_form

    agreement = Agreement.objects.get(pk=agreement_pk)
    organisation = (
        Organisation.objects.get(pk=organisation_pk) if organisation_pk is not None else None
    )
    document = issue_application_form(agreement, language, organisation)
    return document.pk if document else None


@shared_task(acks_late=True)
def issue_certificate_document(signature_pk: int, language: str) -> int | None:
    from compact.documents.issuing import issue_certificate

    document = issue_certificate(Signature.objects.get(pk=signature_pk), language)
    return document.pk if document else None


def _queued_on_commit(tag) -> bool:
    """Is a callback with this tag already waiting for the current transaction's commit?
    (Django forgets the callbacks of a transaction that rolls back.)"""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        getattr(callback, "document_tag", None) == tag
        for _sids, callback, _robust in connection.run_on_commit
    )


def queue_documents_of_agreement(agreement_pk: int) -> None:
    """On commit: issue the agreement version's PDF in every language, and its blank
    application form, if what they show has changed. Once per transaction, however many
    signatures it adds."""
    tag = ("agreement", agreement_pk)
    if _queued_on_commit(tag):
        return

    def queue():
        for language, _name in settings.LANGUAGES:
            issue_agreement_document.delay(agreement_pk, language)
            issue_application_form_document.delay(agreement_pk, language)

    queue.document_tag = tag
    transaction.on_commit(queue)


def queue_certificate(signature_pk: int, language: str) -> None:
    """On commit: issue (or issue again) the signature's certificate in ``language``."""
    issue_certificate_document.delay_on_commit(signature_pk, language)


@shared_task
def issue_changed_documents() -> None:
    """Celery beat, hourly: every public version's documents issued again if what they show
    has changed in a way no signal told (the principles' text edited in the admin)."""
    for agreement_pk in Agreement.objects.exclude(status=Agreement.Status.DRAFT).values_list(
        "pk", flat=True
    ):
        queue_documents_of_agreement(agreement_pk)


# -- inviting the signatories of a superseded version to sign the new one -----------------
# (compact/resigning.py: the rows carry the state; a task only says "send what waits").


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_resigning_invitations(self, agreement_pk: int) -> dict:
    from compact.resigning import resigning_send_pending, retry_delay

    result = resigning_send_pending(agreement_pk=agreement_pk)
    if not self.request.is_eager:  # in-process (make run), nothing waits to be retried
        if result.connection_error:
            # A few times (30 s, 2 and 8 minutes); a longer outage is the periodic requeue's.
            if self.request.retries < 3:
                raise self.retry(countdown=retry_delay(self.request.retries + 1).total_seconds())
        elif result.retry_in is not None:  # refused for a while: again when their wait is over
            raise self.retry(countdown=max(result.retry_in, 1.0))
    return {"sent": result.sent, "failed": result.failed, "deferred": result.deferred}


@shared_task
def requeue_stuck_resigning_invitations() -> list[int]:
    """Celery beat, every minute (compact.resigning.resigning_requeue_stuck)."""
    from compact.resigning import resigning_requeue_stuck

    return resigning_requeue_stuck()
