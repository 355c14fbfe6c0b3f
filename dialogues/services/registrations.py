"""Registering for a meeting, cancelling, and the waiting list moving up.

Every change takes the meeting's row lock first (``SELECT … FOR UPDATE``), so two people
asking for the last place at the same moment are served one after the other: the first
gets it, the second the waiting list (or "full"). Capacity counts participants, not
registrations. The database keeps one active registration per address and meeting
(``one_active_registration_per_address``) as the last line.

``actor`` is the signed-in user, or None for someone registering from an invitation link
or cancelling from the link in their confirmation; the action log records either.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from dialogues.models import Invitation, Meeting, Registration
from dialogues.tasks import send_registration_confirmation, send_registration_promoted
from organisations.models import Organisation
from organisations.rules import is_representative


class RegistrationError(Exception):
    """A registration step that cannot be taken; the message is for the person, and
    ``field`` names the form field it is about (None: the whole form)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _ensure_open(meeting: Meeting) -> None:
    """The caller holds the meeting's lock: the places left are counted now."""
    if reason := meeting.registration_closed_reason():
        raise RegistrationError(reason)


def normalise_email(email: str) -> str:
    """One spelling per address, so the same person cannot register twice by case."""
    return email.strip().lower()


def _status_for(meeting: Meeting, participants: int) -> str:
    if meeting.capacity is not None and participants > meeting.capacity:
        raise RegistrationError(
            _("The meeting has %(capacity)s places in all.") % {"capacity": meeting.capacity},
            field="participants",
        )
    left = meeting.places_left()  # counted now: the meeting is locked
    if left is None or participants <= left:
        return Registration.Status.REGISTERED
    if meeting.waiting_list:
        return Registration.Status.WAITING
    # Some places are left (_ensure_open refused a full meeting without a waiting list).
    raise RegistrationError(
        ngettext(
            "Only %(left)s place is left: register fewer people.",
            "Only %(left)s places are left: register fewer people.",
            left,
        )
        % {"left": left},
        field="participants",
    )


# One invitation link (it may be forwarded to colleagues) or one account makes at most this
# many registrations for a meeting, cancelled ones included: a link that leaked cannot have
# the portal send confirmations to any number of strangers (registering one, cancelling it
# from the page the link leads to, registering the next …).
REGISTRATIONS_PER_LINK = 10


def _ensure_within_limit(meeting: Meeting, *, invitation, actor) -> None:
    if invitation is not None:
        made = Registration.objects.filter(meeting=meeting, invitation=invitation)
    elif actor is not None:
        made = Registration.objects.filter(meeting=meeting, user=actor)
    else:
        return
    if made.count() >= REGISTRATIONS_PER_LINK:
        raise RegistrationError(
            _(
                "%(count)s registrations have been made with this invitation or account "
                "(cancelled ones included). Ask the organiser to register more."
            )
            % {"count": REGISTRATIONS_PER_LINK}
        )


def _already_registered() -> RegistrationError:
    return RegistrationError(
        _("This address is already registered for the meeting."), field="email"
    )


@transaction.atomic
def registration_create(
    *,
    meeting: Meeting,
    actor: User | None,
    name: str,
    email: str,
    participants: int = 1,
    needs: str = "",
    organisation: Organisation | None = None,
    organisation_name: str = "",
    invitation: Invitation | None = None,
    language: str | None = None,
) -> Registration:
    """Register someone: registered while places remain, otherwise on the waiting list if
    the meeting keeps one, otherwise refused. Refused after the deadline, for a draft or
    cancelled meeting, and for an address already registered (or waiting).

    ``organisation`` is one the actor represents, or the invitation's; anyone else's is
    refused. The confirmation e-mail (with the calendar file) is queued on commit."""
    if organisation is not None:
        invited = invitation is not None and invitation.organisation_id == organisation.pk
        if not invited and not (actor is not None and is_representative(actor, organisation)):
            raise PermissionDenied
        organisation_name = organisation.name
    if invitation is not None and invitation.meeting_id != meeting.pk:
        raise PermissionDenied
    meeting = _lock_meeting(meeting)
    _ensure_open(meeting)
    email = normalise_email(email)
    if Registration.objects.active().filter(meeting=meeting, email=email).exists():
        raise _already_registered()
    _ensure_within_limit(meeting, invitation=invitation, actor=actor)
    status = _status_for(meeting, participants)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting,
                invitation=invitation,
                organisation=organisation,
                organisation_name=organisation_name,
                user=actor,
                name=name,
                email=email,
                participants=participants,
                needs=needs,
                language=language or translation.get_language() or meeting.language,
                status=status,
            )
    except IntegrityError as error:  # the database's constraint, the last line
        raise _already_registered() from error
    registration.log_action(
        "dialogues.registration.created",
        actor=actor,
        data={"status": status, "participants": participants},
    )
    send_registration_confirmation.delay_on_commit(registration.pk)
    return registration


def _promote_waiting(meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list, first in line first, each whose party fits
    in the places left (a larger party further up waits for more places). The caller
    holds the meeting's lock. Each person moved up is e-mailed."""
    if meeting.status != Meeting.Status.PUBLISHED or meeting.starts_at <= timezone.now():
        return []
    left = meeting.places_left()  # counted now: the meeting is locked
    promoted = []
    for waiting in Registration.objects.filter(meeting=meeting).waiting().select_for_update():
        if left == 0:
            break
        if left is not None and waiting.participants > left:
            continue
        waiting.status = Registration.Status.REGISTERED
        waiting.save(update_fields=["status"])
        waiting.log_action("dialogues.registration.promoted", actor=None)
        send_registration_promoted.delay_on_commit(waiting.pk)
        promoted.append(waiting)
        if left is not None:
            left -= waiting.participants
    return promoted


@transaction.atomic
def waiting_list_promote(*, meeting: Meeting) -> list[Registration]:
    """Fill places that came free (a cancellation, a larger capacity) from the waiting
    list. Cancelling calls it; so may whatever raises a meeting's capacity."""
    return _promote_waiting(_lock_meeting(meeting))


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User | None) -> Registration:
    """Cancel a registration (or leave the waiting list). The row stays, with the time;
    the places it held go to the waiting list at once."""
    meeting = _lock_meeting(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise RegistrationError(_("This registration is already cancelled."))
    if meeting.starts_at <= timezone.now():
        raise RegistrationError(_("The meeting has started: the registration stays as it is."))
    was = registration.status
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    registration.log_action("dialogues.registration.cancelled", actor=actor, data={"was": was})
    if was == Registration.Status.REGISTERED:
        _promote_waiting(meeting)
    return registration
