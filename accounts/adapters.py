from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import ValidationError

from accounts.tasks import mail_as_dict, send_account_mail
from core.mail import html_from_text, site_domain, site_name
from core.security import security_event


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call the site ("Hej från …!"): the portal's name and host from
    the settings (SITE_NAME, SITE_URL), not the host of the request that sent them."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to everyone: organisations register themselves."""

    def is_open_for_signup(self, request):
        return True

    def send_mail(self, template_prefix, email, context):
        """allauth's message rendered here, in the request's language, and sent by the
        worker (accounts.tasks): slow work is not the request's."""
        context = {
            "request": allauth_context.request,
            "email": email,
            **context,
            "current_site": PortalSite(name=site_name(), domain=site_domain()),
        }
        message = self.render_mail(template_prefix, email, context)
        send_account_mail.delay(mail_as_dict(message))

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's message, with an HTML part in the portal's look made of its text."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        has_html = message.content_subtype == "html" or any(
            mimetype == "text/html" for _content, mimetype in getattr(message, "alternatives", [])
        )
        if not has_html:
            message.attach_alternative(
                html_from_text(message.body, subject=message.subject), "text/html"
            )
        return message

    def pre_authenticate(self, request, **credentials):
        """allauth refuses a sign-in over its limit of failed attempts with a form error (a
        200 page, not a 429): logged here as a security event."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                login = credentials.get("email") or credentials.get("username")
                security_event("login_rate_limited", request, login=login)
            raise
