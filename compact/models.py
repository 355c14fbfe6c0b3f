from datetime import date

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.kept_queries import kept_rows
from core.models import LoggedModel
from core.uploads import GeneratedNameFileField
from core.validators import no_control_characters


class PublicParty(models.Model):
    """A municipality or region that is party to the compact."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[no_control_characters]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    website = models.URLField(_("website"), blank=True, validators=[no_control_characters])

    class Meta:
        verbose_name = _("public party")
        verbose_name_plural = _("public parties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Agreement.Status.ADOPTED)

    def public(self):
        """Every version the public sees: in force and superseded, newest first."""
        return self.exclude(status=Agreement.Status.DRAFT).order_by("-adopted_on", "-pk")

    def drafts(self):
        return self.filter(status=Agreement.Status.DRAFT)

    def current(self):
        """The version in force, or None."""
        return self.in_force().prefetch_related("public_parties").first()

    def current_or_404(self):
        """The version in force; without one, the page asked for does not exist."""
        agreement = self.in_force().first()
        if agreement is None:
            raise Http404("No version of the compact is in force.")
        return agreement


class AgreementManager(models.Manager.from_queryset(AgreementQuerySet)):
    def one_in_force(self):
        """The version in force, or None: read on many pages, its query compiled once
        (core.kept_queries)."""
        rows = kept_rows("compact.agreement.in_force", lambda: self.in_force()[:1])
        return rows[0] if rows else None


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Agreement(models.Model):
    """One version of the compact. One version at a time is in force."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted (in force)")
        SUPERSEDED = "superseded", _("Superseded")

    title = models.CharField(_("title"), max_length=300, validators=[no_control_characters])
    version_label = models.CharField(
        _("version"), max_length=50, validators=[no_control_characters]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    review_due = models.DateField(
        _("revision due"),
        null=True,
        blank=True,
        help_text=_("Four years after adoption unless set."),
    )
    preamble = models.TextField(_("preamble"), blank=True)
    public_parties = models.ManyToManyField(
        PublicParty, related_name="agreements", verbose_name=_("public parties")
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("previous version"),
    )
    # When a later version was adopted in its place (principles/revision.py).
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementManager()

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-adopted_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="adopted"),
                name="one_agreement_in_force",
                violation_error_message=_("Only one version of the compact can be in force."),
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False),
                name="adopted_agreement_has_date",
                violation_error_message=_("An adopted version needs its adoption date."),
            ),
            # A draft revising a version: at most one at a time (principles/revision.py).
            models.UniqueConstraint(
                fields=["previous"],
                condition=Q(status="draft"),
                name="one_draft_revision_per_version",
                violation_error_message=_("A draft of the next version already exists."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.version_label})"

    def save(self, *args, **kwargs):
        if self.adopted_on and not self.review_due:
            self.review_due = add_years(self.adopted_on, settings.COMPACT_REVISION_YEARS)
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def next_follow_up(self) -> date | None:
        """The compact is followed up every year, on the anniversary of its adoption."""
        if not self.adopted_on:
            return None
        today = timezone.localdate()
        years = max(1, today.year - self.adopted_on.year)
        due = add_years(self.adopted_on, years)
        return due if due >= today else add_years(self.adopted_on, years + 1)


def private_storage():
    """Files only officials and the organisation's representatives may read, served by a view."""
    return storages["private"]


