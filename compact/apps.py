from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompactConfig(AppConfig):
    name = "compact"
    verbose_name = _("Compact")

    def ready(self):
        from compact import actions  # noqa: F401 - registers the action types
        from compact.documents import signals
        from compact.models import Agreement, IssuedDocument, PublicParty, Signature
        from core.public_cache import invalidate_public_pages_on_change
        from organisations.models import ActivityArea, Organisation

        invalidate_public_pages_on_change(
            Agreement, PublicParty, Signature, Organisation, ActivityArea, IssuedDocument
        )
        signals.connect()  # the sealed PDFs issued again when what they show changes
