"""Signed, expiring tokens in the links the dialogues' e-mails carry (django.core.signing,
one salt per purpose). A token names its row and its meeting; whoever reads one checks
both against the database, so a forged, expired or another meeting's token opens nothing.

Invitation → registration: ``invitation_token(invitation)`` goes into the invitation
e-mail's link (``dialogues:register`` with ``?invitation=<token>``);
``invitation_from_token(token, meeting)`` gives the invitation back, or None.

Registration → the person's own page (``dialogues:registration``), where they see and
cancel it without an account: ``registration_token(registration)`` goes into the
confirmation, promotion, reminder and change e-mails; ``registration_from_token(token)``
gives the registration back, or None.
"""

from django.core import signing
from django.utils import timezone

from dialogues.models import Invitation, Registration

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


REGISTRATION_SALT = "dialogues.registration"
# The link in a confirmation must still work on the day of a meeting planned a year ahead.
REGISTRATION_MAX_AGE = 60 * 60 * 24 * 400


def registration_token(registration) -> str:
    return signing.dumps(
        {"r": registration.pk, "m": registration.meeting_id}, salt=REGISTRATION_SALT
    )


def registration_from_token(token: str):
    """The registration the token was made for (with its meeting, organisation and
    invitation); None if the token is forged, older than REGISTRATION_MAX_AGE, or names a
    registration that does not exist."""
    try:
        payload = signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(payload, dict):
        return None
    return (
        Registration.objects.select_related("meeting", "organisation", "invitation")
        .filter(pk=payload.get("r"), meeting_id=payload.get("m"))
        .first()
    )
