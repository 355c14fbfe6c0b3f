"""After the meeting (officials only): who came, who came without registering, which
organisations signed the compact on paper at a dialogue forum, and the minutes.

An organisation that signs at a forum is chosen among the organisations registered in the
portal (verified or awaiting verification, not rejected): a signature belongs to an
organisation row (domain fact 3), and the organisation's representatives get the receipt.
One that is not registered yet registers first (a few minutes on a phone at the forum, or
later); the official then records the paper, dated the day of the forum.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import is_official
from compact.models import Agreement
from compact.services import SigningError, signature_sign_at_forum
from core.uploads import delete_file_on_commit, stored_file_name
from dialogues.models import Meeting, MeetingSignature, Registration
from dialogues.services.registrations import normalise_email
from organisations.models import Organisation


class AttendanceError(Exception):
    """A step that cannot be taken in the meeting's state; the message is for the official,
    and ``field`` names the form field it is about (None: the whole form)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _ensure_official(actor) -> None:
    if not is_official(actor):
        raise PermissionDenied


def _lock_started(meeting: Meeting) -> Meeting:
    """The meeting, locked; it must be published and have started."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PUBLISHED:
        raise AttendanceError(_("Only a published meeting that took place has attendance."))
    if meeting.starts_at > timezone.now():
        raise AttendanceError(_("The meeting has not started yet."))
    return meeting


@transaction.atomic
def attendance_mark(*, meeting: Meeting, attended: Iterable[int], actor: User) -> int:
    """Mark who came among the registered (``attended``: their registrations' ids; everyone
    else registered did not come). Returns how many rows changed; each change is logged."""
    _ensure_official(actor)
    meeting = _lock_started(meeting)
    attended = set(attended)
    changed = 0
    for registration in (
        Registration.objects.confirmed().filter(meeting=meeting).select_for_update()
    ):
        came = registration.pk in attended
        if registration.attended == came:
            continue
        registration.attended = came
        registration.save(update_fields=["attended"])
        registration.log_action(
            "dialogues.registration.attended" if came else "dialogues.registration.not_attended",
            actor=actor,
        )
        changed += 1
    return changed


@transaction.atomic
def walk_in_add(
    *,
    meeting: Meeting,
    actor: User,
    name: str,
    email: str,
    organisation_name: str = "",
    participants: int = 1,
    needs: str = "",
) -> Registration:
    """Someone who came without a place: registered as attended, marked a walk-in. A person
    on the waiting list who came anyway gets their registration turned into a place."""
    _ensure_official(actor)
    meeting = _lock_started(meeting)
    email = normalise_email(email)
    existing = (
        Registration.objects.active().filter(meeting=meeting, email=email).select_for_update()
    ).first()
    if existing is not None and existing.status == Registration.Status.REGISTERED:
        raise AttendanceError(
            _("%(email)s is registered already: tick them in the list instead.") % {"email": email},
            field="email",
        )
    if existing is not None:  # waiting, and came
        existing.status = Registration.Status.REGISTERED
        existing.walk_in = True
        existing.attended = True
        existing.save(update_fields=["status", "walk_in", "attended"])
        existing.log_action("dialogues.registration.walk_in", actor=actor, data={"was": "waiting"})
        return existing
    registration = Registration.objects.create(
        meeting=meeting,
        name=name,
        email=email,
        organisation_name=organisation_name,
        participants=participants,
        needs=needs,
        language=meeting.language,
        status=Registration.Status.REGISTERED,
        walk_in=True,
        attended=True,
    )
    registration.log_action(
        "dialogues.registration.walk_in", actor=actor, data={"participants": participants}
    )
    return registration


@transaction.atomic
def meeting_signature_record(
    *,
    meeting: Meeting,
    organisation: Organisation,
    actor: User,
    signer_name: str,
    signer_role: str,
) -> MeetingSignature:
    """An organisation signed the compact on paper at this dialogue forum: the signature
    (channel "forum", through compact's signing service, dated the forum's day) and its
    link to the meeting, in one transaction."""
    _ensure_official(actor)
    meeting = _lock_started(meeting)
    if meeting.kind != Meeting.Kind.DIALOGUE_FORUM:
        raise AttendanceError(_("Organisations sign the compact on site at a dialogue forum."))
    agreement = Agreement.objects.in_force().first()
    if agreement is None:
        raise AttendanceError(_("No version of the compact is in force."))
    try:
        signature = signature_sign_at_forum(
            organisation=organisation,
            agreement=agreement,
            actor=actor,
            signer_name=signer_name,
            signer_role=signer_role,
            signed_on=timezone.localdate(meeting.starts_at),
        )
    except SigningError as error:
        raise AttendanceError(str(error), field="organisation") from error
    link = MeetingSignature.objects.create(meeting=meeting, signature=signature)
    meeting.log_action(
        "dialogues.meeting.signed_on_site",
        actor=actor,
        data={"organisation": organisation.name, "signer": signer_name, "role": signer_role},
    )
    return link


@transaction.atomic
def minutes_publish(
    *, meeting: Meeting, actor: User, text: str, document=None, remove_document: bool = False
) -> Meeting:
    """Publish the minutes on the meeting's public page: the text, and a PDF if given
    (checked by the form: compact.forms.validate_pdf). Publishing again replaces them; a
    replaced or removed PDF's file is deleted once this commits."""
    _ensure_official(actor)
    meeting = _lock_started(meeting)
    if not text.strip():
        raise AttendanceError(_("Write the minutes (the PDF is optional)."), field="minutes")
    old_document = stored_file_name(meeting, "minutes_document")
    meeting.minutes = text
    if document is not None:
        meeting.minutes_document = document
    elif remove_document:
        meeting.minutes_document = ""
    first = meeting.minutes_published_at is None
    if first:
        meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_document", "minutes_published_at"])
    if old_document and old_document != meeting.minutes_document.name:
        delete_file_on_commit(meeting.minutes_document.storage, old_document)
    meeting.log_action(
        "dialogues.meeting.minutes_published",
        actor=actor,
        data={"document": bool(meeting.minutes_document), "again": not first},
    )
    return meeting
