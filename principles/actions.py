from django.utils.translation import gettext_lazy as _

from core.actions import register_actions

register_actions(
    {
        "principles.follow_up.created": _("Started a follow-up"),
        "principles.follow_up.recorded": _("Recorded commitments in a follow-up"),
        "principles.follow_up.plan_recorded": _("Recorded plan items in a follow-up"),
        "principles.follow_up.published": _("Published a follow-up"),
        "principles.follow_up.corrected": _("Added a correction to a follow-up"),
        "principles.follow_up.reminded": _("Reminded the officials of a due date"),
        "principles.account.submitted": _("Submitted an organisation's account"),
        "principles.account.included": _("Included an organisation's account"),
        "principles.account.excluded": _("Left out an organisation's account"),
    }
)
