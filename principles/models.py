from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compact.models import Agreement, private_storage
from core.models import ChoiceLabels, LoggedModel
from core.uploads import GeneratedNameFileField
from core.validators import no_control_characters


class Party(models.TextChoices):
    """Who undertakes a commitment."""

    MUNICIPALITY = "municipality", _("The municipality")
    SECTOR = "sector", _("The civil-society sector")
    BOTH = "both", _("Both parties")


class PrincipleQuerySet(models.QuerySet):
    def in_force(self):
        """Principles of the version in force."""
        return self.filter(agreement__status=Agreement.Status.ADOPTED)


class Principle(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="principles", verbose_name=_("agreement")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    # The principle of the previous version this one was copied from when the version was
    # drafted (principles/revision.py): what the differences compare it with.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )

    objects = PrincipleQuerySet.as_manager()

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["agreement", "position", "pk"]

    def __str__(self):
        return self.title


class Commitment(ChoiceLabels, models.Model):
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("principle")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    party = models.CharField(_("party"), max_length=20, choices=Party)
    text = models.TextField(_("text"))
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["principle", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class DevelopmentArea(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="development_areas",
        verbose_name=_("agreement"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    aim = models.TextField(_("aim"), help_text=_('What the parties want ("We want …").'))

    class Meta:
        verbose_name = _("development area")
        verbose_name_plural = _("development areas")
        ordering = ["agreement", "position", "pk"]

    def __str__(self):
        return self.title


class PlanItemStatus(models.TextChoices):
    """How far a plan item of the development plan has come."""

    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PlanItem(ChoiceLabels, models.Model):
    area = models.ForeignKey(
        DevelopmentArea,
        on_delete=models.CASCADE,
        related_name="plan_items",
        verbose_name=_("development area"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    # The development plan (revised every two years): who owns the item, how far it has
    # come, and when it runs. Followed up yearly with the commitments (PlanItemEntry).
    owner = models.CharField(_("owner"), max_length=20, choices=Party, default=Party.BOTH)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanItemStatus, default=PlanItemStatus.PLANNED
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="plan_item_ends_after_it_starts",
                violation_error_message=_("A plan item cannot end before it starts."),
            )
        ]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["area", "position", "pk"]

    def __str__(self):
        return self.text[:80]


# The yearly follow-up (uppföljning) ---------------------------------------------------
# A follow-up is a year's account of every commitment and plan item of one version. While
# a draft, officials record it; once published it is public and never rewritten: the
# database refuses changes to it and its entries (migration principles 0003), and
# corrections are added as dated notes (CorrectionNote, only ever added).


class EntryStatus(models.TextChoices):
    """Where a commitment (or plan item) stood in a follow-up's year."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class FollowUpQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=FollowUp.Status.PUBLISHED)


class FollowUp(LoggedModel):
    """One year's follow-up of one version of the compact."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("agreement version"),
    )
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="published_follow_up_has_date",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2200), name="follow_up_year_plausible"
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class EntryBase(ChoiceLabels, models.Model):
    """What officials recorded for one commitment or plan item in a follow-up. Blank status:
    not recorded yet (a follow-up is published when none is blank)."""

    status = models.CharField(_("status"), max_length=20, choices=EntryStatus, blank=True)
    account = models.TextField(_("account"), blank=True, help_text=_("What was done, briefly."))
    links = models.TextField(
        _("links"), blank=True, help_text=_("Web addresses that tell more, one a line.")
    )
    attachment = GeneratedNameFileField(
        _("attachment"),
        upload_to="follow-ups/%Y/",
        storage=private_storage,
        blank=True,
        help_text=_(
            "Served by the portal: to officials while a draft, to everyone once published."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class CommitmentEntry(EntryBase):
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.CASCADE,
        related_name="commitment_entries",
        verbose_name=_("follow-up"),
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="entries", verbose_name=_("commitment")
    )

    class Meta:
        verbose_name = _("commitment in a follow-up")
        verbose_name_plural = _("commitments in a follow-up")
        ordering = ["follow_up", "commitment__principle__position", "commitment__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "commitment"], name="one_entry_per_commitment_and_follow_up"
            )
        ]

    def __str__(self):
        return f"{self.follow_up}: {self.commitment}"


class PlanItemEntry(EntryBase):
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.CASCADE,
        related_name="plan_item_entries",
        verbose_name=_("follow-up"),
    )
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("plan item")
    )

    class Meta:
        verbose_name = _("plan item in a follow-up")
        verbose_name_plural = _("plan items in a follow-up")
        ordering = ["follow_up", "plan_item__area__position", "plan_item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "plan_item"], name="one_entry_per_plan_item_and_follow_up"
            )
        ]

    def __str__(self):
        return f"{self.follow_up}: {self.plan_item}"


class OrganisationAccount(LoggedModel):
    """A signatory organisation's own account of a sector or both-party commitment in a
    follow-up, submitted by its representative; officials include it or not."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        INCLUDED = "included", _("Included")
        EXCLUDED = "excluded", _("Not included")

    entry = models.ForeignKey(
        CommitmentEntry,
        on_delete=models.CASCADE,
        related_name="organisation_accounts",
        verbose_name=_("commitment in a follow-up"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="follow_up_accounts",
        verbose_name=_("organisation"),
    )
    text = models.TextField(_("account"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation's account")
        verbose_name_plural = _("organisations' accounts")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "organisation"], name="one_account_per_organisation_and_entry"
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="decided_account_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.entry}"


class CorrectionNote(models.Model):
    """A dated correction to a published follow-up. Only ever added (the database refuses
    to change or delete one: migration principles 0003)."""

    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("follow-up"),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commitment"),
        help_text=_("The commitment it corrects, if one."),
    )
    text = models.TextField(_("correction"))
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["added_at", "pk"]

    def __str__(self):
        return f"{self.follow_up} {self.added_at:%Y-%m-%d}"


class DueReminder(models.Model):
    """A reminder e-mailed to the officials ahead of a due date of the version in force
    (its yearly follow-up, its revision): a row first, so each date is reminded of once."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up")
        REVISION = "revision", _("Revision")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="+", verbose_name=_("agreement version")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("due-date reminder")
        verbose_name_plural = _("due-date reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "due_on"], name="one_reminder_per_due_date"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"
