from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompactConfig(AppConfig):
    name = "compact"
    verbose_name = _("Compact")

    def ready(self):
        from compact.models import Agreement, PublicParty, Signature
        from config.public_cache import invalidate_public_pages_on_change
        from organisations.models import ActivityArea, Organisation

        invalidate_public_pages_on_change(
            Agreement, PublicParty, Signature, Organisation, ActivityArea
        )
