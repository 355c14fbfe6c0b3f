from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import LoggedModel
from core.uploads import GeneratedNameImageField, delete_file_on_commit, stored_file_name
from core.validators import no_control_characters, plain_email_address
from organisations.invitations import INVITATION_MAX_AGE
from organisations.numbers import OrganisationNumberField


class ActivityArea(models.Model):
    """An area of activity an organisation works in (sport, culture, social work …)."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[no_control_characters]
    )
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("area of activity")
        verbose_name_plural = _("areas of activity")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification=Organisation.Verification.VERIFIED)

    def awaiting_verification(self):
        return self.filter(verification=Organisation.Verification.UNVERIFIED)


class Organisation(LoggedModel):
    """A civil-society organisation: an association, foundation, faith community …"""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        FOUNDATION = "foundation", _("Foundation")
        FAITH_COMMUNITY = "faith_community", _("Faith community")
        ADULT_EDUCATION = "adult_education", _("Adult education")
        POPULAR_MOVEMENT = "popular_movement", _("Popular movement")
        COOPERATIVE = "cooperative", _("Cooperative")
        OTHER = "other", _("Other")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    # Empty (NULL) only when officials have released the number a registration held.
    organisation_number = OrganisationNumberField(
        _("organisation number"), unique=True, null=True, help_text=_("NNNNNN-NNNN")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    website = models.URLField(_("website"), blank=True, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    activity_areas = models.ManyToManyField(
        ActivityArea, blank=True, related_name="organisations", verbose_name=_("areas of activity")
    )
    postal_town = models.CharField(
        _("postal town"), max_length=100, blank=True, validators=[no_control_characters]
    )
    public_email = models.EmailField(
        _("public contact e-mail"), blank=True, validators=[plain_email_address]
    )
    publish_email = models.BooleanField(
        _("show the contact e-mail publicly"),
        default=False,
        help_text=_("Only then is the public contact e-mail shown on the public profile."),
    )
    contact_name = models.CharField(
        _("contact person"), max_length=200, validators=[no_control_characters]
    )
    contact_email = models.EmailField(
        _("contact person's e-mail"), validators=[plain_email_address]
    )
    contact_phone = models.CharField(
        _("contact person's phone"), max_length=40, blank=True, validators=[no_control_characters]
    )
    logo = GeneratedNameImageField(_("logo"), upload_to="logos/", blank=True)

    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification,
        default=Verification.UNVERIFIED,
        db_index=True,
    )
    verification_note = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # Lists read a page in this order: the officials' organisation list 5.9 → 1.3 ms, the
        # public signatory list's first page 4.1 → 0.1 ms (5,000 organisations).
        indexes = [models.Index(fields=["name"], name="organisation_name")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verification="verified")
                | models.Q(organisation_number__isnull=False),
                name="verified_organisation_has_number",
                violation_error_message=_("A verified organisation needs its organisation number."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A new logo, or none, deletes the old logo's file once the change is committed."""
        update_fields = kwargs.get("update_fields")
        logo_may_change = update_fields is None or "logo" in update_fields
        old_logo = stored_file_name(self, "logo") if logo_may_change else ""
        super().save(*args, **kwargs)
        if old_logo != self.logo.name:
            delete_file_on_commit(self.logo.storage, old_logo)

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    @property
    def name_in_mail(self) -> str:
        """How the portal's e-mail names the organisation, in the active language. Until
        officials have verified it, no text its registrant typed goes out under the portal's
        name (a name can read as a phishing message): only its organisation number."""
        if self.is_verified:
            return self.name
        if not self.organisation_number:
            return gettext("an organisation registered in the portal, not yet verified")
        return gettext(
            "an organisation registered in the portal, not yet verified "
            "(organisation number %(number)s)"
        ) % {"number": self.organisation_number}


class Representative(models.Model):
    """A user who acts for an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="representatives"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations"
    )
    is_contact_person = models.BooleanField(_("contact person"), default=False)
    may_sign = models.BooleanField(_("may sign"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_representation_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


def invitations_expire_if_sent_before():
    return timezone.now() - timedelta(seconds=INVITATION_MAX_AGE)


class RepresentativeInvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations that are neither accepted, revoked nor expired (INVITATION_MAX_AGE
        after they were last sent). Whether their inviter may still invite is asked of the
        rules (``organisations.services.invitation_void_reason``)."""
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            sent_at__gt=invitations_expire_if_sent_before(),
        )


class RepresentativeInvitation(models.Model):
    """A representative's invitation of a colleague, sent as a signed, expiring link. It is
    never deleted: a revoked invitation keeps who revoked it and when."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"), validators=[plain_email_address])
    may_sign = models.BooleanField(_("may sign"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Each e-mail carries a link valid for INVITATION_MAX_AGE from when it is sent: an
    # invitation sent again is valid for that long from the last e-mail.
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = RepresentativeInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation of a representative")
        verbose_name_plural = _("invitations of representatives")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def inviter_in_mail(self) -> str:
        """How the invitation e-mail names whoever sent it, in the active language: until
        officials have verified the organisation, not by the sender's own address (text its
        registrant chose), as for the organisation's name (Organisation.name_in_mail)."""
        if self.organisation.is_verified:
            return self.invited_by.email
        return gettext("A representative")

    @property
    def is_expired(self) -> bool:
        return self.sent_at <= invitations_expire_if_sent_before()
