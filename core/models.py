from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actions import action_label, is_registered


class ActionRecordQuerySet(models.QuerySet):
    def about(self, *subjects):
        """Records whose subject is any of these objects (of any models)."""
        condition = models.Q(pk__in=[])
        for subject in subjects:
            condition |= models.Q(
                content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
            )
        return self.filter(condition)


class ActionRecord(models.Model):
    """Who did what to which thing, and when. Records are only ever added."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action_type = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = ActionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("action record")
        verbose_name_plural = _("action records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.action_type}"

    @property
    def label(self) -> str:
        return action_label(self.action_type)

    @property
    def summary(self) -> str:
        """The record's data for people: a change as "old → new", other values as they are."""
        parts = []
        for key, value in self.data.items():
            if isinstance(value, list) and len(value) == 2:
                parts.append(f"{key}: {value[0]} → {value[1]}")
            else:
                parts.append(str(value))
        return "; ".join(parts)


class LoggedModel(models.Model):
    """A model whose changes are recorded in the action log."""

    class Meta:
        abstract = True

    def log_action(self, action_type: str, *, actor, data: dict | None = None) -> ActionRecord:
        if not is_registered(action_type):
            raise ValueError(f"Unregistered action type {action_type!r}: register it first.")
        return ActionRecord.objects.create(
            actor=actor, action_type=action_type, subject=self, data=data or {}
        )

    def history(self):
        """This object's records, newest first."""
        return ActionRecord.objects.about(self).select_related("actor")
