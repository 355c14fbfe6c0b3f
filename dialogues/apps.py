from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogue forums")

    def ready(self):
        from core.public_cache import invalidate_public_pages_on_change
        from dialogues import actions  # noqa: F401 - registers the action types
        from dialogues.models import Meeting, Registration

        # The meeting pages show places left: a registration changes them too.
        invalidate_public_pages_on_change(Meeting, Registration)
