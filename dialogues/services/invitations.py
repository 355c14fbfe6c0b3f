"""Invitations to a meeting: whom to invite, the rows, and the sending.

An invitation is a row before it is an e-mail (domain fact 6). ``invitations_create`` makes
one row per address and meeting (a database constraint) in one transaction and queues the
sending when it commits; inviting the same people again creates nothing and e-mails no one
twice. The sending (``invitations_send_pending``, run by the Celery task
``dialogues.tasks.send_invitations``) claims a batch of rows with ``SKIP LOCKED``, marks them
*sending*, sends them over one SMTP connection and marks each row *sent* as soon as the
server has accepted its message (SENT_MARKS_EVERY, 1). A message the server refuses for a
while (4xx, a dropped connection) goes back to *pending* and is tried again after a
backoff, INVITATIONS_MAX_ATTEMPTS times in all; a permanent refusal (5xx) or the last
attempt leaves it *failed*, with the error, for the official to send again
(``invitations_resend_failed``).

Nothing is lost, nothing is sent twice: a worker killed mid-batch leaves its rows *sending*;
``invitations_requeue_stuck`` (Celery beat, every minute) returns rows that have been
*sending* for INVITATIONS_STUCK_AFTER_SECONDS to *pending* and queues the sending again for
every meeting with rows waiting (also when the queue's message was lost with Redis). Only
the message in flight when the worker died (accepted by the SMTP server, not yet marked)
can go out twice: domain fact 6 allows no more. (Marking ten at a time makes the sending
faster, but lets ten people get the e-mail twice: see bench/README.md.) A live worker never
holds a row that long: a batch stops after half that time.

Whom an organisation's invitation goes to: its contact person's e-mail (the address the
organisation gave for contact with the municipality), one invitation per organisation. Only
verified organisations are invited, so no e-mail goes to an address nobody has checked.
"""

import datetime
import functools
import re
import smtplib
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from accounts.models import User
from accounts.rules import is_official
from compact.models import Signature
from core.mail import MailMerge, calendar_attachment
from core.validators import plain_email_address
from dialogues.calendar import meeting_event_ics, meeting_url
from dialogues.models import Invitation, Meeting
from dialogues.tokens import invitation_token
from organisations.models import ActivityArea, Organisation

# The portal's own reasons in Invitation.last_error (beside the mail servers' answers) are
# kept in English, the catalogue's key, and shown in the reader's language by the page
# ({% translate invitation.last_error %}); a worker has no reader's language.
NOT_PUBLISHED = gettext_noop("Not sent: the meeting is no longer published.")
STOPPED_EACH_TIME = gettext_noop("The sending stopped halfway each time it was tried.")

MAX_PASTED_ADDRESSES = 10_000
# How many malformed addresses an error names (the rest are counted).
MAX_LISTED_ERRORS = 200


class InvitationError(Exception):
    """Invitations that cannot be sent now; the message is for the user."""


# Whom to invite ------------------------------------------------------------------------


class Audience:
    NONE = ""
    SIGNATORIES = "signatories"
    VERIFIED = "verified"

    choices = [
        (NONE, _("No organisations (only the addresses below)")),
        (SIGNATORIES, _("Every signatory of the version in force")),
        (VERIFIED, _("Every verified organisation")),
    ]


def invitable_organisations(
    *,
    audience: str,
    kinds: Iterable[str] = (),
    areas: Iterable[ActivityArea] = (),
) -> QuerySet[Organisation]:
    """The verified organisations of the audience, narrowed to the kinds and areas of
    activity given (any of them), if any."""
    if audience == Audience.SIGNATORIES:
        organisations = Organisation.objects.filter(
            pk__in=Signature.objects.public().values("organisation")
        )
    elif audience == Audience.VERIFIED:
        organisations = Organisation.objects.verified()
    else:
        return Organisation.objects.none()
    kinds, areas = list(kinds), list(areas)
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    if areas:
        organisations = organisations.filter(
            pk__in=Organisation.activity_areas.through.objects.filter(
                activityarea__in=areas
            ).values("organisation")
        )
    return organisations.order_by("name", "pk")


