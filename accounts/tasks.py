from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=2, max_retries=5)
def send_account_mail(message: dict) -> None:
    """Send one of allauth's e-mails (confirm your address, reset your password…), rendered
    in the request that asked for it (its language, its links): the request does not wait
    for the mail server. ``message`` is what ``mail_as_dict()`` made of it."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
    )
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    email.send()


def mail_as_dict(email: EmailMultiAlternatives) -> dict:
    """An e-mail as plain data for a task's arguments (no attachments: allauth sends none)."""
    if email.attachments:
        raise ValueError("An account e-mail with attachments cannot be queued.")
    return {
        "subject": str(email.subject),
        "body": str(email.body),
        "from_email": email.from_email,
        "to": list(email.to),
        "cc": list(email.cc),
        "bcc": list(email.bcc),
        "reply_to": list(email.reply_to),
        "headers": {str(name): str(value) for name, value in email.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(email, "alternatives", [])
        ],
    }
