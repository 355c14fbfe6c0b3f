"""Registration e-mail with the real parts: the views and services queue their tasks on
commit, a Celery worker (a subprocess) takes them from Redis and sends over SMTP to
aiosmtpd in this process; each message's calendar file is parsed back with icalendar."""

import datetime
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation

from dialogues.models import Invitation, Registration
from dialogues.services.meetings import meeting_update
from dialogues.tasks import send_meeting_reminders
from dialogues.tokens import invitation_token, registration_from_token, registration_token
from tests.factories import MeetingFactory, OfficialFactory, RegistrationFactory

pytest_plugins = ["tests.worker"]
pytestmark = pytest.mark.worker


def calendar_event(mail):
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "meeting.ics"
    (event,) = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    return event


def exact(moment):
    return moment.replace(microsecond=0)


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("sv", "Du är anmäld", "Hej Kim Kassör,"), ("en", "You are registered", "Hello Kim Kassör,")],
    ids=["sv", "en"],
)
def test_registering_from_an_invitation_sends_one_confirmation_with_the_calendar_file(
    celery_worker, mailbox, language, subject, greeting
):
    meeting = MeetingFactory(starts_at=exact(timezone.now() + datetime.timedelta(days=20)))
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    invitation = Invitation.objects.create(
        meeting=meeting, email="kassor@example.org", language=language
    )
    with translation.override(language):
        url = reverse("dialogues:register", args=[meeting.pk])
    response = Client().post(
        f"{url}?invitation={invitation_token(invitation)}",
        {
            "organisation_name": "Föreningen Gläntan",
            "name": "Kim Kassör",
            "email": "kassor@example.org",
            "participants": "1",
        },
    )
    assert response.status_code == 302

    (mail,) = mailbox.wait_for(1)

    assert mail.to == ["kassor@example.org"]
    with translation.override(language):
        title = Registration.objects.get().meeting.title
    assert mail.subject == f"{subject}: {title}"
    assert mail.body.startswith(greeting)
    link = re.search(r"https?://\S+/registrations/\S+/", mail.body).group(0)
    # The page the person was sent to, by a token of its own (signed in another second).
    assert link.startswith(settings.SITE_URL + f"/{language}/registrations/")
    token = resolve(urlsplit(link).path).kwargs["token"]
    assert registration_from_token(token) == Registration.objects.get()
    event = calendar_event(mail)
    assert str(event["SUMMARY"]) == title
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["URL"]).endswith(f"/{language}/meetings/{meeting.pk}/")


def test_cancelling_from_the_link_tells_the_person_who_moves_up(celery_worker, mailbox):
    meeting = MeetingFactory(capacity=1)
    first = RegistrationFactory(meeting=meeting, email="first@example.org")
    RegistrationFactory(
        meeting=meeting, email="next@example.org", status="waiting", language="en", name="Nina"
    )
    Client().post(reverse("dialogues:registration", args=[registration_token(first)]))

    (mail,) = mailbox.wait_for(1)

    assert mail.to == ["next@example.org"]
    assert mail.subject.startswith("A place for you:")
    assert "Hello Nina," in mail.body
    assert str(calendar_event(mail)["UID"]).startswith(f"meeting-{meeting.pk}@")


def test_a_new_time_reaches_everyone_registered_or_waiting(celery_worker, mailbox):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="a@example.org", language="en")
    RegistrationFactory(meeting=meeting, email="b@example.org", status="waiting", language="sv")
    RegistrationFactory(meeting=meeting, email="c@example.org", status="cancelled")
    later = exact(meeting.starts_at + datetime.timedelta(days=1))

    meeting_update(
        meeting=meeting,
        actor=OfficialFactory(),
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=3),
    )

    mails = mailbox.wait_for(2)

    assert sorted(mail.to[0] for mail in mails) == ["a@example.org", "b@example.org"]
    for mail in mails:
        event = calendar_event(mail)
        assert event.decoded("DTSTART") == later
        assert event["SEQUENCE"] == 1


def test_the_beat_task_reminds_once_through_the_worker(celery_worker, mailbox):
    starts_at = exact(timezone.now() + datetime.timedelta(days=1))
    meeting = MeetingFactory(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        registration_deadline=starts_at - datetime.timedelta(hours=2),
    )
    registration = RegistrationFactory(
        meeting=meeting,
        email="kim@example.org",
        language="en",
        created_at=timezone.now() - datetime.timedelta(days=10),
    )

    send_meeting_reminders.delay()
    (mail,) = mailbox.wait_for(1)
    send_meeting_reminders.delay()
    send_meeting_reminders.delay()

    assert len(mailbox.wait_for(1, settle=3)) == 1
    assert mail.subject.startswith("Reminder:")
    assert calendar_event(mail).decoded("DTSTART") == starts_at
    registration.refresh_from_db()
    assert registration.reminded_at is not None
