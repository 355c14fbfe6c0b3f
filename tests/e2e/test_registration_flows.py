"""Flow 2 of the domain, from the invitation on, in Chromium: a recipient registers from
the link in the e-mail without an account (a mistake first, the error by its field), sees
and cancels the registration; an official marks attendance after the forum, adds a
walk-in, records an organisation that signed on site and publishes the minutes. Every page
on the way passes an axe audit, in Swedish and in English."""

import datetime
import io
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfWriter

from compact.models import Signature
from dialogues.models import Invitation, MeetingSignature, Registration
from dialogues.tokens import invitation_token
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import (
    TOTP_SECRET,
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    build_compact,
)

LANGUAGES = ["sv", "en"]
FAILED_TO_LOAD = "Failed to load resource: the server responded with a status of"


def audit(page, language):
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert page.locator("h1").count() == 1, page.url
    assert_no_axe_violations(page)


def submit(page):
    """The page's own form (the last in main: the language and sign-out forms come first)."""
    page.locator("main form").last.locator("button[type=submit]").click()
    page.wait_for_load_state()


def sign_in(page, language, email, *, second_factor=False):
    with translation.override(language):
        page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pw")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if second_factor:
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.fill("input[name=code]", code)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, f"not signed in: {page.url}"


def expect_status(browser_problems, page, status, reason):
    """A page answered with an error status on purpose: the browser logs it, we expect it."""
    browser_problems.remove(f"console error on {page.url}: {FAILED_TO_LOAD} {status} ({reason})")


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_from_the_invitation_link_and_cancel(
    page, browser_problems, transactional_db, language
):
    meeting = MeetingFactory(capacity=10)
    organisation = OrganisationFactory(name="Föreningen Gläntan")
    invitation = Invitation.objects.create(
        meeting=meeting, email="kassor@example.org", organisation=organisation, language=language
    )
    register = f"{url(language, 'dialogues:register', meeting.pk)}"

    # Without the link and without an account: how to register.
    page.goto(register)
    audit(page, language)
    # A link cut short when it was copied: a clear page.
    page.goto(f"{register}?invitation={invitation_token(invitation)[:25]}")
    expect_status(browser_problems, page, 400, "Bad Request")
    audit(page, language)

    page.goto(f"{register}?invitation={invitation_token(invitation)}")
    audit(page, language)
    assert page.input_value("input[name=email]") == "kassor@example.org"
    assert "Föreningen Gläntan" in page.locator("main").inner_text()
    # A mistake first: no name. The error sits by the field, nothing is saved.
    page.fill("input[name=participants]", "2")
    page.fill("textarea[name=needs]", "Hörslinga")
    submit(page)
    expect_status(browser_problems, page, 400, "Bad Request")
    assert page.locator("#id_name.is-invalid").count() == 1
    assert page.locator("#id_name").get_attribute("aria-invalid") == "true"
    assert not Registration.objects.exists()
    audit(page, language)

    page.fill("input[name=name]", "Kim Kassör")
    submit(page)
    registration = Registration.objects.get()
    assert (registration.status, registration.participants, registration.needs) == (
        "registered",
        2,
        "Hörslinga",
    )
    assert urlsplit(page.url).path.startswith(f"/{language}/registrations/")
    audit(page, language)
    assert any(message.to == ["kassor@example.org"] for message in mail.outbox)

    # The page behind the link in the confirmation cancels it.
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    audit(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_representative_registers_their_organisation(page, transactional_db, language):
    meeting = MeetingFactory()
    rep = RepresentativeFactory(organisation__name="Kören Väst")
    sign_in(page, language, rep.user.email)

    page.goto(url(language, "dialogues:register", meeting.pk))
    audit(page, language)
    page.fill("input[name=name]", "Robin Ros")
    submit(page)
    registration = Registration.objects.get()
    assert (registration.organisation, registration.user) == (rep.organisation, rep.user)
    audit(page, language)


def pdf_file(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "protokoll.pdf"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_official_marks_attendance_records_a_signature_and_publishes_minutes(
    page, browser_problems, transactional_db, tmp_path, language
):
    compact = build_compact()
    starts_at = timezone.now() - datetime.timedelta(hours=3)
    meeting = MeetingFactory(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        registration_deadline=starts_at - datetime.timedelta(days=1),
    )
    alva = RegistrationFactory(meeting=meeting, name="Alva Andersson", needs="Rullstol")
    bo = RegistrationFactory(meeting=meeting, name="Bo Berg")
    RegistrationFactory(meeting=meeting, name="Cecilia Ceder", status="waiting")
    choir = RepresentativeFactory(organisation__name="Kören i Exempelstad").organisation
    official = OfficialFactory(totp=True)

    sign_in(page, language, official.email, second_factor=True)

    # From the meeting's page in the officials' area to its registrations.
    page.goto(url(language, "backoffice:meeting", meeting.pk))
    audit(page, language)
    page.locator(
        f"a[href='{url(language, 'backoffice:meeting_registrations', meeting.pk)}']"
    ).click()
    page.wait_for_load_state()
    audit(page, language)

    # Attendance: tick who came, by their names (the labels), and save once.
    page.get_by_label("Alva Andersson").check()
    page.locator(f"#attended-{alva.pk}").press("Space")  # by keyboard: off again
    page.locator(f"#attended-{alva.pk}").press("Space")  # and on
    page.locator("form[action$='/attendance/'] button[type=submit]").click()
    page.wait_for_load_state()
    alva.refresh_from_db()
    bo.refresh_from_db()
    assert (alva.attended, bo.attended) == (True, False)
    audit(page, language)

    # A walk-in.
    page.goto(url(language, "backoffice:meeting_walk_in", meeting.pk))
    audit(page, language)
    page.fill("input[name=name]", "Wilma Walk-in")
    page.fill("input[name=email]", "wilma@example.org")
    submit(page)
    assert Registration.objects.get(email="wilma@example.org").attended
    audit(page, language)

    # An organisation that signed on paper at the forum.
    page.goto(url(language, "backoffice:meeting_signature", meeting.pk))
    audit(page, language)
    page.select_option("select[name=organisation]", str(choir.pk))
    page.fill("input[name=signer_name]", "Greta Ek")
    page.fill("input[name=signer_role]", "Ordförande")
    submit(page)
    signature = Signature.objects.get(organisation=choir)
    assert (signature.channel, signature.agreement) == ("forum", compact)
    assert MeetingSignature.objects.get().meeting == meeting

    # The minutes, with a PDF; a bad file first.
    page.goto(url(language, "backoffice:meeting_minutes", meeting.pk))
    audit(page, language)
    not_pdf = tmp_path / "minutes.pdf"
    not_pdf.write_bytes(b"<html>not a pdf</html>")
    page.fill("textarea[name=minutes]", "Vi talade om lokalerna.")
    page.set_input_files("input[name=document]", str(not_pdf))
    submit(page)
    expect_status(browser_problems, page, 400, "Bad Request")
    assert page.locator("#id_document.is-invalid").count() == 1
    audit(page, language)
    page.set_input_files("input[name=document]", str(pdf_file(tmp_path)))
    submit(page)
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    audit(page, language)

    # The public meeting page shows them.
    page.goto(url(language, "dialogues:meeting", meeting.pk))
    assert "Vi talade om lokalerna." in page.locator("main").inner_text()
    audit(page, language)


_SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_on_a_phone_a_recipient_joins_the_waiting_list_and_leaves_it_in_swedish(
    browser, live_server, browser_problems, transactional_db
):
    """375 CSS pixels, Swedish: the link from the invitation to a full meeting, a mistyped
    address answered by its field with everything else kept, the waiting list with the place
    in line and the time in Swedish time, leaving it and joining again from the same page;
    no page scrolls sideways, no English on the way."""
    meeting = MeetingFactory(capacity=2, title_sv="Dialogforum hösten", title_en="Autumn forum")
    RegistrationFactory(meeting=meeting, participants=2)
    RegistrationFactory(meeting=meeting, status=Registration.Status.WAITING)
    invitation = Invitation.objects.create(meeting=meeting, email="ordf@example.org")
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and browser_problems.append(m.text))
    try:
        page.goto(
            f"{url('sv', 'dialogues:register', meeting.pk)}?invitation={invitation_token(invitation)}"
        )
        assert page.evaluate(_SIDEWAYS) <= 0
        audit(page, "sv")
        page.fill("input[name=organisation_name]", "Föreningen Ängen")
        page.fill("input[name=name]", "Åsa Öberg")
        page.fill("input[name=email]", "ordf@example")
        page.fill("textarea[name=needs]", "Rullstol")
        submit(page)
        browser_problems.remove(f"{FAILED_TO_LOAD} 400 (Bad Request)")
        assert page.locator("#id_email.is-invalid").count() == 1
        assert "Fyll i en giltig e-postadress" in page.locator("main").inner_text()
        # Nothing typed is lost.
        assert page.input_value("input[name=organisation_name]") == "Föreningen Ängen"
        assert page.input_value("input[name=name]") == "Åsa Öberg"
        assert page.input_value("textarea[name=needs]") == "Rullstol"
        assert not Registration.objects.filter(name="Åsa Öberg").exists()
        assert page.evaluate(_SIDEWAYS) <= 0
        audit(page, "sv")

        page.fill("input[name=email]", "ordf@example.org")
        submit(page)
        registration = Registration.objects.get(name="Åsa Öberg")
        assert registration.status == Registration.Status.WAITING
        text = page.locator("main").inner_text()
        assert "väntelistan, nummer 2 i kön" in text
        assert "18:00–21:00 (svensk tid)" in text  # the factory's 18:00 in Stockholm
        assert "waiting" not in text.lower() and "registration" not in text.lower()
        assert page.evaluate(_SIDEWAYS) <= 0
        audit(page, "sv")

        page.get_by_role("button", name="Lämna väntelistan").click()
        page.wait_for_load_state()
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CANCELLED
        assert page.evaluate(_SIDEWAYS) <= 0
        audit(page, "sv")

        # A tap too many: back in line from the same page, with the invitation.
        page.get_by_role("link", name="Anmäl dig igen").click()
        page.wait_for_load_state()
        assert page.input_value("input[name=email]") == "ordf@example.org"
        page.fill("input[name=name]", "Åsa Öberg")
        submit(page)
        again = Registration.objects.filter(name="Åsa Öberg").exclude(pk=registration.pk).get()
        assert (again.status, again.invitation) == (Registration.Status.WAITING, invitation)
        assert "nummer 2 i kön" in page.locator("main").inner_text()
    finally:
        context.close()
    assert browser_problems == []
