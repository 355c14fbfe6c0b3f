"""Meetings as iCalendar (RFC 5545), through ``icalendar``: one event for an e-mail or a
download, and the feed of every public meeting that calendars subscribe to.

An event's UID is the same for a meeting whatever changes, and its SEQUENCE rises when the
time or place changes or the meeting is cancelled (``Meeting.sequence``), so a calendar that
holds the event replaces it. Times are in UTC; calendars show them in their own zone.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from dialogues.models import Meeting

PRODUCT_ID = "-//Compact portal//Dialogue meetings//SV"


def meeting_url(meeting: Meeting, *, language: str) -> str:
    """The meeting's public page, absolute, in that language."""
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse("dialogues:meeting", args=[meeting.pk])


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-{meeting.pk}@{host}"


def _calendar(*, language: str, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _location(meeting: Meeting) -> str:
    parts = [part for part in (meeting.place, meeting.address) if part]
    if meeting.online_link:
        parts.append(meeting.online_link)
    return ", ".join(parts)


def _description(meeting: Meeting, url: str) -> str:
    parts = []
    if meeting.status == Meeting.Status.CANCELLED:
        parts.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancellation_reason})
    if meeting.description:
        parts.append(meeting.description)
    if meeting.agenda:
        parts.append(_("Agenda") + ":\n" + meeting.agenda)
    if meeting.online_link:
        parts.append(_("Join online: %(link)s") % {"link": meeting.online_link})
    deadline = timezone.localtime(meeting.registration_deadline)
    parts.append(_("Register by %(deadline)s.") % {"deadline": f"{deadline:%Y-%m-%d %H:%M}"})
    parts.append(url)
    return "\n\n".join(parts)


def _event(meeting: Meeting, *, language: str) -> Event:
    """The event in ``language`` (the caller has activated it)."""
    url = meeting_url(meeting, language=language)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    summary = meeting.title
    if cancelled:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    event.add("summary", summary)
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("description", _description(meeting, url))
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", [str(meeting.get_kind_display())])
    organiser = vCalAddress(f"mailto:{meeting.organiser_email}")
    organiser.params["cn"] = vText(meeting.organiser_name)
    event.add("organizer", organiser)
    return event


def meeting_event_ics(meeting: Meeting, *, language: str) -> bytes:
    """One meeting as a calendar file (one VEVENT), in ``language``."""
    with translation.override(language):
        calendar = _calendar(language=language)
        calendar.add_component(_event(meeting, language=language))
        return calendar.to_ical()


def feed_ics(meetings, *, language: str) -> bytes:
    """The subscribable calendar: each meeting (published or cancelled) as an event."""
    with translation.override(language):
        calendar = _calendar(language=language, name=_("Compact portal: meetings"))
        for meeting in meetings:
            calendar.add_component(_event(meeting, language=language))
        return calendar.to_ical()