_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class ParsedAddresses:
    valid: list[str]  # lower-cased, each once, in the order pasted
    invalid: list[str]  # as pasted, each once


def parse_addresses(text: str) -> ParsedAddresses:
    """E-mail addresses pasted one per line (or separated by commas, semicolons or
    spaces, as spreadsheets and mail programs copy them)."""
    valid, invalid = {}, {}
    for item in _SEPARATORS.split(text or ""):
        item = item.strip().strip("<>")
        if not item:
            continue
        address = item.lower()
        if is_address(address):
            valid.setdefault(address, None)
        else:
            invalid.setdefault(item, None)
    return ParsedAddresses(valid=list(valid), invalid=list(invalid))


def is_address(address: str) -> bool:
    """An address an invitation can hold: what Django's EmailValidator takes, without
    quotes or control characters (the model's validator), at most 254 characters."""
    try:
        validate_email(address)
        plain_email_address(address)
    except ValidationError:
        return False
    return len(address) <= Invitation._meta.get_field("email").max_length


def malformed_addresses_message(invalid: list[str]) -> str:
    listed = ", ".join(invalid[:MAX_LISTED_ERRORS])
    message = ngettext(
        "This is not an e-mail address: %(addresses)s. Correct or remove it; nothing has "
        "been sent.",
        "These %(count)d are not e-mail addresses: %(addresses)s. Correct or remove them; "
        "nothing has been sent.",
        len(invalid),
    ) % {"count": len(invalid), "addresses": listed}
    if len(invalid) > MAX_LISTED_ERRORS:
        message += " " + ngettext(
            "(%(count)d more is not shown.)",
            "(%(count)d more are not shown.)",
            len(invalid) - MAX_LISTED_ERRORS,
        ) % {"count": len(invalid) - MAX_LISTED_ERRORS}
    return message


def _recipients(organisations: Iterable[Organisation], emails: Iterable[str]) -> dict:
    """address → organisation pk (None for a pasted address); an organisation's first.
    The addresses are checked here too (the form has told the user already)."""
    pasted, invalid = {}, []
    for email in emails:
        address = email.strip().lower()
        if is_address(address):
            pasted.setdefault(address, None)
        else:
            invalid.append(email)
    if invalid:
        raise InvitationError(malformed_addresses_message(invalid))
    if len(pasted) > MAX_PASTED_ADDRESSES:
        raise InvitationError(too_many_addresses_message(len(pasted)))
    if isinstance(organisations, QuerySet):
        pairs = organisations.values_list("contact_email", "pk")
    else:
        pairs = [(organisation.contact_email, organisation.pk) for organisation in organisations]
    recipients: dict[str, int | None] = {}
    for email, pk in pairs:
        if email:
            recipients.setdefault(email.strip().lower(), pk)
    for address in pasted:
        recipients.setdefault(address, None)
    return recipients


def too_many_addresses_message(count: int) -> str:
    return _(
        "At most %(max)s addresses can be pasted at a time; there are %(count)s. Send them "
        "in parts: no one is invited twice."
    ) % {
        "max": formats.number_format(MAX_PASTED_ADDRESSES, force_grouping=True),
        "count": formats.number_format(count, force_grouping=True),
    }


@dataclass(frozen=True)
class InvitationCount:
    total: int  # distinct addresses chosen
    already_invited: int  # of those, invited to this meeting before (not e-mailed again)
    from_organisations: int  # addresses that are an organisation's contact address

    @property
    def new(self) -> int:
        return self.total - self.already_invited

    @property
    def pasted(self) -> int:
        """Pasted addresses that are not an organisation's contact address."""
        return self.total - self.from_organisations


