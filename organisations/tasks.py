from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from core.mail import send_templated_mail
from organisations.invitations import invitation_token
from organisations.models import Organisation, RepresentativeInvitation


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_representative_invitation(invitation_pk: int, language: str) -> None:
    invitation = RepresentativeInvitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_pk
    )
    if invitation.accepted_at or invitation.revoked_at:
        return
    with translation.override(language):
        path = reverse("organisations:accept_invitation", args=[invitation_token(invitation)])
        # Sign-up that comes back to the invitation once the address is confirmed.
        signup_path = f"{reverse('account_signup')}?{urlencode({'next': path})}"
    send_templated_mail(
        to=[invitation.email],
        template="representative_invitation",
        context={"invitation": invitation, "path": path, "signup_path": signup_path},
        language=language,
    )


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_verification_decision(organisation_pk: int, verification: str, language: str) -> None:
    """Tell the organisation's representatives that officials verified or rejected it (with
    the reason). Nothing when it has been decided otherwise since: that decision tells."""
    organisation = Organisation.objects.get(pk=organisation_pk)
    if organisation.verification != verification:
        return
    emails = sorted(
        organisation.representatives.filter(user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    if not emails:
        return
    send_templated_mail(
        to=emails,
        template="verification_decision",
        context={"organisation": organisation},
        language=language,
    )
