from django.db import models
from django.utils.translation import gettext_lazy as _

from compact.models import Agreement
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

    objects = PrincipleQuerySet.as_manager()

    class Meta:
        verbose_name = _("principle")
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
        verbose_name_plural = _("principles")
        ordering = ["agreement", "position", "pk"]

    def __str__(self):
        return self.title


class Commitment(models.Model):
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("principle")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    party = models.CharField(_("party"), max_length=20, choices=Party)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["principle", "position", "pk"]
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )

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


class PlanItem(models.Model):
    area = models.ForeignKey(
        DevelopmentArea,
        on_delete=models.CASCADE,
        related_name="plan_items",
        verbose_name=_("development area"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["area", "position", "pk"]

    def __str__(self):
        return self.text[:80]
