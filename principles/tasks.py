from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from accounts.models import User
from principles.models import DueReminder
from principles.reminders import due_reminders


@shared_task
def send_due_date_reminders() -> None:
    """Celery beat, daily: the officials reminded ahead of the next follow-up and revision."""
    due_reminders()


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_due_reminder(reminder_pk: int, user_pk: int) -> None:
    from core.mail import send_templated_mail

    reminder = DueReminder.objects.select_related("agreement").get(pk=reminder_pk)
    user = User.objects.get(pk=user_pk)
    send_templated_mail(
        to=[user.email],
        template="due_reminder",
        context={"reminder": reminder, "agreement": reminder.agreement},
        language=settings.LANGUAGE_CODE,
    )
