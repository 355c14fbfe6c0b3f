import contextlib
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actions import action_label, is_registered
from core.hashchain import GENESIS_HASH, record_hash

# pg_advisory_xact_lock's key for "the end of the action log" (b"core.log" as a bigint).
LOG_LOCK_KEY = int.from_bytes(b"core.log", "big", signed=True)


def _lock_end_of_log(using: str) -> None:
    """Let one transaction at a time append to the log, until it commits or rolls back, so
    that each record links to the one committed before it."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # A write that changes nothing takes SQLite's write lock before the last record
            # is read; a second writer waits here instead of reading the same last record.
            table = connection.ops.quote_name(ActionRecord._meta.db_table)
            pk = connection.ops.quote_name(ActionRecord._meta.pk.column)
            cursor.execute(f"UPDATE {table} SET {pk} = {pk} WHERE 0")  # noqa: S608


def _end_of_log(using: str) -> tuple[str, datetime.datetime | None]:
    """The hash and time of the last record (in the chain's order, at then pk), once this
    transaction holds the end of the log."""
    _lock_end_of_log(using)
    records = ActionRecord.objects.using(using).order_by("-at", "-pk")
    if connections[using].vendor not in ("postgresql", "sqlite"):
        records = records.select_for_update()
    last = records.values_list("hash", "at").first()
    return last if last else (GENESIS_HASH, None)


class ActionRecordQuerySet(models.QuerySet):
    def about(self, *subjects):
        """Records whose subject is any of these objects (of any models)."""
        condition = models.Q(pk__in=[])
        for subject in subjects:
            condition |= models.Q(
                content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
            )
        return self.filter(condition)

    def bulk_create(self, objs, *args, **kwargs):
        """Records created together are linked in their order, after the last one."""
        objs = list(objs)
        with transaction.atomic(using=self.db):
            previous_hash, previous_at = _end_of_log(self.db)
            for obj in objs:
                obj._link(previous_hash, previous_at, using=self.db)
                previous_hash, previous_at = obj.hash, obj.at
            return super().bulk_create(objs, *args, **kwargs)


class ActionRecord(models.Model):
    """Who did what to which thing, and when. Records are only ever added: on PostgreSQL the
    database refuses to update or delete them (migration core 0004), and each record carries
    the hash of the one before it (core/hashchain.py), which `manage.py verify_log` checks."""

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
    # Set again when the record is saved, once it holds the end of the log: never earlier
    # than the record before it, so the chain's order is (at, pk).
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False, db_index=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = ActionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("action record")
        verbose_name_plural = _("action records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # The chain cannot fork: no two records follow the same one.
            models.UniqueConstraint(
                fields=["previous_hash"],
                condition=~models.Q(previous_hash=""),
                name="core_actionrecord_one_successor",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.action_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # An update: PostgreSQL refuses it.
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self._link(*_end_of_log(using), using=using)
            return super().save(*args, **kwargs)

    def _link(self, previous_hash: str, previous_at, *, using: str) -> None:
        now = timezone.now()
        self.at = max(now, previous_at) if previous_at else now
        self.previous_hash = previous_hash
        self.hash = self.compute_hash(using=using)

    def compute_hash(self, *, using: str | None = None) -> str:
        """The hash of what this record says, with its link to the one before."""
        content_type = None
        if self.content_type_id is not None:
            model = ContentType.objects.db_manager(using or self._state.db).get_for_id(
                self.content_type_id
            )
            content_type = f"{model.app_label}.{model.model}"
        return record_hash(
            previous_hash=self.previous_hash,
            actor_id=self.actor_id,
            action_type=self.action_type,
            content_type=content_type,
            object_id=self.object_id,
            data=self.data,
            at=self.at,
        )

    @property
    def label(self) -> str:
        return action_label(self.action_type)

    @property
    def summary(self) -> str:
        return record_summary(self.content_type_id, self.data)


def record_summary(content_type_id, data) -> str:
    """A record's data for people: a change as "field: old → new" (the field named as its
    subject's model names it and a choice by its label, in the page's language; yes or no
    for a check box), other values as they are. From columns: the action log's rows read
    no record instances."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2:
            field = _subject_field(content_type_id, key)
            label = str(getattr(field, "verbose_name", None) or key)  # a relation: its key
            old, new = (_value_for_people(field, item) for item in value)
            parts.append(f"{label}: {old} → {new}")
        else:
            parts.append(str(value))
    return "; ".join(parts)


def _subject_field(content_type_id, key: str):
    """The field ``key`` of the subject's model, or None when it has no such field (the
    content type comes from Django's cache: no query)."""
    if content_type_id is None:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    try:
        return model._meta.get_field(key)
    except (AttributeError, FieldDoesNotExist):  # no model class, or no such field
        return None


def _value_for_people(field, value) -> str:
    """A value recorded for a field as a person reads it: a choice's label, yes or no, "–"
    for nothing; any other value as it is."""
    if value is None or value == "":
        return "–"
    if isinstance(field, models.BooleanField) or getattr(field, "choices", None):
        # Recorded as text (str(True), str(2)): the field's own value.
        with contextlib.suppress(ValidationError, TypeError, ValueError):
            value = field.to_python(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is not None and getattr(field, "choices", None):
        try:
            return str(_labels_of(field).get(value, value))
        except TypeError:  # an unhashable value
            return str(value)
    return str(value)


_choice_labels = {}  # field -> {value: lazy label}, for fields with fixed choices


def _labels_of(field) -> dict:
    """The field's choices as {value: lazy label}, kept when they are fixed."""
    labels = _choice_labels.get(field)
    if labels is None:
        labels = dict(field.flatchoices)
        if isinstance(field.choices, list | tuple):  # not a callable's, fixed
            _choice_labels[field] = labels
    return labels


class ChoiceLabels:
    """get_FOO_display() that translates only the label it returns.

    Django's own makes a hashable copy of all the field's choices on every call, which hashes,
    so translates, every lazy label (15 µs a call, 2 here): a template showing the labels of
    many instances (a year's follow-up: 290 party labels) spent much of its time there. Rows
    built in Python (core/rows.py) read columns, not instances, and use ``labels()``."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = _labels_of(field).get(value, value)
        except TypeError:  # an unhashable value or choice: Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


class LoggedModel(ChoiceLabels, models.Model):
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


class DataVersion(models.Model):
    """One row: a token that changes with every committed write to the portal's own tables
    (on PostgreSQL, by triggers: core/data_version.py). What is worked out from those tables
    can be kept under it and stays exact."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.CharField(max_length=36, editable=False)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_one_data_version")
        ]

    def __str__(self):
        return self.version
