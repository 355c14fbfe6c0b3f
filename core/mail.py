"""Outgoing e-mail: rendered from templates in the recipient's language. Called from tasks."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(*, to: list[str], template: str, context: dict, language: str) -> None:
    """Render ``templates/email/<template>_subject.txt`` and ``_body.txt`` and send them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        body = render_to_string(f"email/{template}_body.txt", context)
    EmailMessage(subject=subject, body=body, to=to).send()
