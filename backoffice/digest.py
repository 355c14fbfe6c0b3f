"""The officials' summary of new work (Celery beat, daily): organisations that came in to be
verified and written applications to review since the last summary, e-mailed to every
official, so that no one has to look in the portal to find out. Nothing is sent on a day when
nothing came in.

Each summary is a record in the action log (``backoffice.digest.sent``) saying which span of
time it covered; the next one starts where it ended, so a day the beat missed is covered by
the next summary and two beats running at once send one summary between them.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from compact.models import WrittenApplication
from core.models import ActionRecord
from organisations.models import Organisation

DIGEST_SENT = "backoffice.digest.sent"
# What puts an organisation before officials: a registration, or a representative's change
# of its name or number (organisations.services.organisation_update).
TO_VERIFY = ("organisations.organisation.registered", "organisations.organisation.changed")
# pg_advisory_xact_lock's key for "the officials' summary" (b"digest" as an int).
DIGEST_LOCK_KEY = int.from_bytes(b"digest", "big")


def officials():
    """Active users given the ``accounts.official`` permission (the Officials group, or the
    permission itself); a superuser without it is an administrator, not sent summaries."""
    permission = Permission.objects.get(content_type__app_label="accounts", codename="official")
    holds = Q(user_permissions=permission) | Q(groups__permissions=permission)
    return User.objects.filter(holds, is_active=True).distinct()


def new_work(since: datetime, until: datetime):
    """The organisations awaiting verification that were registered (or changed) and the
    written applications awaiting review that were submitted in (since, until]."""
    records = ActionRecord.objects.filter(
        action_type__in=TO_VERIFY,
        content_type=ContentType.objects.get_for_model(Organisation),
        at__gt=since,
        at__lte=until,
    )
    organisations = (
        Organisation.objects.awaiting_verification()
        .filter(pk__in=records.values("object_id"))
        .order_by("created_at")
    )
    applications = (
        WrittenApplication.objects.filter(
            status=WrittenApplication.Status.PENDING,
            submitted_at__gt=since,
            submitted_at__lte=until,
        )
        .select_related("organisation")
        .order_by("submitted_at")
    )
    return list(organisations), list(applications)


def _lock_digest() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DIGEST_LOCK_KEY])


@transaction.atomic
def officials_digest(*, now: datetime | None = None) -> ActionRecord | None:
    """Record the summary of what came in since the last one and queue it to each official
    (on commit). None, and nothing recorded, when nothing came in or there is no official:
    the next summary covers that time too."""
    from backoffice.tasks import send_officials_digest_to

    _lock_digest()
    until = now or timezone.now()
    last = ActionRecord.objects.filter(action_type=DIGEST_SENT).order_by("-at", "-pk").first()
    since = datetime.fromisoformat(last.data["until"]) if last else until - timedelta(days=1)
    organisations, applications = new_work(since, until)
    recipients = list(officials().values_list("pk", flat=True))
    if not (organisations or applications) or not recipients:
        return None
    record = ActionRecord.objects.create(
        actor=None,
        action_type=DIGEST_SENT,
        data={
            "since": since.isoformat(),
            "until": until.isoformat(),
            "organisations": len(organisations),
            "applications": len(applications),
            "officials": len(recipients),
        },
    )
    for user_pk in recipients:
        send_officials_digest_to.delay_on_commit(record.pk, user_pk)
    return record


def digest_context(record: ActionRecord) -> dict:
    """What the summary e-mail says: the new work of its span, and how much waits in all."""
    since = datetime.fromisoformat(record.data["since"])
    organisations, applications = new_work(since, datetime.fromisoformat(record.data["until"]))
    return {
        "since": since,
        "organisations": organisations,
        "applications": applications,
        "organisations_waiting": Organisation.objects.awaiting_verification().count(),
        "applications_waiting": WrittenApplication.objects.filter(
            status=WrittenApplication.Status.PENDING
        ).count(),
    }
