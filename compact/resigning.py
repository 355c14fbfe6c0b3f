"""Inviting the signatories of a superseded version to sign the new one (domain flow 5).

The same guarantees as the meeting invitations (dialogues/services/invitations.py; compact
sits below dialogues, so the loop is its own here): an invitation is a row before it is an
e-mail. ``resigning_invitations_create`` makes one row per organisation with an effective
signature on the previous version (a database constraint: one per organisation and
version), in the adoption's transaction, and queues the sending when it commits.
``resigning_send_pending`` (the Celery task ``compact.tasks.send_resigning_invitations``)
claims rows with ``SKIP LOCKED``, marks them *sending*, sends each over one SMTP
connection and marks it *sent* as soon as the server accepted it: a worker killed
mid-batch sends at most the message in flight twice. A message refused for a while goes
back to *pending* and is tried again after a backoff, INVITATIONS_MAX_ATTEMPTS times in
all; a permanent refusal leaves it *failed* with the error. ``resigning_requeue_stuck``
(Celery beat, every minute) takes back rows a dead worker left *sending* and queues the
sending for every version with rows waiting (a lost queue message).

Whom an organisation's invitation goes to: its representatives who may sign; if it has
none, its contact e-mail. One message per organisation, in the row's language.
"""

import datetime
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from compact.models import Agreement, ResigningInvitation, Signature
from core.mail import render_templated_mail

Status = ResigningInvitation.Status


