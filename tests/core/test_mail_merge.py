"""core.mail.MailMerge: each recipient's copy is the message render_templated_mail would make
for that recipient (headers, text, HTML, attachments), only made once for all."""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import mailers

from core.mail import MailMerge, MergedMessage, calendar_attachment, render_templated_mail
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def parsed(message):
    """What goes over SMTP: a merged copy's ready-made bytes, another message as Django
    makes it."""
    data = getattr(message, "raw", None) or message.message(policy=policy.SMTP).as_bytes()
    return message_from_bytes(data, policy=policy.SMTP)


@pytest.fixture
def context():
    meeting = MeetingFactory(
        title_sv="Dialogforum: ”Föreningslivet” & <kommunen>",
        description_sv="En lång beskrivning " * 40,  # one line far over 78 characters
    )
    return {"meeting": meeting, "meeting_link": "https://samverkan.example.se/sv/meetings/1/"}


def test_each_copy_reads_as_the_message_made_for_that_recipient(context):
    merge = MailMerge(
        template="meeting_invitation",
        context=context,
        language="sv",
        fields=["registration_link"],
        attachments=[calendar_attachment(ICS)],
    )
    link = "https://samverkan.example.se/sv/meetings/1/register/?invitation=abc:def&x=1"

    copy = merge.message(to="anna.berg+forum@forening.example.org", registration_link=link)
    ordinary = render_templated_mail(
        to=["anna.berg+forum@forening.example.org"],
        template="meeting_invitation",
        context={**context, "registration_link": link},
        language="sv",
        attachments=[calendar_attachment(ICS)],
    )

    assert isinstance(copy, MergedMessage)
    assert (copy.subject, copy.body, copy.to) == (ordinary.subject, ordinary.body, ordinary.to)
    assert copy.alternatives == ordinary.alternatives
    merged, made = parsed(copy), parsed(ordinary)
    for header in ("Subject", "From", "To", "MIME-Version"):
        assert merged[header] == made[header]
    assert merged["Message-ID"] != made["Message-ID"]
    assert merged.get_body(("plain",)).get_content() == made.get_body(("plain",)).get_content()
    assert merged.get_body(("html",)).get_content() == made.get_body(("html",)).get_content()
    assert link in merged.get_body(("plain",)).get_content()
    assert "?invitation=abc:def&amp;x=1" in merged.get_body(("html",)).get_content()
    [attachment] = list(merged.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_content().encode() == ICS


def test_copies_differ_only_by_address_link_and_message_id(context):
    merge = MailMerge(
        template="meeting_invitation", context=context, language="en", fields=["registration_link"]
    )

    first = parsed(merge.message(to="a@example.org", registration_link="https://x.example/1"))
    second = parsed(merge.message(to="b@example.org", registration_link="https://x.example/2"))

    assert (first["To"], second["To"]) == ("a@example.org", "b@example.org")
    assert first["Message-ID"] != second["Message-ID"]
    assert "https://x.example/1" in first.get_body(("plain",)).get_content()
    assert "https://x.example/2" in second.get_body(("plain",)).get_content()
    assert "https://x.example/1" not in second.as_string()


def test_an_address_that_needs_encoding_is_made_the_ordinary_way(context):
    merge = MailMerge(
        template="meeting_invitation", context=context, language="sv", fields=["registration_link"]
    )

    copy = merge.message(to="åsa@föreningen.example.org", registration_link="https://x.example/")

    assert not isinstance(copy, MergedMessage)
    assert copy.to == ["åsa@föreningen.example.org"]
    assert "https://x.example/" in copy.body


@pytest.mark.parametrize(
    "address", ["a@example.org\r\nBcc: b@example.org", "a b@example.org", '"a"@example.org']
)
def test_an_address_is_never_put_into_the_headers_as_it_is_unless_plain(context, address):
    merge = MailMerge(
        template="meeting_invitation", context=context, language="sv", fields=["registration_link"]
    )

    copy = merge.message(to=address, registration_link="https://x.example/")

    assert not isinstance(copy, MergedMessage)


def test_a_merged_copy_goes_through_the_configured_backend(context):
    merge = MailMerge(
        template="meeting_invitation", context=context, language="sv", fields=["registration_link"]
    )

    with mailers.default as connection:
        connection.send_messages(
            [merge.message(to="anna@example.org", registration_link="https://x.example/")]
        )

    [sent] = mail.outbox
    assert sent.to == ["anna@example.org"]
    assert "https://x.example/" in sent.body
    # Built the ordinary way for the outbox (and the console): the same message.
    ordinary = message_from_bytes(sent.message().as_bytes(), policy=policy.SMTP)
    assert ordinary.get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        parsed(sent).get_body(("plain",)).get_content().replace("\r\n", "\n")
    )
