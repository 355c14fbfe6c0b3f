"""Outgoing e-mail: rendered from templates in the recipient's language. Called from tasks.

``templates/email/<template>_subject.txt`` and ``_body.txt`` make the message; a
``_body.html`` beside them, if there is one, is its HTML alternative. Attachments are
``(filename, content, mimetype)`` tuples or ``email.message.MIMEPart`` objects (a calendar
event: ``calendar_attachment``). Many messages go over one SMTP connection when the caller
opens one (``with mailers.default as connection:``) and passes it on.
"""

from collections.abc import Sequence
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

Attachment = MIMEPart | tuple[str, bytes | str, str]


def _html_template(template: str):
    try:
        return get_template(f"email/{template}_body.html")
    except TemplateDoesNotExist:
        return None


def render_templated_mail(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str,
    attachments: Sequence[Attachment] = (),
) -> EmailMultiAlternatives:
    """The message, rendered in ``language``, not yet sent."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        body = render_to_string(f"email/{template}_body.txt", context)
        html = _html_template(template)
        html = html.render(context) if html else None
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments:
        if isinstance(attachment, MIMEPart):
            message.attach(attachment)
        else:
            message.attach(*attachment)
    return message


def send_templated_mail(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str,
    attachments: Sequence[Attachment] = (),
    connection: BaseEmailBackend | None = None,
) -> None:
    """Render the message and send it: over ``connection`` if given (kept open for the
    caller's next message), otherwise over a connection of its own."""
    message = render_templated_mail(
        to=to, template=template, context=context, language=language, attachments=attachments
    )
    (connection or mailers.default).send_messages([message])


def calendar_attachment(ics: bytes, *, method: str = "PUBLISH", filename: str = "meeting.ics"):
    """An iCalendar file as an attachment: ``text/calendar; method=…; charset=utf-8``, so
    mail programs offer to put the event in the calendar."""
    part = MIMEPart()
    part.set_content(  # bytes as they are (base64), so the lines keep their CRLF
        ics,
        maintype="text",
        subtype="calendar",
        params={"charset": "utf-8", "method": method},
        disposition="attachment",
        filename=filename,
    )
    return part
