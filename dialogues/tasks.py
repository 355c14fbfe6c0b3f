"""The dialogues' e-mail, sent by Celery: tasks take primary keys and are queued on commit.

Registrations: the confirmation (or the place on the waiting list), the news that a place
came free, the reminder a few days before (MEETING_REMINDER_DAYS, by Celery beat, once per
registration: ``reminded_at``), and the news that a published meeting changed its time or
place or was cancelled. Each goes to one person, in their language, with the meeting as a
calendar file and the link to their own registration page.
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.mail import calendar_attachment, send_templated_mail
from dialogues.models import Meeting, Registration

# An SMTP server that is down or refuses for a while: try again, further apart each time.
MAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 2, "max_retries": 5}


def registration_link(registration: Registration) -> str:
    """The person's own page (see and cancel the registration), in their language."""
    from dialogues.tokens import registration_token

    with translation.override(registration.language):
        path = reverse("dialogues:registration", args=[registration_token(registration)])
    return settings.SITE_URL.rstrip("/") + path


def _send_to_registration(registration: Registration, template: str, **context) -> None:
    from dialogues.calendar import meeting_event_ics, meeting_url

    meeting = registration.meeting
    language = registration.language
    send_templated_mail(
        to=[registration.email],
        template=template,
        context={
            "registration": registration,
            "meeting": meeting,
            "registration_link": registration_link(registration),
            "meeting_link": meeting_url(meeting, language=language),
            **context,
        },
        language=language,
        attachments=[calendar_attachment(meeting_event_ics(meeting, language=language))],
    )


def _registration(pk: int) -> Registration:
    return Registration.objects.select_related("meeting").get(pk=pk)


@shared_task(**MAIL_RETRY)
def send_registration_confirmation(registration_pk: int) -> None:
    """Registered, or on the waiting list: what, when, where, and the link to cancel."""
    registration = _registration(registration_pk)
    if registration.status != Registration.Status.CANCELLED:
        _send_to_registration(registration, "registration_confirmation")


@shared_task(**MAIL_RETRY)
def send_registration_promoted(registration_pk: int) -> None:
    """Someone cancelled: the person moved up from the waiting list now has a place."""
    registration = _registration(registration_pk)
    if registration.status == Registration.Status.REGISTERED:
        _send_to_registration(registration, "registration_promoted")


@shared_task
def send_meeting_reminders() -> int:
    """Celery beat, every hour: queue one reminder per registration due. A reminder queued
    twice (a slow worker, a second beat) is sent once: the sending task checks
    ``reminded_at`` under the row's lock."""
    due = Registration.objects.due_for_reminder(timezone.now(), days=settings.MEETING_REMINDER_DAYS)
    pks = list(due.values_list("pk", flat=True))
    for pk in pks:
        send_meeting_reminder.delay(pk)
    return len(pks)


@shared_task(**MAIL_RETRY)
def send_meeting_reminder(registration_pk: int) -> None:
    """The reminder to one person, once. The row stays locked while the message goes out
    and ``reminded_at`` is written after it: a failure leaves it unsent for the retry."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(pk=registration_pk)
        )
        meeting = registration.meeting
        if (
            registration.reminded_at is not None
            or registration.status != Registration.Status.REGISTERED
            or meeting.status != Meeting.Status.PUBLISHED
            or meeting.starts_at <= timezone.now()
        ):
            return
        _send_to_registration(registration, "meeting_reminder")
        registration.reminded_at = timezone.now()
        registration.save(update_fields=["reminded_at"])


def _told(meeting_pk: int) -> list[int]:
    """Everyone with a place or on the waiting list."""
    return list(
        Registration.objects.active().filter(meeting_id=meeting_pk).values_list("pk", flat=True)
    )


@shared_task
def send_meeting_changed(meeting_pk: int, changed_fields: list[str]) -> int:
    """A published meeting's time or place changed: tell everyone registered or waiting
    (one task each, so a failure for one address holds up no one else)."""
    pks = _told(meeting_pk)
    for pk in pks:
        send_meeting_news.delay(pk, "meeting_changed", list(changed_fields))
    return len(pks)


@shared_task
def send_meeting_cancelled(meeting_pk: int) -> int:
    """A meeting was cancelled: tell everyone registered or waiting."""
    pks = _told(meeting_pk)
    for pk in pks:
        send_meeting_news.delay(pk, "meeting_cancelled", [])
    return len(pks)


TIME_FIELDS = {"starts_at", "ends_at"}
PLACE_FIELDS = {"place", "address", "online_link"}


@shared_task(**MAIL_RETRY)
def send_meeting_news(registration_pk: int, template: str, changed_fields: list[str]) -> None:
    """What changed (or that it is cancelled), with the calendar file as it is now."""
    if template not in ("meeting_changed", "meeting_cancelled"):
        raise ValueError(f"Not a meeting news template: {template!r}")
    registration = _registration(registration_pk)
    if registration.status == Registration.Status.CANCELLED:
        return
    changed = set(changed_fields)
    _send_to_registration(
        registration,
        template,
        time_changed=bool(changed & TIME_FIELDS),
        place_changed=bool(changed & PLACE_FIELDS),
    )


# Invitations -----------------------------------------------------------------------------
# The rows carry the state (pending → sending → sent / failed, attempts, the error); the
# tasks only say "send what is waiting for this meeting" and may run twice or side by side.


CONNECTION_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_invitations(self, meeting_pk: int) -> dict:
    """Send the meeting's pending invitations in batches (one SMTP connection each). Rows
    that failed for a while are tried again when their wait is over (this task, queued
    again for then); a mail server that cannot be reached is tried again later and later."""
    from dialogues.services.invitations import invitations_send_pending, retry_delay

    result = invitations_send_pending(meeting_pk=meeting_pk)
    if not self.request.is_eager:  # in-process (make run), nothing waits to be retried
        if result.connection_error:
            # A few times (30 s, 2 and 8 minutes); a longer outage is the periodic
            # requeue's, every INVITATIONS_STUCK_AFTER_SECONDS, so tries do not pile up.
            if self.request.retries < CONNECTION_RETRIES:
                raise self.retry(countdown=retry_delay(self.request.retries + 1).total_seconds())
        elif result.retry_in is not None:
            raise self.retry(countdown=max(result.retry_in, 1.0))
    return {"sent": result.sent, "failed": result.failed, "deferred": result.deferred}


@shared_task
def requeue_stuck_invitations() -> list[int]:
    """Celery beat, every minute: invitations a dead worker left half-sent, or whose queue
    message was lost, are sent (dialogues.services.invitations.invitations_requeue_stuck)."""
    from dialogues.services.invitations import invitations_requeue_stuck

    return invitations_requeue_stuck()
