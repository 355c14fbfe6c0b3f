"""Flows 1 and 3 of the domain, end to end in Chromium: an organisation signs online and
appears on the public list once an official has verified it; an organisation applies in
writing and an official approves it. Each page on the way passes an axe audit."""

import io
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from pypdf import PdfWriter

from compact.models import Signature, WrittenApplication
from organisations.models import Organisation
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import TOTP_SECRET, OfficialFactory, RepresentativeFactory, build_compact

PASSWORD = "a-long-Password-2026"


@pytest.fixture
def compact(transactional_db):
    return build_compact()


@pytest.fixture
def official(transactional_db):
    return OfficialFactory(email="tjansteperson@example.org", totp=True)


def totp_now() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def submit(page):
    page.locator("main form").first.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


def sign_in(page, email, password="pw", *, second_factor=False):
    page.goto("/sv/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    submit(page)
    if second_factor:
        assert "/2fa/authenticate/" in page.url
        assert_no_axe_violations(page)
        page.fill("input[name=code]", totp_now())
        submit(page)


def sign_out(page):
    page.context.clear_cookies()


def link_in_last_mail(pattern):
    body = mail.outbox[-1].body
    return re.search(pattern, body).group(0)


def test_flow_1_sign_up_register_sign_verify_and_appear_on_the_list(page, compact, official):
    # Sign up and verify the e-mail address from the outbox.
    page.goto("/sv/accounts/signup/")
    assert_no_axe_violations(page)
    page.fill("input[name=email]", "ordforande@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page)
    confirm_url = link_in_last_mail(r"https?://\S+/accounts/confirm-email/\S+")
    page.goto(confirm_url)
    assert_no_axe_violations(page)
    submit(page)
    # Confirmed in the browser that signed up: signed in, and told what to do next.
    assert page.url.endswith("/sv/start/")

    # Register the organisation.
    page.goto("/sv/organisations/register/")
    assert_no_axe_violations(page)
    page.fill("input[name=name]", "Föreningen Solrosen")
    page.fill("input[name=organisation_number]", "802002 4538")
    page.select_option("select[name=kind]", "association")
    page.fill("input[name=postal_town]", "Exempelstad")
    page.fill("input[name=contact_name]", "Robin Ros")
    page.fill("input[name=contact_email]", "robin@example.org")
    submit(page)
    organisation = Organisation.objects.get(name="Föreningen Solrosen")
    assert organisation.organisation_number == "802002-4538"
    assert page.url.endswith(f"/sv/organisations/{organisation.pk}/manage/")
    assert_no_axe_violations(page)

    # A mistake first: the declaration is required, and the error sits by the field.
    page.goto(f"/sv/organisations/{organisation.pk}/sign/")
    assert_no_axe_violations(page)
    page.fill("input[name=signer_name]", "Robin Ros")
    page.fill("input[name=signer_role]", "Ordförande")
    page.check("input[name=authority][value=signatory]")
    submit(page)
    assert page.locator("#id_confirm.is-invalid").count() == 1
    assert not Signature.objects.filter(organisation=organisation).exists()
    assert_no_axe_violations(page)
    page.check("input[name=confirm]")
    submit(page)
    signature = Signature.objects.get(organisation=organisation)
    assert signature.channel == "online"
    assert any("ordforande@example.org" in message.to for message in mail.outbox)

    # Not public before an official has verified the organisation.
    page.goto("/sv/signatories/")
    assert page.locator("table").get_by_text("Föreningen Solrosen").count() == 0

    # The official verifies it in the officials' area (with a second factor).
    sign_out(page)
    sign_in(page, official.email, second_factor=True)
    page.goto("/sv/backoffice/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Föreningen Solrosen").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Markera organisationen som kontrollerad").click()
    page.wait_for_load_state()
    # The organisation's page in the back office shows what was done, by whom.
    page.goto(f"/sv/backoffice/organisations/{organisation.pk}/")
    assert_no_axe_violations(page)
    history = page.locator("main ul.list-unstyled").inner_text()
    assert "Kontrollerade organisationen" in history
    assert official.email in history

    page.goto("/sv/signatories/")
    assert_no_axe_violations(page)
    assert page.locator("table").get_by_text("Föreningen Solrosen").count() == 1
    page.goto(f"/sv/organisations/{organisation.pk}/")
    assert_no_axe_violations(page)
    assert "robin@example.org" not in page.content()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_flow_3_apply_in_writing_and_an_official_approves(page, compact, official):
    rep = RepresentativeFactory(may_sign=False, organisation__name="Stiftelsen Ljuset")
    organisation = rep.organisation
    sign_in(page, rep.user.email)
    page.goto(f"/sv/organisations/{organisation.pk}/apply/")
    assert_no_axe_violations(page)

    # A fake PDF is refused, with the error by the field.
    page.set_input_files(
        "input[name=document]",
        {"name": "ansokan.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"},
    )
    submit(page)
    assert page.locator("#id_document.is-invalid").count() == 1
    assert WrittenApplication.objects.count() == 0
    assert_no_axe_violations(page)

    page.set_input_files(
        "input[name=document]",
        {"name": "ansokan.pdf", "mimeType": "application/pdf", "buffer": blank_pdf()},
    )
    page.fill("input[name=signatory_name]", "Maja Provström")
    page.fill("input[name=signatory_role]", "Styrelseordförande")
    page.fill("input[name=signed_on]", "2026-01-16")
    page.fill("textarea[name=message]", "Styrelsen har beslutat att ansluta stiftelsen.")
    submit(page)
    application = WrittenApplication.objects.get(organisation=organisation)
    assert application.status == "pending"

    sign_out(page)
    sign_in(page, official.email, second_factor=True)
    page.goto("/sv/backoffice/")
    page.get_by_role("link", name="Stiftelsen Ljuset").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role(
        "button", name="Godkänn: organisationen ansluter sig till överenskommelsen"
    ).click()
    page.wait_for_load_state()

    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", official)
    signature = Signature.objects.get(organisation=organisation)
    assert (signature.channel, signature.approved_by) == ("written_application", official)
    # Who signed the paper, as the representative gave it and the official confirmed it.
    assert (signature.signer_name, signature.signer_role) == (
        "Maja Provström",
        "Styrelseordförande",
    )
    assert rep.user.email in mail.outbox[-1].to

    page.goto("/sv/signatories/?channel=written_application")
    assert page.locator("table").get_by_text("Stiftelsen Ljuset").count() == 1
    page.goto("/sv/backoffice/signatures/")
    assert_no_axe_violations(page)
    page.goto("/sv/backoffice/organisations/")
    assert_no_axe_violations(page)
    page.goto("/sv/backoffice/log/")
    assert_no_axe_violations(page)
