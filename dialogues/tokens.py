"""Signed, expiring tokens in the links the dialogues' e-mails carry (django.core.signing,
one salt per purpose). A token names its row and its meeting; whoever reads one checks
both against the database, so a forged, expired or another meeting's token opens nothing.

Invitation → registration: ``invitation_token(invitation)`` goes into the invitation
e-mail's link (``dialogues:register`` with ``?invitation=<token>``);
``invitation_from_token(token, meeting)`` gives the invitation back, or None.
"""

from django.core import signing
from django.utils import timezone

from dialogues.models import Invitation

INVITATION_SALT = "dialogues.invitation"
# Invitations go out weeks or months before a meeting; after the meeting a link opens
# nothing whatever its age (see invitation_from_token).
INVITATION_MAX_AGE = 60 * 60 * 24 * 365


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "m": invitation.meeting_id}, salt=INVITATION_SALT)


def invitation_from_token(token: str, meeting):
    """The invitation to ``meeting`` the token was made for; None if the token is forged,
    older than INVITATION_MAX_AGE, made for another meeting, or the meeting has ended."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(payload, dict) or payload.get("m") != meeting.pk:
        return None
    if meeting.ends_at <= timezone.now():
        return None
    return Invitation.objects.filter(pk=payload.get("i"), meeting=meeting).first()
