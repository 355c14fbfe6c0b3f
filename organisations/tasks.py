from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse
from django.utils import translation

from core.mail import send_templated_mail
from organisations.invitations import invitation_token
from organisations.models import RepresentativeInvitation


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_representative_invitation(invitation_pk: int, language: str) -> None:
    invitation = RepresentativeInvitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_pk
    )
    if invitation.accepted_at or invitation.revoked_at:
        return
    with translation.override(language):
        path = reverse("organisations:accept_invitation", args=[invitation_token(invitation)])
    send_templated_mail(
        to=[invitation.email],
        template="representative_invitation",
        context={"invitation": invitation, "path": path},
        language=language,
    )
