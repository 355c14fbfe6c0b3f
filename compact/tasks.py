from smtplib import SMTPException

from celery import shared_task

from compact.models import Signature, WrittenApplication
from core.mail import send_templated_mail


def _recipients(organisation, *extra):
    emails = {r.user.email for r in organisation.representatives.select_related("user")}
    emails.update(e for e in extra if e)
    return sorted(emails)


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_signature_receipt(signature_pk: int, language: str) -> None:
    signature = Signature.objects.select_related("organisation", "agreement", "signed_by").get(
        pk=signature_pk
    )
    send_templated_mail(
        to=_recipients(signature.organisation, signature.signed_by and signature.signed_by.email),
        template="signature_receipt",
        context={"signature": signature},
        language=language,
    )


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_application_decision(application_pk: int, language: str) -> None:
    application = WrittenApplication.objects.select_related(
        "organisation", "agreement", "submitted_by"
    ).get(pk=application_pk)
    send_templated_mail(
        to=_recipients(application.organisation, application.submitted_by.email),
        template="application_decision",
        context={"application": application},
        language=language,
    )
