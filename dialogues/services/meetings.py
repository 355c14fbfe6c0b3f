"""Scheduling meetings: create, change, publish, cancel and copy. Officials only.

Each function takes the acting official as ``actor=`` and records what it did in the action
log. Bad values are refused with a ``ValidationError`` keyed by field (the view puts each
message next to its field), after the meeting row is locked, so nothing is half-saved and
a registration that arrives meanwhile is counted. Changing the time or place of a published
meeting still to come, or cancelling it (only before it has ended), e-mails everyone
registered (dialogues.tasks, queued on commit); either raises the meeting's calendar
sequence, so calendars replace the copy they hold. More places move people up from the
waiting list.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import is_official
from compact.models import PublicParty
from dialogues.models import Meeting
from dialogues.services.registrations import waiting_list_promote
from dialogues.tasks import send_meeting_cancelled, send_meeting_changed

# What an official writes on a meeting (title, description and agenda in each language).
CONTENT_FIELDS = (
    "kind",
    "title_sv",
    "title_en",
    "description_sv",
    "description_en",
    "agenda_sv",
    "agenda_en",
    "place",
    "address",
    "online_link",
    "capacity",
    "waiting_list",
    "language",
    "organiser_name",
    "organiser_email",
    "organiser_phone",
)
DATE_FIELDS = ("starts_at", "ends_at", "registration_deadline")
FIELDS = CONTENT_FIELDS + DATE_FIELDS

# A change to one of these is news for everyone registered.
TIME_AND_PLACE = ("starts_at", "ends_at", "place", "address", "online_link")


class MeetingError(Exception):
    """A step that cannot be taken in the meeting's state; the message is for the user."""


def meeting_problems(
    *, starts_at, ends_at, registration_deadline, capacity, registered: int = 0
) -> dict[str, str]:
    """What is wrong with these values, by field (empty when nothing is). The form and the
    services ask the same questions; values that are missing are not judged here."""
    problems = {}
    if starts_at and ends_at and ends_at <= starts_at:
        problems["ends_at"] = _("The meeting must end after it starts.")
    if starts_at and registration_deadline and registration_deadline > starts_at:
        problems["registration_deadline"] = _(
            "The registration deadline must be at the latest when the meeting starts."
        )
    if capacity is not None:
        if capacity < 1:
            problems["capacity"] = _(
                "A meeting with a limit has at least one place. Leave the field empty for no limit."
            )
        elif capacity < registered:
            problems["capacity"] = _(
                "%(registered)s people are already registered: the meeting needs at least "
                "that many places."
            ) % {"registered": registered}
    return problems


def _ensure_official(actor) -> None:
    if not is_official(actor):
        raise PermissionDenied


