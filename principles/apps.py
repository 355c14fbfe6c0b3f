from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrinciplesConfig(AppConfig):
    name = "principles"
    verbose_name = _("Principles")

    def ready(self):
        from core.public_cache import invalidate_public_pages_on_change
        from principles.models import Commitment, DevelopmentArea, PlanItem, Principle

        invalidate_public_pages_on_change(Principle, Commitment, DevelopmentArea, PlanItem)