def _already_invited(meeting: Meeting, addresses: Iterable[str]) -> set[str]:
    return set(
        Invitation.objects.filter(meeting=meeting, email__in=list(addresses)).values_list(
            "email", flat=True
        )
    )


def invitations_count(
    *, meeting: Meeting, organisations: Iterable[Organisation] = (), emails: Iterable[str] = ()
) -> InvitationCount:
    """What ``invitations_create`` would do with the same choice (the preview)."""
    recipients = _recipients(organisations, emails)
    return InvitationCount(
        total=len(recipients),
        already_invited=len(_already_invited(meeting, recipients)),
        from_organisations=len({pk for pk in recipients.values() if pk}),
    )


def invitations_closed_reason(meeting: Meeting) -> str | None:
    """Why no one can be invited to the meeting now, or None."""
    if meeting.status != Meeting.Status.PUBLISHED:
        return _("Only a published meeting can be invited to. Publish it first.")
    if meeting.registration_deadline <= timezone.now():
        return _("Registration for this meeting has closed, so no invitations can be sent.")
    return None


def _ensure_may_invite(meeting: Meeting) -> None:
    reason = invitations_closed_reason(meeting)
    if reason:
        raise InvitationError(reason)


# Creating ------------------------------------------------------------------------------


@transaction.atomic
def invitations_create(
    *,
    meeting: Meeting,
    organisations: Iterable[Organisation] = (),
    emails: Iterable[str] = (),
    language: str = settings.LANGUAGE_CODE,
    actor: User,
) -> InvitationCount:
    """Invite the organisations (their contact e-mail) and the addresses to the meeting:
    one row each, in ``language``, created together or not at all; the sending is queued
    when the transaction commits. Addresses invited before are left as they are."""
    if not is_official(actor):
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise InvitationError(_("Choose the language of the e-mail."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_may_invite(meeting)
    recipients = _recipients(organisations, emails)
    already = _already_invited(meeting, recipients)
    new = [
        Invitation(meeting=meeting, email=email, organisation_id=organisation, language=language)
        for email, organisation in recipients.items()
        if email not in already
    ]
    # The meeting row is locked, so no one adds these addresses meanwhile; the constraint
    # (one invitation per address and meeting) stands behind it.
    Invitation.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    count = InvitationCount(
        total=len(recipients),
        already_invited=len(already),
        from_organisations=len({pk for pk in recipients.values() if pk}),
    )
    if new:
        meeting.log_action(
            "dialogues.meeting.invitations_queued",
            actor=actor,
            data={
                "invited": len(new),
                "already_invited": len(already),
                "organisations": count.from_organisations,
                "language": language,
            },
        )
        queue_sending(meeting.pk)
    return count


def queue_sending(meeting_pk: int) -> None:
    """Queue the sending once the transaction commits: INVITATIONS_SENDERS tasks side by
    side, each claiming its own batches. If the broker is unreachable then, the rows wait as
    *pending* and the periodic requeue sends them: the request that created them does not
    fail (robust)."""
    from dialogues.tasks import send_invitations

    def queue():
        for _sender in range(settings.INVITATIONS_SENDERS):
            send_invitations.delay(meeting_pk)

    transaction.on_commit(queue, robust=True)


@transaction.atomic
def invitations_resend_failed(*, meeting: Meeting, actor: User) -> int:
    """Try the failed invitations of the meeting again (attempts counted anew)."""
    if not is_official(actor):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _ensure_may_invite(meeting)
    count = Invitation.objects.filter(meeting=meeting, status=Invitation.Status.FAILED).update(
        status=Invitation.Status.PENDING, attempts=0, sending_since=None
    )
    if count:
        meeting.log_action(
            "dialogues.meeting.invitations_resent", actor=actor, data={"invitations": count}
        )
        queue_sending(meeting.pk)
    return count


# Progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationProgress:
    pending: int
    sending: int
    sent: int
    failed: int
    retrying: int  # of the pending, those that failed before (with the error) and wait

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def waiting(self) -> int:
        return self.pending + self.sending

    @property
    def in_progress(self) -> bool:
        return bool(self.pending or self.sending)

    @property
    def done_percent(self) -> int:
        return round(100 * (self.sent + self.failed) / self.total) if self.total else 100


def invitation_progress(meeting: Meeting) -> InvitationProgress:
    counts = Invitation.objects.filter(meeting=meeting).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Invitation.Status.values},
        retrying=Count("pk", filter=Q(status=Invitation.Status.PENDING) & ~Q(last_error="")),
    )
    return InvitationProgress(**counts)