def resigning_invitations_create(*, agreement: Agreement, language: str = "") -> int:
    """One invitation per organisation that has an effective signature on the version
    ``agreement`` revises and none on ``agreement``; created in the caller's transaction
    (the adoption), sent once it commits. Returns how many rows were made."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    signed_new = Signature.objects.effective().filter(agreement=agreement).values("organisation")
    organisations = (
        Signature.objects.effective()
        .filter(agreement_id=agreement.previous_id)
        .exclude(organisation__in=signed_new)
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )
    rows = ResigningInvitation.objects.bulk_create(
        [
            ResigningInvitation(agreement=agreement, organisation_id=pk, language=language)
            for pk in organisations
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    if rows:
        queue_sending(agreement.pk)
    return len(rows)


def queue_sending(agreement_pk: int) -> None:
    """The sending, queued when the transaction commits. A broker that cannot be reached
    then does not undo the adoption (robust): the rows wait, and the periodic requeue
    sends them."""
    from compact.tasks import send_resigning_invitations

    transaction.on_commit(lambda: send_resigning_invitations.delay(agreement_pk), robust=True)


def retry_delay(attempts: int) -> datetime.timedelta:
    seconds = settings.INVITATIONS_RETRY_SECONDS * 4 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 6 * 60 * 60))


def _claimable(now: datetime.datetime) -> Q:
    ready = Q(attempts=0) | Q(sending_since__isnull=True)
    for attempts in range(1, settings.INVITATIONS_MAX_ATTEMPTS):
        ready |= Q(attempts=attempts, sending_since__lte=now - retry_delay(attempts))
    return Q(status=Status.PENDING) & ready


def _claim(agreement_pk: int, size: int) -> list[ResigningInvitation]:
    """Rows for this worker alone (``SKIP LOCKED``), committed as *sending* first."""
    now = timezone.now()
    with transaction.atomic():
        pks = list(
            ResigningInvitation.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), agreement_id=agreement_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        ResigningInvitation.objects.filter(pk__in=pks).update(
            status=Status.SENDING, sending_since=now, attempts=F("attempts") + 1
        )
    return list(
        ResigningInvitation.objects.filter(pk__in=pks)
        .select_related("organisation", "agreement")
        .order_by("pk")
    )


def recipients(invitation: ResigningInvitation) -> list[str]:
    organisation = invitation.organisation
    emails = sorted(
        {
            r.user.email
            for r in organisation.representatives.filter(may_sign=True).select_related("user")
            if r.user.email
        }
    )
    return emails or ([organisation.contact_email] if organisation.contact_email else [])


def _link(name: str, args, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def message(invitation: ResigningInvitation):
    agreement, organisation = invitation.agreement, invitation.organisation
    language = invitation.language
    return render_templated_mail(
        to=recipients(invitation),
        template="resigning_invitation",
        context={
            "agreement": agreement,
            "previous_label": agreement.previous.version_label if agreement.previous else "",
            "organisation": organisation,
            "sign_link": _link("compact:sign", [organisation.pk], language),
            "differences_link": _link("principles:differences", [agreement.pk], language),
        },
        language=language,
    )


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def _mark_sent(invitation: ResigningInvitation) -> None:
    ResigningInvitation.objects.filter(
        pk=invitation.pk, status__in=[Status.SENDING, Status.PENDING]
    ).update(status=Status.SENT, sent_at=timezone.now(), last_error="")


def _mark_failed(invitation: ResigningInvitation, error: Exception | str) -> bool:
    final = (
        isinstance(error, str)
        or _permanent(error)
        or invitation.attempts >= settings.INVITATIONS_MAX_ATTEMPTS
    )
    ResigningInvitation.objects.filter(pk=invitation.pk, status=Status.SENDING).update(
        status=Status.FAILED if final else Status.PENDING,
        last_error=error if isinstance(error, str) else _describe(error),
        sending_since=timezone.now(),
    )
    return final


def _release(invitations: list[ResigningInvitation], error: str) -> None:
    """Claimed, not tried: back to *pending*, the attempt not counted."""
    if invitations:
        ResigningInvitation.objects.filter(
            pk__in=[i.pk for i in invitations], status=Status.SENDING
        ).update(
            status=Status.PENDING,
            attempts=F("attempts") - 1,
            sending_since=timezone.now(),
            **({"last_error": error} if error else {}),
        )


@dataclass
class SendingResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    retry_in: float | None = None  # seconds until rows refused for a while may be tried again
    connection_error: str = ""


def resigning_send_pending(*, agreement_pk: int, batch_size: int = 100) -> SendingResult:
    """Send the version's waiting invitations, batch after batch, each row marked as the
    server accepts its message. Another worker may run it at the same time."""
    result = SendingResult()
    while not result.connection_error:
        batch = _claim(agreement_pk, batch_size)
        if not batch:
            break
        stop_at = time.monotonic() + settings.INVITATIONS_STUCK_AFTER_SECONDS / 2
        untried = list(batch)
        try:
            with mailers.default as connection:
                while untried and time.monotonic() < stop_at:
                    invitation = untried.pop(0)
                    mail = message(invitation)
                    if not mail.to:
                        _mark_failed(
                            invitation,
                            "No address: no representative who may sign, no contact e-mail.",
                        )
                        result.failed += 1
                        continue
                    try:
                        connection.send_messages([mail])
                    except smtplib.SMTPServerDisconnected as error:
                        _mark_failed(invitation, error)  # in flight: it may have arrived
                        raise
                    except smtplib.SMTPException as error:
                        if _mark_failed(invitation, error):
                            result.failed += 1
                        else:
                            result.deferred += 1
                    else:
                        _mark_sent(invitation)
                        result.sent += 1
        except (OSError, smtplib.SMTPException) as error:
            result.connection_error = _describe(error)
        finally:
            _release(untried, result.connection_error)
    result.retry_in = next_retry_in(agreement_pk)
    return result


def next_retry_in(agreement_pk: int) -> float | None:
    """Seconds until the first waiting row of the version may be tried (0: now), None if
    none waits."""
    waiting = (
        ResigningInvitation.objects.filter(agreement_id=agreement_pk, status=Status.PENDING)
        .order_by()
        .values("attempts")
        .annotate(last=Min("sending_since"))
    )
    now = timezone.now()
    ready_at = [
        row["last"] + retry_delay(row["attempts"]) if row["attempts"] and row["last"] else now
        for row in waiting
    ]
    if not ready_at:
        return None
    return max((min(ready_at) - now).total_seconds(), 0.0)


def resigning_requeue_stuck() -> list[int]:
    """Rows *sending* for longer than INVITATIONS_STUCK_AFTER_SECONDS (their worker died)
    go back to *pending*; the sending is queued for every version with rows ready and
    untouched that long. Returns the versions."""
    from compact.tasks import send_resigning_invitations

    now = timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.INVITATIONS_STUCK_AFTER_SECONDS)
    stuck = ResigningInvitation.objects.filter(
        status=Status.SENDING, sending_since__lt=stuck_before
    )
    stuck.filter(attempts__gte=settings.INVITATIONS_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The sending stopped halfway each time it was tried."
    )
    stuck.update(status=Status.PENDING)
    agreement_pks = list(
        ResigningInvitation.objects.filter(_claimable(now))
        .alias(touched=Coalesce("sending_since", "created_at"))
        .filter(touched__lt=stuck_before)
        .order_by()
        .values_list("agreement", flat=True)
        .distinct()
    )
    for pk in agreement_pks:
        send_resigning_invitations.delay(pk)
    return agreement_pks