def _unknown(fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not a meeting field: {', '.join(sorted(unknown))}")


def _validate(meeting: Meeting, *, registered: int = 0) -> None:
    problems = meeting_problems(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        registration_deadline=meeting.registration_deadline,
        capacity=meeting.capacity,
        registered=registered,
    )
    if not (meeting.title_sv or "").strip():
        problems["title_sv"] = _("Give the meeting a title in Swedish.")
    if not (meeting.place or "").strip() and not meeting.online_link:
        problems["place"] = _("Give a place, a link to join online, or both.")
    if problems:
        raise ValidationError(problems)
    # The fields' own checks (lengths, addresses, control characters) and the constraints.
    meeting.full_clean(exclude=["title", "description", "agenda"])


def _same(value, other) -> bool:
    """Equal, an empty translation ("" from a form, None in the database) being empty."""
    return value == other or (value in (None, "") and other in (None, ""))


def _as_text(value) -> str:
    """A value for the action log (JSON), as people read it."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _parties_text(parties: Iterable[PublicParty]) -> str:
    return ", ".join(sorted(party.name for party in parties))


def _create(*, actor: User, public_parties, fields: dict) -> Meeting:
    _unknown(fields)
    public_parties = list(public_parties)
    if not public_parties:
        raise ValidationError({"public_parties": _("Choose at least one host.")})
    meeting = Meeting(status=Meeting.Status.DRAFT, **fields)
    _validate(meeting)
    meeting.save()
    meeting.public_parties.set(public_parties)
    return meeting


@transaction.atomic
def meeting_create(*, actor: User, public_parties: Iterable[PublicParty], **fields) -> Meeting:
    """A new meeting, as a draft (the public sees it once it is published)."""
    _ensure_official(actor)
    meeting = _create(actor=actor, public_parties=public_parties, fields=fields)
    meeting.log_action("dialogues.meeting.created", actor=actor)
    return meeting


@transaction.atomic
def meeting_copy(
    *, meeting: Meeting, actor: User, public_parties: Iterable[PublicParty], **fields
) -> Meeting:
    """A new draft from an earlier meeting: the form starts from its content, the official
    sets the dates (and may change anything else). The copy's log names the original."""
    _ensure_official(actor)
    copy = _create(actor=actor, public_parties=public_parties, fields=fields)
    copy.log_action(
        "dialogues.meeting.copied",
        actor=actor,
        data={"from": f"#{meeting.pk} {meeting.title_sv}"},
    )
    return copy


def _lock(meeting: Meeting) -> Meeting:
    # Registrations lock the meeting too: a place taken meanwhile is counted below.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    public_parties: Iterable[PublicParty] | None = None,
    **fields,
) -> list[str]:
    """Change a draft or published meeting; returns the fields that changed. A published
    meeting still to come whose time or place changed is news for everyone registered: they
    are e-mailed what changed, with a new calendar file."""
    _ensure_official(actor)
    _unknown(fields)
    locked = _lock(meeting)
    if locked.status == Meeting.Status.CANCELLED:
        raise MeetingError(_("A cancelled meeting cannot be changed. Copy it to plan a new one."))
    before = {name: getattr(locked, name) for name in FIELDS}
    parties_before = set(locked.public_parties.all())
    for name, value in fields.items():
        setattr(locked, name, value)
    changed = [name for name in FIELDS if not _same(getattr(locked, name), before[name])]
    if public_parties is not None:
        public_parties = set(public_parties)
        if not public_parties:
            raise ValidationError({"public_parties": _("Choose at least one host.")})
        if public_parties != parties_before:
            changed.append("public_parties")
    _validate(locked, registered=locked.registered_count())
    if not changed:
        return []
    news = [name for name in changed if name in TIME_AND_PLACE]
    published = locked.status == Meeting.Status.PUBLISHED
    # Those registered are told of a new time or place of a meeting still to come; a
    # correction to one that took place e-mails no one (calendars still get it).
    to_come = before["ends_at"] > timezone.now()
    if news and published:
        locked.sequence += 1
    locked.save()
    if "public_parties" in changed:
        locked.public_parties.set(public_parties)
    data = {
        name: [_as_text(before[name]), _as_text(getattr(locked, name))]
        for name in changed
        if name != "public_parties"
    }
    if "public_parties" in changed:
        data["public_parties"] = [_parties_text(parties_before), _parties_text(public_parties)]
    locked.log_action("dialogues.meeting.changed", actor=actor, data=data)
    if news and published and to_come:
        send_meeting_changed.delay_on_commit(locked.pk, news)
    if published and "capacity" in changed and _more_places(before["capacity"], locked.capacity):
        waiting_list_promote(meeting=locked)  # those moved up are e-mailed
    _refresh(meeting, locked)
    return changed


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor: User) -> Meeting:
    """Show a draft to the public (registration opens if its deadline is ahead)."""
    _ensure_official(actor)
    locked = _lock(meeting)
    if locked.status != Meeting.Status.DRAFT:
        raise MeetingError(
            _("The meeting is already published.")
            if locked.status == Meeting.Status.PUBLISHED
            else _("A cancelled meeting cannot be published. Copy it to plan a new one.")
        )
    locked.status = Meeting.Status.PUBLISHED
    locked.save(update_fields=["status", "updated_at"])
    locked.log_action("dialogues.meeting.published", actor=actor)
    _refresh(meeting, locked)
    return locked


def cancel_refusal(meeting: Meeting) -> str | None:
    """Why the meeting cannot be cancelled, or None: only a published meeting that has not
    ended can be (one that took place keeps its attendance and minutes, and no one is
    e-mailed afterwards that it is cancelled)."""
    if meeting.status == Meeting.Status.CANCELLED:
        return _("The meeting is already cancelled.")
    if meeting.status == Meeting.Status.DRAFT:
        return _(
            "A draft is not public and no one can register for it: there is nothing to cancel."
        )
    if meeting.has_ended:
        return _("The meeting has taken place and can no longer be cancelled.")
    return None


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """Cancel a published meeting that has not ended. It stays on the public pages, marked
    cancelled with the reason, and everyone registered is e-mailed (with a calendar file
    that cancels it)."""
    _ensure_official(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    locked = _lock(meeting)
    if refusal := cancel_refusal(locked):
        raise MeetingError(refusal)
    locked.status = Meeting.Status.CANCELLED
    locked.cancellation_reason = reason
    locked.cancelled_at = timezone.now()
    locked.sequence += 1
    locked.save(
        update_fields=["status", "cancellation_reason", "cancelled_at", "sequence", "updated_at"]
    )
    locked.log_action("dialogues.meeting.cancelled", actor=actor, data={"reason": reason})
    send_meeting_cancelled.delay_on_commit(locked.pk)
    _refresh(meeting, locked)
    return locked


def _more_places(before: int | None, after: int | None) -> bool:
    return before is not None and (after is None or after > before)


def _refresh(meeting: Meeting, locked: Meeting) -> None:
    """The caller's instance shows what was saved."""
    if meeting is not locked:
        meeting.refresh_from_db()
