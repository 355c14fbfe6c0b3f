"""The signed, expiring token in a representative's invitation link."""

from django.core import signing

INVITATION_SALT = "organisations.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks


def invitation_token(invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_pk_from_token(token: str) -> int | None:
    """The invitation's primary key; raises signing.SignatureExpired or BadSignature."""
    return signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE).get("invitation")
