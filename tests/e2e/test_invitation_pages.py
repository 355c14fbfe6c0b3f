"""Inviting to a meeting in a real Chromium, in Swedish and English: from the meeting's page
to the invitation form, a malformed pasted address answered next to the field, the count,
the sending, and the progress page that htmx updates every two seconds until nothing waits
(then the page reloads with the failed ones and the button to send them again). Every page:
WCAG 2.1 AA by axe, one h1, the page's language on <html>."""

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import translation

from dialogues.models import Invitation
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import MeetingFactory, OfficialFactory, OrganisationFactory

pytestmark = pytest.mark.e2e

SECRET = "JBSWY3DPEHPK3PXP"
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def audit(page, language):
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert page.locator("h1").count() == 1, page.url
    assert_no_axe_violations(page)


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


@pytest.mark.parametrize("language", ["sv", "en"])
def test_official_counts_and_sends_invitations_and_watches_them_go(
    page, transactional_db, browser_problems, language
):
    meeting = MeetingFactory(title_sv="Dialogforum hösten", title_en="Autumn dialogue forum")
    OrganisationFactory.create_batch(3)
    sign_in_official(page, language)
    page.goto(url(language, "backoffice:meeting", meeting.pk))
    invite = "Bjud in" if language == "sv" else "Invite"
    page.locator("main").get_by_role("link", name=invite, exact=True).click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == url(language, "backoffice:meeting_invite", meeting.pk)
    audit(page, language)

    # A malformed address: named next to the field, nothing sent.
    page.locator("input[name=audience][value=verified]").check()
    page.fill("textarea[name=emails]", "gast@example.org\ninte-en-adress\n")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_emails.is-invalid").count() == 1
    assert page.locator("main").get_by_text("inte-en-adress").count() >= 1
    audit(page, language)
    browser_problems.remove(f"console error on {page.url}: {BAD_REQUEST}")

    # Corrected: counted, then sent.
    page.fill("textarea[name=emails]", "gast@example.org\nGast@Example.org\n")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    send = "Skicka 4 inbjudningar" if language == "sv" else "Send 4 invitations"
    assert page.locator("main").get_by_role("button", name=send).count() == 1
    audit(page, language)
    assert not Invitation.objects.exists()
    page.locator("main").get_by_role("button", name=send).click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == url(language, "backoffice:meeting_invitations", meeting.pk)
    assert Invitation.objects.filter(meeting=meeting).count() == 4
    audit(page, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_progress_page_updates_itself_and_reloads_when_all_is_done(
    page, transactional_db, language
):
    meeting = MeetingFactory()
    for n in range(3):
        Invitation.objects.create(meeting=meeting, email=f"sent{n}@example.org", status="sent")
    Invitation.objects.create(
        meeting=meeting, email="failed@example.org", status="failed", last_error="550 No such user"
    )
    waiting = [
        Invitation.objects.create(meeting=meeting, email=f"waiting{n}@example.org")
        for n in range(2)
    ]
    sign_in_official(page, language)
    page.goto(url(language, "backoffice:meeting_invitations", meeting.pk))
    region = page.locator("#invitation-progress[role=status]")
    assert region.locator("[data-count=sent]").inner_text() == "3"
    assert region.locator("[data-count=waiting]").inner_text() == "2"
    audit(page, language)

    # One goes out: the next poll shows it, without a reload.
    Invitation.objects.filter(pk=waiting[0].pk).update(status="sent")
    region.locator("[data-count=sent]", has_text="4").wait_for(timeout=15_000)
    assert page.locator("[data-hx-get]").count() == 1

    # The last one goes out: the page reloads, polls no more, and offers to send the failed.
    Invitation.objects.filter(pk=waiting[1].pk).update(status="sent")
    page.locator("[data-count=sent]", has_text="5").wait_for(timeout=15_000)
    page.wait_for_function("document.querySelector('[data-hx-get]') === null", timeout=15_000)
    assert page.locator("main").get_by_text("550 No such user").count() == 1
    audit(page, language)
    again = "Skicka de misslyckade igen" if language == "sv" else "Send the failed ones again"
    page.locator("main").get_by_role("button", name=again).click()
    page.wait_for_load_state()
    audit(page, language)
