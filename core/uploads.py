"""Uploaded files: size limits, what a file is (by its bytes, never by its name), and
fields that store each upload under a name the portal makes up."""

import secrets

import filetype
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 2048  # enough for filetype to tell every type it knows


def validate_size(upload, limit: int) -> None:
    """Refuse an upload larger than ``limit`` bytes, saying both sizes."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def detect_type(content):
    """What the file is by its first bytes (a ``filetype`` type: ``.mime``, ``.extension``),
    or None. Reads from the start and leaves the position where it was."""
    position = content.tell()
    content.seek(0)
    head = content.read(HEAD_BYTES)
    content.seek(position)
    return filetype.guess(head)


def generated_name(content, *, fallback_extension: str = "bin") -> str:
    """A random file name with the extension of what the content is: nothing the uploader
    chose (a name, an extension, a path) reaches the storage."""
    kind = detect_type(content)
    return f"{secrets.token_hex(16)}.{kind.extension if kind else fallback_extension}"


class _GeneratedName:
    def save(self, name, content, save=True):
        super().save(generated_name(content), content, save)


class GeneratedNameFieldFile(_GeneratedName, FieldFile):
    pass


class GeneratedNameImageFieldFile(_GeneratedName, ImageFieldFile):
    pass


class GeneratedNameFileField(models.FileField):
    """A FileField whose files are stored as ``<upload_to>/<random>.<detected extension>``,
    whichever way they are saved (a form, the admin, ``field.save()``)."""

    attr_class = GeneratedNameFieldFile


class GeneratedNameImageField(models.ImageField):
    """An ImageField whose files are stored like GeneratedNameFileField's."""

    attr_class = GeneratedNameImageFieldFile


def stored_file_name(instance, field_name: str) -> str:
    """The file name the database holds for the saved instance's field ("" for none)."""
    if instance._state.adding or instance.pk is None:
        return ""
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(field_name, flat=True)
    return stored.first() or ""


def delete_file_on_commit(storage, name: str) -> None:
    """Delete a stored file once the transaction that replaced it commits (a rollback keeps
    the file, which the database still names)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
