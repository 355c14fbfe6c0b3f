"""Reminders of the compact's due dates (domain fact 1): the yearly follow-up and the
revision of the version in force. Celery beat runs ``due_reminders`` daily; a date within
DUE_REMINDER_DAYS gets a DueReminder row (one per version, kind and date: a database
constraint), and only the run that created the row e-mails the officials, on commit. So
each due date is reminded of once, even when two beats run or one is run again."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from compact.models import Agreement
from principles.models import DueReminder


def due_dates(agreement: Agreement | None) -> dict[str, datetime.date | None]:
    """When the version's next follow-up and its revision are due."""
    if agreement is None:
        return {}
    return {
        DueReminder.Kind.FOLLOW_UP: agreement.next_follow_up,
        DueReminder.Kind.REVISION: agreement.review_due,
    }


def officials():
    """Active users given ``accounts.official`` (the Officials group, or the permission)."""
    permission = Permission.objects.get(content_type__app_label="accounts", codename="official")
    holds = Q(user_permissions=permission) | Q(groups__permissions=permission)
    return User.objects.filter(holds, is_active=True).distinct()


def due_reminders(*, today: datetime.date | None = None) -> list[DueReminder]:
    """Record and queue the reminders due today or earlier and not yet sent."""
    from principles.tasks import send_due_reminder

    today = today or timezone.localdate()
    agreement = Agreement.objects.in_force().first()
    ahead = datetime.timedelta(days=settings.DUE_REMINDER_DAYS)
    created = []
    for kind, due_on in due_dates(agreement).items():
        if due_on is None or not today <= due_on <= today + ahead:
            continue
        with transaction.atomic():
            recipients = list(officials().values_list("pk", flat=True))
            try:
                with transaction.atomic():
                    reminder = DueReminder.objects.create(
                        agreement=agreement, kind=kind, due_on=due_on, recipients=len(recipients)
                    )
            except IntegrityError:
                continue  # reminded of already
            _log_reminder(agreement, reminder)
            for user_pk in recipients:
                send_due_reminder.delay_on_commit(reminder.pk, user_pk)
            created.append(reminder)
    return created


def _log_reminder(agreement, reminder) -> None:
    from core.models import ActionRecord

    ActionRecord.objects.create(
        actor=None,
        action_type="principles.follow_up.reminded",
        subject=agreement,
        data={"kind": reminder.kind, "due_on": reminder.due_on.isoformat()},
    )
