from django.utils.translation import gettext_lazy as _

from core.actions import register_actions

register_actions(
    {
        "organisations.organisation.registered": _("Registered the organisation"),
        "organisations.organisation.changed": _("Changed the organisation's name or number"),
        "organisations.organisation.verified": _("Verified the organisation"),
        "organisations.organisation.rejected": _("Rejected the organisation"),
        "organisations.organisation.number_released": _("Released the organisation number"),
        "organisations.representative.invited": _("Invited a representative"),
        "organisations.invitation.resent": _("Sent an invitation again"),
        "organisations.invitation.accepted": _("Accepted an invitation"),
        "organisations.invitation.revoked": _("Revoked an invitation"),
        "organisations.representative.removed": _("Removed a representative"),
    }
)
