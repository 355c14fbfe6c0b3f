from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from accounts.models import User
from backoffice.digest import digest_context, officials_digest
from core.mail import send_templated_mail
from core.models import ActionRecord


@shared_task
def send_officials_digest() -> None:
    """Celery beat, daily: the officials' summary of new work, if any came in."""
    officials_digest()


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_officials_digest_to(record_pk: int, user_pk: int) -> None:
    record = ActionRecord.objects.get(pk=record_pk)
    user = User.objects.get(pk=user_pk)
    context = digest_context(record)
    if not (context["organisations"] or context["applications"]):
        return  # all of it decided (or gone) before the summary went out
    send_templated_mail(
        to=[user.email],
        template="officials_digest",
        context=context,
        language=settings.LANGUAGE_CODE,
    )
