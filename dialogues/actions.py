from django.utils.translation import gettext_lazy as _

from core.actions import register_actions

register_actions(
    {
        "dialogues.meeting.created": _("Created the meeting"),
        "dialogues.meeting.changed": _("Changed the meeting"),
        "dialogues.meeting.published": _("Published the meeting"),
        "dialogues.meeting.cancelled": _("Cancelled the meeting"),
        "dialogues.meeting.copied": _("Copied the meeting"),
        "dialogues.meeting.invitations_queued": _("Sent invitations"),
        "dialogues.meeting.invitations_resent": _("Sent failed invitations again"),
        "dialogues.meeting.minutes_published": _("Published the minutes"),
        "dialogues.registration.created": _("Registered for the meeting"),
        "dialogues.registration.cancelled": _("Cancelled a registration"),
        "dialogues.registration.promoted": _("Moved up from the waiting list"),
        "dialogues.registration.attended": _("Marked as attended"),
        "dialogues.registration.not_attended": _("Marked as not attended"),
        "dialogues.registration.walk_in": _("Added a walk-in"),
        "dialogues.meeting.signed_on_site": _("Recorded a signature at the forum"),
    }
)
