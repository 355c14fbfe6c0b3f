from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

OFFICIALS_GROUP = "Officials"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The e-mail address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.email

    @property
    def is_official(self) -> bool:
        """Staff of the public party: members of the Officials group, and administrators."""
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_official", None)
        if cached is None:
            cached = self.groups.filter(name=OFFICIALS_GROUP).exists()
            self._is_official = cached
        return cached


class ActionRecord(models.Model):
    """Who did what, and when: every official action is recorded here, never rewritten."""

    class Action(models.TextChoices):
        ORGANISATION_REGISTERED = "organisation_registered", _("Registered the organisation")
        ORGANISATION_CHANGED = (
            "organisation_changed",
            _("Changed the organisation's name or number"),
        )
        ORGANISATION_VERIFIED = "organisation_verified", _("Verified the organisation")
        ORGANISATION_REJECTED = "organisation_rejected", _("Rejected the organisation")
        REPRESENTATIVE_INVITED = "representative_invited", _("Invited a representative")
        INVITATION_ACCEPTED = "invitation_accepted", _("Accepted an invitation")
        REPRESENTATIVE_REMOVED = "representative_removed", _("Removed a representative")
        SIGNED_ONLINE = "signed_online", _("Signed online")
        APPLICATION_SUBMITTED = "application_submitted", _("Submitted a written application")
        APPLICATION_APPROVED = "application_approved", _("Approved a written application")
        APPLICATION_REJECTED = "application_rejected", _("Rejected a written application")
        SIGNATURE_WITHDRAWN = "signature_withdrawn", _("Withdrew a signature")

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=60, choices=Action)
    subject = models.CharField(_("subject"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("action record")
        verbose_name_plural = _("action records")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.action} {self.subject}"
