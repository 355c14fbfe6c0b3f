"""allauth's e-mails are rendered in the request and sent by the worker (accounts.tasks)."""

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.tasks import mail_as_dict, send_account_mail

pytestmark = pytest.mark.django_db


def test_the_confirmation_mail_is_sent_by_the_task_in_the_visitors_language(client):
    ran = []

    def note(sender=None, **kwargs):
        ran.append(sender.name)

    task_prerun.connect(note, weak=False)
    try:
        with translation.override("sv"):
            response = client.post(
                reverse("account_signup"),
                {
                    "email": "ny.person@example.org",
                    "password1": "ett-langt-losenord-2026",
                    "password2": "ett-langt-losenord-2026",
                },
            )
    finally:
        task_prerun.disconnect(note)
    assert response.status_code == 302
    assert ran == ["accounts.tasks.send_account_mail"]
    [message] = mail.outbox
    assert message.to == ["ny.person@example.org"]
    assert "e-postadress" in message.subject or "e-post" in message.body  # Swedish
    assert "/sv/" in message.body  # the confirmation link in the visitor's language
    assert [mimetype for _content, mimetype in message.alternatives] == ["text/html"]


def test_a_queued_mail_is_the_mail_rendered():
    original = mail.EmailMultiAlternatives(
        subject="Ämne",
        body="Text med å, ä och ö.",
        from_email="portal@example.org",
        to=["a@example.org"],
        reply_to=["svar@example.org"],
        headers={"X-Portal": "1"},
    )
    original.attach_alternative("<p>Text</p>", "text/html")
    send_account_mail(mail_as_dict(original))
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email, sent.to, sent.reply_to) == (
        "Ämne",
        "Text med å, ä och ö.",
        "portal@example.org",
        ["a@example.org"],
        ["svar@example.org"],
    )
    assert sent.extra_headers == {"X-Portal": "1"}
    assert [tuple(alternative) for alternative in sent.alternatives] == [
        ("<p>Text</p>", "text/html")
    ]
