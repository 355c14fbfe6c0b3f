from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogue forums")

    def ready(self):
        from dialogues import actions  # noqa: F401 - registers the action types
