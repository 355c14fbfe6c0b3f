"""The meeting pages in a real Chromium, in Swedish and English: the public list, a
meeting's page (published, full with a waiting list, cancelled, past with minutes) and its
calendar file; and an official scheduling a meeting in the officials' area by keyboard
and mouse: a bad date answered next to its field, then create, publish, edit, copy and
cancel. Every page: WCAG 2.1 AA by axe, one h1, the page's language on <html>."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from dialogues.models import Meeting, Registration
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    PublicPartyFactory,
    RegistrationFactory,
    in_days,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ["sv", "en"]
SECRET = "JBSWY3DPEHPK3PXP"
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def audit(page, language):
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert page.locator("h1").count() == 1, page.url
    assert_no_axe_violations(page)


def visit(page, language, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert urlsplit(page.url).path == urlsplit(path).path, path
    audit(page, language)


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def meetings(transactional_db):
    return make_meetings()


def make_meetings():
    hosts = [
        PublicPartyFactory(name="Exempelstads kommun"),
        PublicPartyFactory(name="Grannby kommun"),
    ]
    forum = MeetingFactory(
        title_sv="Dialogforum våren", title_en="Spring dialogue forum", public_parties=hosts
    )
    RegistrationFactory.create_batch(3, meeting=forum, participants=2)
    full = MeetingFactory(
        kind=Meeting.Kind.WORKSHOP,
        title_sv="Fullsatt workshop",
        title_en="Fully booked workshop",
        capacity=2,
        place="",
        address="",
        online_link="https://meet.example.org/workshop",
        starts_at=in_days(20),
        ends_at=in_days(20, hour=20),
        registration_deadline=in_days(15),
    )
    RegistrationFactory(meeting=full, participants=2)
    RegistrationFactory(meeting=full, status=Registration.Status.WAITING)
    cancelled = MeetingFactory(
        title_sv="Inställt informationsmöte",
        title_en="Cancelled information meeting",
        kind=Meeting.Kind.INFORMATION_MEETING,
        status=Meeting.Status.CANCELLED,
        cancellation_reason="Lokalen är stängd för reparation.",
        cancelled_at=timezone.now(),
        starts_at=in_days(40),
        ends_at=in_days(40, hour=20),
        registration_deadline=in_days(35),
    )
    past = MeetingFactory(
        title_sv="Dialogforum hösten",
        title_en="Autumn dialogue forum",
        starts_at=in_days(-60),
        ends_at=in_days(-60, hour=21),
        registration_deadline=in_days(-70),
        minutes="Minnesanteckningar: tre organisationer anslöt sig.",
        minutes_published_at=timezone.now(),
    )
    draft = MeetingFactory(
        title_sv="Hemligt utkast", title_en="Secret draft", status=Meeting.Status.DRAFT
    )
    return {"forum": forum, "full": full, "cancelled": cancelled, "past": past, "draft": draft}


def public_meeting_paths(language, meetings):
    """The public meeting pages (also walked at two widths: test_reflow.py)."""
    return [
        url(language, "dialogues:list"),
        *(url(language, "dialogues:meeting", meetings[key].pk) for key in MEETINGS_SHOWN),
    ]


MEETINGS_SHOWN = ("forum", "full", "cancelled", "past")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_meeting_page_passes_axe_with_one_h1(page, meetings, language):
    visit(page, language, url(language, "dialogues:list"))
    main = page.locator("main")
    assert main.get_by_text("Hemligt utkast").count() == 0
    assert main.get_by_text("Secret draft").count() == 0
    title = "Dialogforum våren" if language == "sv" else "Spring dialogue forum"
    main.get_by_role("link", name=title).click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == url(language, "dialogues:meeting", meetings["forum"].pk)
    audit(page, language)
    assert main.get_by_text("Grannby kommun").count() == 1

    for path in public_meeting_paths(language, meetings)[2:]:  # the list and forum seen above
        visit(page, language, path)
    assert main.get_by_text("Minnesanteckningar: tre organisationer anslöt sig.").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_navigation_leads_to_the_meetings(page, meetings, language):
    page.goto(url(language, "compact:home"))

    name = "Möten" if language == "sv" else "Meetings"
    page.locator("nav.navbar").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()

    assert urlsplit(page.url).path == url(language, "dialogues:list")


def test_add_to_calendar_gives_the_event_with_a_link_back(page, meetings):
    forum = meetings["forum"]
    page.goto(url("en", "dialogues:meeting", forum.pk))

    href = page.locator("main a", has_text="Add to calendar").get_attribute("href")
    response = page.request.get(href)

    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    [event] = Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Spring dialogue forum"
    assert str(event["URL"]).endswith(url("en", "dialogues:meeting", forum.pk))
    feed = page.request.get(url("en", "dialogues:feed"))
    assert len(Calendar.from_ical(feed.body()).walk("VEVENT")) == 4  # no draft


def sign_in_official(page, language):
    official = OfficialFactory()
    TOTP.activate(official, SECRET)
    page.goto(url(language, "account_login"))
    page.fill("input[name=login]", official.email)
    page.fill("input[name=password]", "pw")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.fill("input[name=code]", format_hotp_value(hotp_value(SECRET, int(time.time()) // 30)))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.url
    return official


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("language", LANGUAGES)
def test_official_schedules_publishes_edits_copies_and_cancels_a_meeting(
    page, meetings, browser_problems, language
):
    sign_in_official(page, language)
    visit(page, language, url(language, "backoffice:meetings"))
    draft = "Hemligt utkast" if language == "sv" else "Secret draft"
    assert page.locator("main table").first.get_by_text(draft).count() == 1

    page.locator("main").get_by_role(
        "link", name="Nytt möte" if language == "sv" else "New meeting"
    ).click()
    page.wait_for_load_state()
    audit(page, language)
    starts = in_days(120)
    page.fill("#id_title_sv", "Dialogforum om föreningslivet")
    page.fill("#id_title_en", "Dialogue forum on associations")
    page.check("#id_public_parties_0")
    page.fill("#id_starts_at", local(starts))
    page.fill("#id_ends_at", local(starts - datetime.timedelta(hours=1)))  # before the start
    page.fill("#id_registration_deadline", local(starts - datetime.timedelta(days=7)))
    page.fill("#id_place", "Medborgarhuset")
    page.fill("#id_capacity", "60")
    page.fill("#id_organiser_name", "Tilda Tjänstesson")
    page.fill("#id_organiser_email", "dialog@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # The error is next to the field, tied to it, and the page is still accessible.
    audit(page, language)
    browser_problems.remove(f"console error on {page.url}: {BAD_REQUEST}")
    ends = page.locator("#id_ends_at")
    assert ends.get_attribute("aria-invalid") == "true"
    described = ends.get_attribute("aria-describedby") or ""
    message = (
        "Mötet måste sluta efter att det börjar."
        if language == "sv"
        else "The meeting must end after it starts."
    )
    # Once next to the field, and once in the summary at the top, linking to the field.
    assert page.locator("main").get_by_text(message).count() == 2
    assert page.locator(".error-summary").get_by_role("link", name=message).count() == 1
    assert any(page.locator(f"#{id_}").inner_text().strip() == message for id_ in described.split())
    assert Meeting.objects.filter(title_sv="Dialogforum om föreningslivet").count() == 0

    page.fill("#id_ends_at", local(starts + datetime.timedelta(hours=3)))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get(title_sv="Dialogforum om föreningslivet")
    assert urlsplit(page.url).path == url(language, "backoffice:meeting", meeting.pk)
    audit(page, language)

    page.locator("main").get_by_role(
        "button", name="Publicera" if language == "sv" else "Publish"
    ).click()
    page.wait_for_load_state()
    audit(page, language)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED

    visit(page, language, url(language, "backoffice:meeting_edit", meeting.pk))
    page.fill("#id_capacity", "80")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.capacity == 80

    visit(page, language, url(language, "backoffice:meeting_copy", meeting.pk))
    assert page.input_value("#id_title_sv") == "Dialogforum om föreningslivet"
    assert page.input_value("#id_starts_at") == ""

    visit(page, language, url(language, "backoffice:meeting_cancel", meeting.pk))
    page.fill("#id_reason", "Lokalen är stängd.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    audit(page, language)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED

    visit(page, language, url(language, "dialogues:meeting", meeting.pk))
    assert page.locator("main").get_by_text("Lokalen är stängd.").count() == 1
