"""Reminders and news (item 5 of issue 9): Celery beat reminds people with a place
MEETING_REMINDER_DAYS before, once; a published meeting whose time or place changes, or
that is cancelled, e-mails everyone registered or waiting, in their language, with the
calendar file as it is now. The beat task's function is run directly here; the tasks it
queues run eagerly (tests/dialogues/test_registration_mail_delivery.py uses a worker)."""

import datetime

import pytest
from django.utils import formats, timezone, translation
from icalendar import Calendar

from dialogues.models import Meeting, Registration
from dialogues.services.meetings import meeting_cancel, meeting_update
from dialogues.tasks import send_meeting_reminder, send_meeting_reminders
from tests.factories import MeetingFactory, OfficialFactory, RegistrationFactory


def soon(days=1.5, **fields):
    """A published meeting starting in ``days`` days; registration closed a day ago."""
    starts_at = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    return MeetingFactory(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        registration_deadline=min(starts_at, timezone.now() + datetime.timedelta(hours=1)),
        **fields,
    )


def registered_long_ago(meeting, email, **fields):
    return RegistrationFactory(
        meeting=meeting,
        email=email,
        created_at=timezone.now() - datetime.timedelta(days=20),
        **fields,
    )


def calendar_event(mail):
    (part,) = [a for a in mail.attachments if a.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"
    return Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]


@pytest.mark.django_db
def test_reminder_goes_once_to_people_with_a_place(mailoutbox):
    meeting = soon(days=1.5)
    kim = registered_long_ago(meeting, "kim@example.org", name="Kim", language="en")
    registered_long_ago(meeting, "waiting@example.org", status=Registration.Status.WAITING)
    registered_long_ago(meeting, "gone@example.org", status=Registration.Status.CANCELLED)
    later = soon(days=5)
    registered_long_ago(later, "later@example.org")

    assert send_meeting_reminders() == 1

    assert [mail.to for mail in mailoutbox] == [["kim@example.org"]]
    mail = mailoutbox[0]
    with translation.override("en"):
        day = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    assert mail.subject == f"Reminder: {meeting.title_en} on {day}"
    assert "Hello Kim," in mail.body
    assert "/en/registrations/" in mail.body
    assert calendar_event(mail).decoded("DTSTART") == meeting.starts_at
    kim.refresh_from_db()
    assert kim.reminded_at is not None

    # Beat runs again an hour later, and a reminder queued twice is sent once.
    assert send_meeting_reminders() == 0
    send_meeting_reminder(kim.pk)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_reminder_days_come_from_the_setting(settings, mailoutbox):
    settings.MEETING_REMINDER_DAYS = 7
    meeting = soon(days=5)
    registered_long_ago(meeting, "kim@example.org")
    assert send_meeting_reminders() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_no_reminder_for_someone_who_registered_inside_the_window(mailoutbox):
    meeting = soon(days=1.5)
    RegistrationFactory(meeting=meeting, email="new@example.org")  # just now
    assert send_meeting_reminders() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_or_past_meeting(mailoutbox):
    cancelled = soon(days=1, status=Meeting.Status.CANCELLED, cancellation_reason="Storm.")
    registered_long_ago(cancelled, "a@example.org")
    started = soon(days=1)
    registered_long_ago(started, "b@example.org")
    Meeting.objects.filter(pk=started.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        registration_deadline=timezone.now() - datetime.timedelta(days=2),
    )
    assert send_meeting_reminders() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_changing_the_time_tells_everyone_registered_or_waiting_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="en@example.org", language="en", name="Eve")
    RegistrationFactory(
        meeting=meeting, email="sv@example.org", language="sv", status=Registration.Status.WAITING
    )
    RegistrationFactory(
        meeting=meeting, email="gone@example.org", status=Registration.Status.CANCELLED
    )
    later = meeting.starts_at + datetime.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            actor=OfficialFactory(),
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=3),
        )

    assert sorted(mail.to[0] for mail in mailoutbox) == ["en@example.org", "sv@example.org"]
    english = next(mail for mail in mailoutbox if mail.to == ["en@example.org"])
    assert english.subject == f"Changed: {meeting.title_en}"
    assert "The time of the meeting has changed." in english.body
    assert "Your place is kept." in english.body
    swedish = next(mail for mail in mailoutbox if mail.to == ["sv@example.org"])
    assert swedish.subject == f"Ändrat: {meeting.title_sv}"
    assert "Du står kvar på väntelistan." in swedish.body
    assert "/sv/registrations/" in swedish.body
    for mail in (english, swedish):
        event = calendar_event(mail)
        assert event.decoded("DTSTART") == later
        assert event["SEQUENCE"] == 1
        assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_changing_the_place_says_so(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, actor=OfficialFactory(), place="Biblioteket, sal B")
    (mail,) = mailoutbox
    assert "The place of the meeting has changed." in mail.body
    assert "Biblioteket, sal B" in mail.body
    assert "Biblioteket, sal B" in str(calendar_event(mail)["LOCATION"])


@pytest.mark.django_db
def test_a_change_of_title_alone_e_mails_no_one(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, actor=OfficialFactory(), title_en="A better title")
    assert mailoutbox == []


@pytest.mark.django_db
def test_cancelling_tells_everyone_with_a_calendar_file_that_cancels(
    mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="a@example.org", language="en")
    RegistrationFactory(meeting=meeting, email="b@example.org", status="waiting", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=OfficialFactory(), reason="The hall is flooded.")

    assert sorted(mail.to[0] for mail in mailoutbox) == ["a@example.org", "b@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == f"Cancelled: {meeting.title_en}"
    assert "The organiser says: The hall is flooded." in mail.body
    event = calendar_event(mail)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
