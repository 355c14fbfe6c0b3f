from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared by every app and importing none: access policies, the action log, the public
    page cache, uploads and mail helpers, the base template's tags."""

    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models import fields
        from django.db.models.signals import post_migrate

        from core import identity, security  # noqa: F401 (identity: the palette's check)

        security.connect_mfa_failures()
        # A select's empty choice reads as what it asks (Django 6.1 lets ready() set it).
        fields.BLANK_CHOICE_LABEL = _("Choose …")
        post_migrate.connect(_follow_portal_tables, sender=self)


def _follow_portal_tables(using, **kwargs):
    """After every migrate: the data version's triggers on every portal table (new ones too)."""
    from core.data_version import install_triggers

    install_triggers(using)