# Sending -------------------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long a message that failed ``attempts`` times waits: 30 s, 2, 8, 32 minutes…"""
    seconds = settings.INVITATIONS_RETRY_SECONDS * 4 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 6 * 60 * 60))


def _claimable(now: datetime.datetime) -> Q:
    """Pending rows that have not failed yet, or whose wait after a failure is over."""
    ready = Q(attempts=0) | Q(sending_since__isnull=True)
    for attempts in range(1, settings.INVITATIONS_MAX_ATTEMPTS):
        ready |= Q(attempts=attempts, sending_since__lte=now - retry_delay(attempts))
    return Q(status=Invitation.Status.PENDING) & ready


def _claim(meeting: Meeting, size: int) -> list[Invitation]:
    """Take up to ``size`` rows for this worker: ``SKIP LOCKED``, so two workers never take
    the same row; committed as *sending* before any of them is e-mailed."""
    now = timezone.now()
    with transaction.atomic():
        pks = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), meeting=meeting)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Invitation.objects.filter(pk__in=pks).update(
            status=Invitation.Status.SENDING, sending_since=now, attempts=F("attempts") + 1
        )
    return list(Invitation.objects.filter(pk__in=pks).order_by("pk"))


def _permanent(error: Exception) -> bool:
    """A refusal the server will repeat (5xx): no use trying again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"{error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}"[:1000]


# Rows sent are marked this many at a time: at most this many e-mails go out twice when a
# worker dies mid-batch. One: only the message in flight at a crash (domain fact 6).
SENT_MARKS_EVERY = 1


def _mark_sent(pks: list[int]) -> None:
    """Mark the rows sent, unless they were taken back meanwhile (failed, or sent by
    another worker after a requeue). One row (the usual case, SENT_MARKS_EVERY) is marked
    by one prepared statement: the ORM's update costs four times the CPU of the statement
    (0.67 against 0.16 ms, measured), paid once a message."""
    if len(pks) == 1:
        with connection.cursor() as cursor:
            cursor.execute(
                _mark_one_sent_sql(),
                [
                    Invitation.Status.SENT,
                    timezone.now(),
                    pks[0],
                    Invitation.Status.SENDING,
                    Invitation.Status.PENDING,
                ],
            )
    elif pks:
        Invitation.objects.filter(
            pk__in=pks, status__in=[Invitation.Status.SENDING, Invitation.Status.PENDING]
        ).update(status=Invitation.Status.SENT, sent_at=timezone.now(), last_error="")


@functools.cache
def _mark_one_sent_sql() -> str:
    """The ORM's update above for one row, as SQL (names from the model)."""
    quote = connection.ops.quote_name
    field = Invitation._meta.get_field
    # Only the model's own names, quoted, are put in; the values are parameters.
    return (
        f"UPDATE {quote(Invitation._meta.db_table)} SET {quote(field('status').column)} = %s, "  # noqa: S608
        f"{quote(field('sent_at').column)} = %s, {quote(field('last_error').column)} = '' "
        f"WHERE {quote(Invitation._meta.pk.column)} = %s "
        f"AND {quote(field('status').column)} IN (%s, %s)"
    )


