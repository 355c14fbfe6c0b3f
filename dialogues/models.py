"""Dialogue forums and other meetings: who is invited (an invitation is a row before it is
an e-mail), who registered, who came, and who signed the compact on site."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import LoggedModel
from core.uploads import GeneratedNameFileField
from core.validators import no_control_characters, plain_email_address


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """What the public sees: published meetings, and cancelled ones (marked as such)."""
        return self.exclude(status=Meeting.Status.DRAFT)

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")

    def with_counts(self):
        """Each meeting with ``registered_people`` (confirmed registrations' participants)
        and ``waiting_people`` (those queued), in the same query."""
        return self.annotate(
            registered_people=Coalesce(
                Sum(
                    "registrations__participants",
                    filter=Q(registrations__status=Registration.Status.REGISTERED),
                ),
                0,
            ),
            waiting_people=Coalesce(
                Sum(
                    "registrations__participants",
                    filter=Q(registrations__status=Registration.Status.WAITING),
                ),
                0,
            ),
        )


class Meeting(LoggedModel):
    """A dialogue forum, workshop or other meeting of the compact's process."""

    class Kind(models.TextChoices):
        DIALOGUE_FORUM = "dialogue_forum", _("Dialogue forum")
        WORKSHOP = "workshop", _("Workshop")
        INFORMATION_MEETING = "information_meeting", _("Information meeting")
        WORKING_GROUP = "working_group", _("Working-group meeting")
        DROP_IN = "drop_in", _("Drop-in advice")
        OTHER = "other", _("Other meeting")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.DIALOGUE_FORUM)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[no_control_characters]
    )
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[no_control_characters]
    )
    online_link = models.URLField(
        _("link to join online"), blank=True, validators=[no_control_characters]
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    registration_deadline = models.DateTimeField(_("register by"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When it is full, people may queue.")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    organiser_name = models.CharField(
        _("organiser"), max_length=200, validators=[no_control_characters]
    )
    organiser_email = models.EmailField(_("organiser's e-mail"), validators=[plain_email_address])
    organiser_phone = models.CharField(
        _("organiser's phone"), max_length=40, blank=True, validators=[no_control_characters]
    )
    public_parties = models.ManyToManyField(
        "compact.PublicParty", related_name="meetings", verbose_name=_("hosted by")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("meeting", "cancelled"), null=True, blank=True
    )
    # iCalendar's SEQUENCE: raised whenever the time or place changes, or the meeting is
    # cancelled, so calendars replace the copy they hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    minutes = models.TextField(_("minutes"), blank=True)
    # Public once published (served by dialogues:minutes_document), stored under a name
    # the portal makes up, with the extension its bytes show (core/uploads.py).
    minutes_document = GeneratedNameFileField(_("minutes (PDF)"), upload_to="minutes/", blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("starts_at")),
                name="meeting_deadline_before_start",
                violation_error_message=_("The registration deadline must be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="meeting_capacity_positive",
                violation_error_message=_("A meeting with a limit has at least one place."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (~Q(cancellation_reason="")),
                name="meeting_cancelled_with_a_reason",
                violation_error_message=_("A cancelled meeting says why."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    def next_change_at(self):
        """The next moment the meeting's public page reads differently by the clock alone
        (registration closes, the meeting starts, it ends); None once it has ended."""
        now = timezone.now()
        moments = [self.registration_deadline, self.starts_at, self.ends_at]
        return min((moment for moment in moments if moment > now), default=None)

    def registered_count(self) -> int:
        """People confirmed (not queued, not cancelled); from ``with_counts()`` if used,
        otherwise counted now (the services count so under the meeting's row lock)."""
        if hasattr(self, "registered_people"):
            return self.registered_people
        return self.registrations.confirmed().people()

    def places_left(self) -> int | None:
        """Free places (None when there is no limit), from ``registered_count()``."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count(), 0)

    def registration_closed_reason(self) -> str | None:
        """Why no one can register now, for the person asking; None while registration is
        open: published, before the deadline, and a place left or a waiting list. (Whether
        a party of several fits is the registration service's question.)"""
        if self.status == self.Status.CANCELLED:
            return _("The meeting is cancelled.")
        if self.status != self.Status.PUBLISHED:
            return _("Registration for this meeting is not open.")
        if timezone.now() >= self.registration_deadline:
            deadline = formats.date_format(
                timezone.localtime(self.registration_deadline), "DATETIME_FORMAT"
            )
            return _("Registration closed on %(deadline)s.") % {"deadline": deadline}
        if self.places_left() == 0 and not self.waiting_list:
            return _("The meeting is full.")
        return None

    def registration_open(self) -> bool:
        return self.registration_closed_reason() is None


class Invitation(models.Model):
    """One recipient invited to one meeting. The row exists before the e-mail; the sending
    task moves it pending → sending → sent (or failed, with the error), so a worker or a
    broker that dies loses nothing and e-mails no one twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("meeting")
    )
    email = models.EmailField(_("e-mail address"), validators=[plain_email_address])
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("organisation"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "email"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="one_invitation_per_address")
        ]
        indexes = [models.Index(fields=["meeting", "status"])]

    def __str__(self):
        return f"{self.email} → {self.meeting}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting(self):
        """The waiting list, first in line first."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def people(self) -> int:
        """How many people these registrations are for (their participants summed)."""
        return self.aggregate(people=Sum("participants"))["people"] or 0

    def due_for_reminder(self, now: datetime.datetime, *, days: int):
        """Places to remind of now: at a published meeting that starts within ``days``
        days, not reminded yet, and registered before that window opened (someone who
        registered two hours ago has just had the confirmation)."""
        window = datetime.timedelta(days=days)
        return self.filter(
            status=Registration.Status.REGISTERED,
            reminded_at__isnull=True,
            meeting__status=Meeting.Status.PUBLISHED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + window,
            created_at__lt=F("meeting__starts_at") - window,
        )


class Registration(LoggedModel):
    """Someone registered for a meeting (or queued, or cancelled; a walk-in added on the
    day). Never deleted: a cancellation is recorded on the row."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("meeting")
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_registrations",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[no_control_characters]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    email = models.EmailField(_("e-mail address"), validators=[plain_email_address])
    participants = models.PositiveSmallIntegerField(_("number of people"), default=1)
    needs = models.TextField(_("accessibility or dietary needs"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.REGISTERED, db_index=True
    )
    walk_in = models.BooleanField(_("came without registering"), default=False)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_address",
                violation_error_message=_("This address is already registered for the meeting."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=1), name="registration_has_participants"
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.meeting}"

    def place_in_line(self) -> int | None:
        """Where a registration on the waiting list stands (1: next to get a place);
        None when it is not waiting."""
        if self.status != self.Status.WAITING:
            return None
        ahead = (
            Registration.objects.filter(meeting_id=self.meeting_id)
            .waiting()
            .filter(
                Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
            )
        )
        return ahead.count() + 1


class MeetingSignature(models.Model):
    """A signature of the compact made on site at a dialogue forum (channel "forum")."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("meeting")
    )
    signature = models.OneToOneField(
        "compact.Signature",
        on_delete=models.PROTECT,
        related_name="meeting_link",
        verbose_name=_("signature"),
    )

    class Meta:
        verbose_name = _("signature at a meeting")
        verbose_name_plural = _("signatures at meetings")

    def __str__(self):
        return f"{self.signature} @ {self.meeting}"
