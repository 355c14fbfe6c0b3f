from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrinciplesConfig(AppConfig):
    name = "principles"
    verbose_name = _("Principles")

    def ready(self):
        from core.public_cache import invalidate_public_pages_on_change
        from principles import actions, rules  # noqa: F401 - registers actions and rules
        from principles.models import (
            Commitment,
            CommitmentEntry,
            CorrectionNote,
            DevelopmentArea,
            FollowUp,
            OrganisationAccount,
            PlanItem,
            PlanItemEntry,
            Principle,
        )

        invalidate_public_pages_on_change(
            Principle,
            Commitment,
            DevelopmentArea,
            PlanItem,
            # A follow-up's pages change when it is published or corrected (a draft is not
            # public, but bumping for it costs a cache refill only).
            FollowUp,
            CommitmentEntry,
            PlanItemEntry,
            OrganisationAccount,
            CorrectionNote,
        )