def _mark_failed(invitation: Invitation, error: Exception) -> bool:
    """Failed for good (a permanent refusal, or the last attempt: True), or back to
    *pending* to wait for the next attempt (False)."""
    final = _permanent(error) or invitation.attempts >= settings.INVITATIONS_MAX_ATTEMPTS
    Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.SENDING).update(
        status=Invitation.Status.FAILED if final else Invitation.Status.PENDING,
        last_error=_describe(error),
        sending_since=timezone.now(),
    )
    return final


def _release(invitations: list[Invitation], error: str) -> None:
    """Rows claimed but not tried (the connection failed first, or the batch ran out of
    time): back to *pending*, the attempt not counted, the connection's error noted, and
    when (the periodic requeue leaves rows tried lately to the task that tried them)."""
    if invitations:
        Invitation.objects.filter(
            pk__in=[invitation.pk for invitation in invitations],
            status=Invitation.Status.SENDING,
        ).update(
            status=Invitation.Status.PENDING,
            attempts=F("attempts") - 1,
            sending_since=timezone.now(),
            **({"last_error": error} if error else {}),
        )


class _Mail:
    """The invitation e-mail for one meeting: rendered, with its calendar file, once per
    language (a mail merge); each invitation's copy differs by its address and link."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self._per_language = {}

    def _language(self, language: str) -> tuple[str, MailMerge]:
        if language not in self._per_language:
            with translation.override(language):
                register_path = reverse("dialogues:register", args=[self.meeting.pk])
            ics = meeting_event_ics(self.meeting, language=language)
            merge = MailMerge(
                template="meeting_invitation",
                context={
                    "meeting": self.meeting,
                    "meeting_link": meeting_url(self.meeting, language=language),
                },
                fields=["registration_link"],
                language=language,
                attachments=[calendar_attachment(ics)],
            )
            self._per_language[language] = (settings.SITE_URL.rstrip("/") + register_path, merge)
        return self._per_language[language]

    def message(self, invitation: Invitation):
        register_url, merge = self._language(invitation.language)
        link = f"{register_url}?invitation={invitation_token(invitation)}"
        return merge.message(to=invitation.email, registration_link=link)


@dataclass
class SendingResult:
    sent: int = 0
    failed: int = 0  # for good
    deferred: int = 0  # refused for a while: to be tried again
    retry_in: float | None = None  # seconds until rows that failed may be tried again
    connection_error: str = ""


def _send_batch(mail: _Mail, batch: list[Invitation], result: SendingResult, stop_at: float):
    """One SMTP connection for the batch. The rows whose messages the server accepted are
    marked SENT_MARKS_EVERY at a time, and whatever happens, before the batch ends."""
    untried = list(batch)
    accepted = []  # sent, not marked yet
    try:
        with mailers.default as connection:
            while untried and time.monotonic() < stop_at:
                invitation = untried.pop(0)
                try:
                    connection.send_messages([mail.message(invitation)])
                except smtplib.SMTPServerDisconnected as error:
                    _mark_failed(invitation, error)  # the one in flight: it may have arrived
                    raise
                except smtplib.SMTPException as error:
                    if _mark_failed(invitation, error):
                        result.failed += 1
                    else:
                        result.deferred += 1
                else:
                    accepted.append(invitation.pk)
                    result.sent += 1
                    if len(accepted) >= SENT_MARKS_EVERY:
                        _mark_sent(accepted)
                        accepted.clear()
    except (OSError, smtplib.SMTPException) as error:
        result.connection_error = _describe(error)
    finally:
        _mark_sent(accepted)
        _release(untried, result.connection_error)


def invitations_send_pending(*, meeting_pk: int, batch_size: int | None = None) -> SendingResult:
    """Send the meeting's pending invitations, batch after batch, until none is ready.
    Called by the task ``send_invitations``; another worker may run it for the same meeting
    at the same time (each takes its own rows)."""
    batch_size = batch_size or settings.INVITATIONS_BATCH_SIZE
    result = SendingResult()
    meeting = Meeting.objects.filter(pk=meeting_pk).first()
    if meeting is None:
        return result
    if meeting.status != Meeting.Status.PUBLISHED:
        _fail_unsent(meeting)
        return result
    mail = _Mail(meeting)
    with _commits_without_waiting_for_the_disk():
        while True:
            batch = _claim(meeting, batch_size)
            if not batch:
                break
            # A live worker holds rows as *sending* for at most half the time after which
            # the periodic requeue takes them back.
            stop_at = time.monotonic() + settings.INVITATIONS_STUCK_AFTER_SECONDS / 2
            _send_batch(mail, batch, result, stop_at)
            if result.connection_error:
                break
    result.retry_in = _next_retry_in(meeting)
    return result


@contextmanager
def _commits_without_waiting_for_the_disk():
    """The sending commits often (each claim, each row sent). With PostgreSQL's default,
    each commit waits for the disk: several milliseconds, longer than a message takes.
    Here it does not (``synchronous_commit = off``): a commit is seen by every other session
    at once, and only a crash of PostgreSQL itself could lose the last fraction of a second
    of marks, whose messages would then go out again; no row is lost, since the rows were
    created with the default. The setting is this session's, undone at the end (the
    connection serves other tasks)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _fail_unsent(meeting: Meeting) -> None:
    """A meeting cancelled (or back to draft) before its invitations went out: they are not
    sent, and say why."""
    Invitation.objects.filter(meeting=meeting, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.FAILED,
        last_error=NOT_PUBLISHED,
    )


