"""Outgoing e-mail: rendered from templates in the recipient's language. Called from tasks.

``templates/email/<template>_subject.txt`` and ``_body.txt`` make the message; a
``_body.html`` beside them (extending ``email/base.html``), if there is one, is its HTML
alternative, otherwise the text in ``email/base.html`` is (``html_from_text``): every
message has a text and an HTML part, in the portal's look. Attachments are
``(filename, content, mimetype)`` tuples or ``email.message.MIMEPart`` objects (a calendar
event: ``calendar_attachment``). Many messages go over one SMTP connection when the caller
opens one (``with mailers.default as connection:``) and passes it on.
"""

import base64
import email
import email.policy
import re
import secrets
import smtplib
from collections.abc import Sequence
from email.message import MIMEPart
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

Attachment = MIMEPart | tuple[str, bytes | str, str]


def site_name() -> str:
    """The portal's name in e-mails (settings.SITE_NAME, or its name in the active language)."""
    return settings.SITE_NAME or gettext("Compact portal")


def site_domain() -> str:
    """The portal's host (and port) as in settings.SITE_URL, which links in e-mails use."""
    return urlsplit(settings.SITE_URL).netloc


def mail_context() -> dict:
    """What ``email/base.html`` (and any mail template) may use: the portal's name, address
    and host, in the active language, and whose service it is in its colours (the pages'
    PORTAL_IDENTITY, whose palette is checked for contrast)."""
    identity = getattr(settings, "PORTAL_IDENTITY", {})
    palette = identity.get("palette", {})
    return {
        "site_url": settings.SITE_URL,
        "site_name": site_name(),
        "site_domain": site_domain(),
        "site_owner": identity.get("owner", ""),
        "mail_primary": palette.get("primary", "#00587a"),
        "mail_on_primary": palette.get("on_primary", "#ffffff"),
    }


def html_from_text(text: str, *, subject: str) -> str:
    """The HTML part of a message written as text: its paragraphs and links in
    ``email/base.html``, in the active language."""
    body = mark_safe(linebreaks(urlize(text.strip(), autoescape=True)))  # noqa: S308 - escaped
    return render_to_string(
        "email/base.html", {**mail_context(), "subject": subject, "text_as_html": body}
    )


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
        context = {**context, **mail_context()}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        body = render_to_string(f"email/{template}_body.txt", context)
        html = _html_template(template)
        if html:
            html = html.render({**context, "subject": subject})
        else:
            html = html_from_text(body, subject=subject)
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
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


# A mail merge -----------------------------------------------------------------------------
# One message to thousands (the invitations to a meeting): Django builds and serialises a
# MIME message in a few milliseconds, longer than the SMTP server takes to accept it. The
# merge renders the templates and builds the message once, with markers where the values
# of each recipient go (the address, the Message-ID, fields of the context such as a link);
# each recipient's copy is those bytes with the markers replaced and the text parts that
# hold a field encoded again (base64).

_MERGE_ADDRESS = "merge-recipient@merge.invalid"
# An address that goes into the To header as it is: ASCII, no space, quote or bracket.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


class MergedMessage(EmailMultiAlternatives):
    """One recipient's copy from a ``MailMerge``: subject, body, alternatives and
    attachments as any message has them (``message()`` builds it as Django does, for the
    console, the test outbox or another backend), and ``raw``, the same message ready made,
    which ``SMTPBackend`` sends."""

    def __init__(self, *, raw: bytes, **kwargs):
        super().__init__(**kwargs)
        self.raw = raw


