from django.utils.translation import gettext_lazy as _

from core.actions import register_actions

register_actions({"backoffice.digest.sent": _("Sent the officials their summary of new work")})
