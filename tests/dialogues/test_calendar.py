"""Meetings as iCalendar, parsed back with icalendar: one event per meeting (a file to
download or attach) and the feed of every public meeting, each linking to its page."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from dialogues.calendar import feed_ics, meeting_event_ics
from dialogues.models import Meeting
from dialogues.services.meetings import meeting_cancel, meeting_update
from tests.factories import MeetingFactory, OfficialFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = datetime.timezone(datetime.timedelta(hours=2))  # summer time, as in April


def spring_forum(**overrides):
    starts = timezone.make_aware(datetime.datetime(2031, 4, 22, 18, 0))
    return MeetingFactory(
        **{
            "title_sv": "Dialogforum våren 2031",
            "title_en": "Spring dialogue forum 2031",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=3),
            "registration_deadline": starts - datetime.timedelta(days=7),
            "place": "Stadshuset",
            "address": "Storgatan 1, Exempelstad",
            **overrides,
        }
    )


def events(ics: bytes):
    return Calendar.from_ical(ics).walk("VEVENT")


def page_url(meeting, language):
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse("dialogues:meeting", args=[meeting.pk])


def test_meeting_event_has_time_title_place_status_and_a_link_back():
    meeting = spring_forum()

    calendar = Calendar.from_ical(meeting_event_ics(meeting, language="sv"))

    assert str(calendar["VERSION"]) == "2.0"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2031, 4, 22, 18, 0, tzinfo=STOCKHOLM)
    assert event.decoded("DTEND") == datetime.datetime(2031, 4, 22, 21, 0, tzinfo=STOCKHOLM)
    assert str(event["SUMMARY"]) == "Dialogforum våren 2031"
    assert str(event["LOCATION"]) == "Stadshuset, Storgatan 1, Exempelstad"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == page_url(meeting, "sv")
    assert "/sv/meetings/" in str(event["URL"])
    assert int(event["SEQUENCE"]) == 0
    assert str(event["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert "Samtal i grupper" in str(event["DESCRIPTION"])  # the agenda
    assert str(event["ORGANIZER"]) == "mailto:dialog@example.org"


def test_meeting_event_in_english_has_the_english_title_and_page():
    meeting = spring_forum()

    [event] = events(meeting_event_ics(meeting, language="en"))

    assert str(event["SUMMARY"]) == "Spring dialogue forum 2031"
    assert str(event["URL"]) == page_url(meeting, "en")
    assert "/en/meetings/" in str(event["URL"])


def test_meeting_event_in_english_falls_back_to_the_swedish_title():
    meeting = spring_forum(title_en="")

    [event] = events(meeting_event_ics(meeting, language="en"))

    assert str(event["SUMMARY"]) == "Dialogforum våren 2031"


def test_online_meeting_gives_the_link_as_its_location():
    meeting = spring_forum(place="", address="", online_link="https://meet.example.org/forum")

    [event] = events(meeting_event_ics(meeting, language="sv"))

    assert str(event["LOCATION"]) == "https://meet.example.org/forum"


def test_a_changed_time_keeps_the_uid_and_raises_the_sequence(django_capture_on_commit_callbacks):
    meeting = spring_forum()
    [before] = events(meeting_event_ics(meeting, language="sv"))
    later = meeting.starts_at + datetime.timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            actor=OfficialFactory(),
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=3),
        )
    [after] = events(meeting_event_ics(meeting, language="sv"))

    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == datetime.datetime(2031, 4, 22, 19, 0, tzinfo=STOCKHOLM)


def test_a_cancelled_meeting_is_a_cancelled_event(django_capture_on_commit_callbacks):
    meeting = spring_forum()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=OfficialFactory(), reason="Lokalen är stängd.")
    [event] = events(meeting_event_ics(meeting, language="sv"))

    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "Lokalen är stängd." in str(event["DESCRIPTION"])
    assert "Dialogforum våren 2031" in str(event["SUMMARY"])


def test_feed_has_one_event_per_public_meeting_each_with_its_page():
    first = spring_forum()
    second = spring_forum(
        title_sv="Workshop",
        starts_at=first.starts_at + datetime.timedelta(days=30),
        ends_at=first.ends_at + datetime.timedelta(days=30),
    )

    calendar = Calendar.from_ical(feed_ics([first, second], language="en"))

    assert [str(e["URL"]) for e in calendar.walk("VEVENT")] == [
        page_url(first, "en"),
        page_url(second, "en"),
    ]
    assert str(calendar["X-WR-CALNAME"])


def test_text_that_looks_like_icalendar_stays_text_in_its_own_event():
    """What officials write (several lines, iCalendar's own words, its separators, quotes
    in the organiser's name) is escaped: the feed still holds one event per meeting, and
    each value reads back as it was written."""
    injected = "Dagordning\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Gratis resa;klicka,här\\"
    meeting = spring_forum(
        description_en=injected,
        agenda_en="1. Välkommen\n2. END:VCALENDAR",
        place="Sal A; plan 2, vänster",
        organiser_name='Kim "Kansliet"; Dialog: Östra',
    )
    other = spring_forum(
        starts_at=meeting.starts_at + datetime.timedelta(days=1),
        ends_at=meeting.ends_at + datetime.timedelta(days=1),
    )

    calendar = Calendar.from_ical(feed_ics([meeting, other], language="en"))

    found = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in found] == [
        f"meeting-{meeting.pk}@{urlsplit(settings.SITE_URL).hostname}",
        f"meeting-{other.pk}@{urlsplit(settings.SITE_URL).hostname}",
    ]
    event = found[0]
    assert str(event["SUMMARY"]) == "Spring dialogue forum 2031"
    assert injected.replace("\r\n", "\n") in str(event["DESCRIPTION"])
    assert "2. END:VCALENDAR" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]).startswith("Sal A; plan 2, vänster, ")
    assert event["ORGANIZER"].params["CN"] == 'Kim "Kansliet"; Dialog: Östra'


def test_meeting_ics_view_serves_the_file_for_a_public_meeting(client):
    meeting = spring_forum()
    with translation.override("en"):
        url = reverse("dialogues:meeting_ics", args=[meeting.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [event] = events(response.content)
    assert str(event["SUMMARY"]) == "Spring dialogue forum 2031"
    assert str(event["URL"]) == page_url(meeting, "en")


def test_feed_view_lists_published_and_cancelled_meetings_but_no_drafts(client):
    published = spring_forum(title_sv="Publicerat")
    cancelled = spring_forum(
        title_sv="Inställt", status=Meeting.Status.CANCELLED, cancellation_reason="Sjukdom"
    )
    spring_forum(title_sv="Utkast", status=Meeting.Status.DRAFT)
    with translation.override("sv"):
        url = reverse("dialogues:feed")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = {str(e["UID"]): e for e in events(response.content)}
    assert sorted(feed) == sorted(
        f"meeting-{m.pk}@{urlsplit(settings.SITE_URL).hostname}" for m in (published, cancelled)
    )
    statuses = sorted(str(e["STATUS"]) for e in feed.values())
    assert statuses == ["CANCELLED", "CONFIRMED"]