class MailMerge:
    """``render_templated_mail`` once for many recipients. ``fields`` are the names in the
    context whose values differ per recipient (given to ``message``); they must be plain
    text values placed in the bodies, not in the subject."""

    def __init__(
        self,
        *,
        template: str,
        context: dict,
        language: str,
        fields: Sequence[str],
        attachments: Sequence[Attachment] = (),
    ):
        self._arguments = {
            "template": template,
            "context": context,
            "language": language,
            "attachments": attachments,
        }
        nonce = secrets.token_hex(8)
        self._marks = {field: f"MERGE-{field}-{nonce}" for field in fields}
        self._message_id = f"<merge-message-id-{nonce}@merge.invalid>"
        merged = render_templated_mail(
            to=[_MERGE_ADDRESS],
            template=template,
            context={**context, **self._marks},
            language=language,
            attachments=attachments,
        )
        merged.extra_headers["Message-ID"] = self._message_id
        self._template = merged
        mime = merged.message(policy=email.policy.SMTP)
        self._parts = []  # (slot, text with the markers, is HTML)
        for part in mime.walk():
            if part.is_multipart() or part.is_attachment():
                continue
            if part.get_content_maintype() != "text":
                continue
            content = part.get_content()
            if not any(mark in content for mark in self._marks.values()):
                continue
            slot = f"MERGE-PART-{len(self._parts)}-{nonce}"
            self._parts.append((slot.encode(), content, part.get_content_subtype() == "html"))
            del part["Content-Transfer-Encoding"]
            part["Content-Transfer-Encoding"] = "base64"
            part.set_payload(slot)
        self._skeleton = mime.as_bytes()
        for needle in [_MERGE_ADDRESS, self._message_id, *(slot for slot, _c, _h in self._parts)]:
            needle = needle if isinstance(needle, bytes) else needle.encode()
            if self._skeleton.count(needle) != 1:
                raise ValueError(f"Cannot merge {template}: {needle!r} is not in it once.")
        self._subject = merged.subject
        self._from_email = merged.from_email
        self._attachments = merged.attachments

    def _fill(self, text: str, values: dict, *, html: bool) -> str:
        for field, mark in self._marks.items():
            value = str(values[field])
            text = text.replace(mark, escape(value) if html else value)
        return text

    def message(self, *, to: str, **values) -> EmailMultiAlternatives:
        """The copy for ``to``, with the values of the fields."""
        if set(values) != set(self._marks):
            raise TypeError(f"The merge needs exactly these values: {sorted(self._marks)}")
        if not _PLAIN_ADDRESS.fullmatch(to):  # one that needs encoding: the ordinary way
            arguments = self._arguments
            return render_templated_mail(
                to=[to], **{**arguments, "context": {**arguments["context"], **values}}
            )
        raw = self._skeleton.replace(_MERGE_ADDRESS.encode(), to.encode(), 1).replace(
            self._message_id.encode(), make_msgid(domain=DNS_NAME).encode(), 1
        )
        for slot, content, html in self._parts:
            filled = self._fill(content, values, html=html)
            canonical = filled.replace("\r\n", "\n").replace("\n", "\r\n").encode()
            encoded = base64.encodebytes(canonical).replace(b"\n", b"\r\n").rstrip(b"\r\n")
            raw = raw.replace(slot, encoded, 1)
        body = self._fill(self._template.body, values, html=False)
        alternatives = [
            (self._fill(content, values, html=mimetype == "text/html"), mimetype)
            for content, mimetype in self._template.alternatives
        ]
        message = MergedMessage(
            raw=raw,
            subject=self._subject,
            body=body,
            from_email=self._from_email,
            to=[to],
            alternatives=alternatives,
        )
        message.attachments = list(self._attachments)
        return message


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend (MAILERS uses this one), except that a copy from a
    ``MailMerge`` goes out as the bytes it was made of: its address was checked when it
    was made, and reading and writing the message again would cost more than sending it."""

    def _send(self, email_message):
        raw = getattr(email_message, "raw", None)
        if raw is None:
            return super()._send(email_message)
        recipients = email_message.recipients()
        if not recipients:
            return False
        try:
            self.connection.sendmail(self._sender(email_message.from_email), recipients, raw)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True

    def _sender(self, from_email: str) -> str:
        cache = vars(self).setdefault("_senders", {})
        if from_email not in cache:
            cache[from_email] = self.prep_address(from_email)
        return cache[from_email]
