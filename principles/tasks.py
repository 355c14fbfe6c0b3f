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


@shared_task(acks_late=True)
def issue_follow_up_document(follow_up_pk: int, language: str) -> int | None:
    """The sealed PDF of a published year's follow-up in ``language``, if what it shows
    has changed (principles/followup_documents.py)."""
    from principles.followup_documents import issue_follow_up
    from principles.models import FollowUp

    follow_up = FollowUp.objects.filter(pk=follow_up_pk).first()
    document = follow_up and issue_follow_up(follow_up, language)
    return document.pk if document else None


@shared_task
def issue_changed_follow_up_documents() -> None:
    """Celery beat, hourly: each published year's PDF issued again if what it shows changed
    in a way no signal told (a commitment's text edited in the admin), as compact's sweep
    does for the agreements; an unchanged one is compared and left."""
    from principles.models import FollowUp

    published = FollowUp.objects.filter(published_at__isnull=False).values_list("pk", flat=True)
    for follow_up_pk in published:
        for language, _name in settings.LANGUAGES:
            issue_follow_up_document.delay(follow_up_pk, language)


def queue_follow_up_documents(follow_up_pk: int) -> None:
    """On commit: the follow-up's PDF in every language (PDF_ISSUE_ON_CHANGE: off in the
    test suite but for the tests of the PDFs)."""
    if not settings.PDF_ISSUE_ON_CHANGE:
        return
    for language, _name in settings.LANGUAGES:
        issue_follow_up_document.delay_on_commit(follow_up_pk, language)
