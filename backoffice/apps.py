from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The officials' area: views over the domain apps' services. No domain app imports it."""

    name = "backoffice"
    verbose_name = _("Officials' area")

    def ready(self):
        from backoffice import actions  # noqa: F401 - registers the action types