def _next_retry_in(meeting: Meeting) -> float | None:
    """Seconds until the first pending row of the meeting may be tried (0: now), None if
    no row is pending."""
    waiting = (
        Invitation.objects.filter(meeting=meeting, status=Invitation.Status.PENDING)
        .order_by()
        .values("attempts")
        .annotate(last=Min("sending_since"))
    )
    now = timezone.now()
    ready_at = [
        group["last"] + retry_delay(group["attempts"])
        if group["attempts"] and group["last"]
        else now
        for group in waiting
    ]
    if not ready_at:
        return None
    return max((min(ready_at) - now).total_seconds(), 0.0)


def invitations_requeue_stuck() -> list[int]:
    """The periodic safety net: rows *sending* for longer than INVITATIONS_STUCK_AFTER_SECONDS
    (their worker died) go back to *pending*, and the sending is queued for every published
    meeting with rows that are ready and untouched that long (a lost queue message, a mail
    server down longer than the sending task kept trying).
    Queuing twice is harmless: each worker claims its own rows. Returns the meetings."""
    from dialogues.tasks import send_invitations

    now = timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.INVITATIONS_STUCK_AFTER_SECONDS)
    stuck = Invitation.objects.filter(
        status=Invitation.Status.SENDING, sending_since__lt=stuck_before
    )
    # A row whose every attempt ended with its worker gone (a message that kills the
    # worker?) is not tried again by itself.
    stuck.filter(attempts__gte=settings.INVITATIONS_MAX_ATTEMPTS).update(
        status=Invitation.Status.FAILED,
        last_error=STOPPED_EACH_TIME,
    )
    stuck.update(status=Invitation.Status.PENDING)
    # Invitations of a meeting cancelled before they went out are not sent.
    for meeting in (
        Meeting.objects.exclude(status=Meeting.Status.PUBLISHED)
        .filter(invitations__status=Invitation.Status.PENDING)
        .distinct()
    ):
        _fail_unsent(meeting)
    meeting_pks = list(
        Invitation.objects.filter(_claimable(now), meeting__status=Meeting.Status.PUBLISHED)
        .alias(touched=Coalesce("sending_since", "created_at"))
        .filter(touched__lt=stuck_before)
        .order_by()
        .values_list("meeting", flat=True)
        .distinct()
    )
    for meeting_pk in meeting_pks:
        send_invitations.delay(meeting_pk)
    return meeting_pks
