from django.utils.translation import gettext_lazy as _

from core.actions import register_actions

register_actions(
    {
        "compact.signature.signed_online": _("Signed online"),
        "compact.signature.signed_at_forum": _("Recorded a signature made at a dialogue forum"),
        "compact.signature.withdrawn": _("Withdrew a signature"),
        "compact.application.submitted": _("Submitted a written application"),
        "compact.application.approved": _("Approved a written application"),
        "compact.application.rejected": _("Rejected a written application"),
        "compact.document.issued": _("Issued a sealed PDF"),
        "compact.agreement.drafted": _("Drafted a new version of the compact"),
        "compact.agreement.draft_edited": _("Edited a draft version of the compact"),
        "compact.agreement.adopted": _("Adopted a version of the compact"),
        "compact.agreement.superseded": _("Superseded a version of the compact"),
    }
)
