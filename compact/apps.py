from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompactConfig(AppConfig):
    name = "compact"
    verbose_name = _("Compact")