class WrittenApplication(LoggedModel):
    """A written application (skriftlig ansökan) to join the compact, reviewed by officials."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="written_applications",
        verbose_name=_("organisation"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="written_applications",
        verbose_name=_("agreement"),
    )
    document = GeneratedNameFileField(
        _("signed application (PDF)"), upload_to="applications/%Y/", storage=private_storage
    )
    message = models.TextField(_("message"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
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
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Who signed the paper and when, as the representative gave it on upload (the official
    # confirms or corrects it on approval, in the signature). Blank on applications made
    # before the portal asked (migration compact 0008): the official reads it off the paper.
    signatory_name = models.CharField(
        _("signed by"), max_length=200, blank=True, validators=[no_control_characters]
    )
    signatory_role = models.CharField(
        _("role or title"), max_length=200, blank=True, validators=[no_control_characters]
    )
    signed_on = models.DateField(_("date signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("written application")
        verbose_name_plural = _("written applications")
        ordering = ["-submitted_at"]
        constraints = [
            # The signatory is given whole (name, role and date) or not at all.
            models.CheckConstraint(
                condition=Q(signatory_name="", signatory_role="", signed_on__isnull=True)
                | (~Q(signatory_name="") & ~Q(signatory_role="") & Q(signed_on__isnull=False)),
                name="application_signatory_whole_or_none",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.submitted_at:%Y-%m-%d}"


# The role the portal gave the signer of a written application before it asked who signed
# the paper (stored in Swedish, the portal's language then): Signature.role_label.
WRITTEN_APPLICATION_ROLE = gettext_noop("Signed the written application")
WRITTEN_APPLICATION_ROLE_SV = "Undertecknade den skriftliga ansökan"


class SignatureQuerySet(models.QuerySet):
    def effective(self):
        return self.filter(withdrawn_at__isnull=True)

    def listed(self):
        """Signatures the public sees on a list of any public version's signatories:
        effective, organisation verified (narrow to the version with ``agreement=``)."""
        return self.effective().filter(
            agreement__status__in=[Agreement.Status.ADOPTED, Agreement.Status.SUPERSEDED],
            organisation__verification="verified",
        )

    def public(self):
        """Signatures the public sees: effective, on the version in force, organisation verified."""
        return self.effective().filter(
            agreement__status=Agreement.Status.ADOPTED,
            organisation__verification="verified",
        )


class Signature(LoggedModel):
    """An organisation's signature on one version of the compact. Never deleted:
    a withdrawal is recorded on the row, and the history stays."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        FORUM = "forum", _("At a dialogue forum")
        WRITTEN_APPLICATION = "written_application", _("Written application")

    class Authority(models.TextChoices):
        AUTHORISED_SIGNATORY = "signatory", _("I am an authorised signatory (firmatecknare)")
        BOARD_DECISION = "board_decision", _("The board has decided that I may sign")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("organisation"),
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("agreement")
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel)
    signer_name = models.CharField(
        _("signed by"), max_length=200, validators=[no_control_characters]
    )
    signer_role = models.CharField(
        _("role or title"), max_length=200, validators=[no_control_characters]
    )
    authority = models.CharField(
        _("authority to sign"), max_length=30, choices=Authority, blank=True
    )
    board_decision_on = models.DateField(_("date of the board decision"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user account"),
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    application = models.OneToOneField(
        WrittenApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signature",
        verbose_name=_("written application"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at"]
        # The officials' list reads a page in this order (at 7,000 signatures 18 ms, now 0.2).
        indexes = [models.Index(fields=["signed_at"], name="signature_signed_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agreement"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_effective_signature_per_organisation",
                violation_error_message=_("The organisation has already signed this version."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="written_application")
                | Q(application__isnull=False, approved_by__isnull=False),
                name="written_signature_has_approved_application",
            ),
        ]

    @staticmethod
    def may_be_withdrawn(withdrawn_at, agreement_status) -> bool:
        """Standing, on the version in force: a signature on a superseded version is
        history, as the version's list of signatories and its sealed PDFs are. (Given the
        columns, so that rows read as values() ask it too.)"""
        return withdrawn_at is None and agreement_status == Agreement.Status.ADOPTED

    def __str__(self):
        return f"{self.organisation} – {self.agreement}"

    @property
    def role_label(self) -> str:
        """The signer's role as pages show it. Signatures approved from a written application
        before its signatory was asked for (migration compact 0008) hold a role the portal
        wrote, in Swedish: shown in the page's language."""
        if self.channel == self.Channel.WRITTEN_APPLICATION and self.signer_role in (
            WRITTEN_APPLICATION_ROLE,
            WRITTEN_APPLICATION_ROLE_SV,
        ):
            return gettext(WRITTEN_APPLICATION_ROLE)
        return self.signer_role


class ResigningInvitation(models.Model):
    """An invitation to an organisation that signed the previous version to sign this one,
    made when this one is adopted (principles/revision.py), one per organisation and
    version (a database constraint). A row before it is an e-mail: the sending
    (compact/resigning.py) moves it pending → sending → sent (or failed, with the error),
    so a dead worker loses nothing and only the message in flight can go out twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="resigning_invitations",
        verbose_name=_("agreement version"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="resigning_invitations",
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
        verbose_name = _("invitation to sign again")
        verbose_name_plural = _("invitations to sign again")
        ordering = ["agreement", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="one_resigning_invitation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} → {self.agreement}"


class IssuedDocumentQuerySet(models.QuerySet):
    def latest_edition(
        self, *, kind, agreement, language, signature=None, organisation=None, year=None
    ):
        """The newest issued edition of one document, or None."""
        return (
            self.filter(
                kind=kind,
                agreement=agreement,
                language=language,
                signature=signature,
                organisation=organisation,
                year=year,
            )
            .order_by("-issued_at", "-pk")
            .first()
        )


class IssuedDocument(LoggedModel):
    """One edition of a PDF the portal issued, sealed, as stored (compact/documents/).
    A document is issued again when what it shows changes: each edition stays, and the
    verification page finds any of them by the SHA-256 of its bytes."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("The agreement")
        CERTIFICATE = "certificate", _("Certificate of signing")
        APPLICATION_FORM = "application_form", _("Application form")
        FOLLOW_UP = "follow_up", _("A year's follow-up")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("agreement version"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    signature = models.ForeignKey(
        Signature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("signature"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("organisation"),
        help_text=_("The organisation a prefilled application form is for."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("The year a follow-up's edition is of (principles' FollowUp.year)."),
    )
    file = models.FileField(_("file"), upload_to="documents/%Y/", storage=private_storage)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    source_digest = models.CharField(
        _("digest of the content"),
        max_length=64,
        help_text=_(
            "What the document shows, apart from its issue date: an unchanged "
            "document is not issued again."
        ),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    signatory_count = models.PositiveIntegerField(_("number of signatories"), null=True, blank=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(
                fields=["kind", "agreement", "language", "-issued_at"],
                name="issued_document_edition",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="certificate") | Q(signature__isnull=False),
                name="certificate_has_signature",
            ),
            models.CheckConstraint(
                condition=~Q(kind="agreement")
                | Q(signature__isnull=True, organisation__isnull=True),
                name="agreement_document_is_general",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="follow_up", year__isnull=False)
                    & Q(signature__isnull=True, organisation__isnull=True)
                )
                | (~Q(kind="follow_up") & Q(year__isnull=True)),
                name="follow_up_document_has_year",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.agreement} ({self.language}, {self.issued_at:%Y-%m-%d %H:%M})"
