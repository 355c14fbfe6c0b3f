"""Every signed-in page in a real Chromium, in Swedish and English: WCAG 2.1 AA by axe,
one h1, the page's language on <html>. Pages are grouped per role (one sign-in per test),
so the suite stays fast: a representative of two organisations, officials without and
with a second factor, and allauth's account and two-factor pages in the portal's layout.
"""

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import translation

from organisations.invitations import invitation_token
from organisations.models import Organisation, RepresentativeInvitation
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SignatureFactory,
    WrittenApplicationFactory,
    build_compact,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ["sv", "en"]
SECRET = "JBSWY3DPEHPK3PXP"
FAILED_TO_LOAD = "Failed to load resource: the server responded with a status of"


@pytest.fixture
def compact(transactional_db):
    return build_compact()


def sign_in(page, language, email, *, second_factor=False, check=True):
    """Sign in through the login page in ``language``; audit the second-factor page. An
    official without a second factor is sent on to set one up (``check=False``)."""
    with translation.override(language):
        page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "pw")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if second_factor:
        assert urlsplit(page.url).path == f"/{language}/accounts/2fa/authenticate/"
        audit(page, language)
        page.fill("input[name=code]", format_hotp_value(hotp_value(SECRET, int(time.time()) // 30)))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    if check:
        assert "/accounts/" not in page.url, f"not signed in: {page.url}"


def reauthenticate_with_password(page):
    page.fill("input[name=password]", "pw")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def audit(page, language, where=None):
    where = where or page.url
    assert page.locator("html").get_attribute("lang") == language, where
    assert page.locator("h1").count() == 1, where
    assert_no_axe_violations(page)


def visit(page, language, path, *, status=200, lands_on=None):
    """Open ``path``, check the status and that it was not redirected elsewhere, and audit."""
    response = page.goto(path)
    assert response.status == status, path
    assert urlsplit(page.url).path == (lands_on or urlsplit(path).path), path
    audit(page, language, path)


def urls(language, *names_and_args):
    with translation.override(language):
        return [reverse(name, args=args) for name, *args in names_and_args]


def representative_data(compact):
    """A representative of a signed and an unsigned organisation, with invitations."""
    rep = RepresentativeFactory(organisation__name="Föreningen Signerad")
    signed = rep.organisation
    signature = SignatureFactory(organisation=signed, agreement=compact, signed_by=rep.user)
    unsigned = OrganisationFactory(
        name="Stiftelsen Osignerad", verification=Organisation.Verification.UNVERIFIED
    )
    RepresentativeFactory(organisation=unsigned, user=rep.user)
    RepresentativeInvitation.objects.create(
        organisation=signed, email="kollega@example.org", may_sign=False, invited_by=rep.user
    )
    invited_to_other = RepresentativeInvitation.objects.create(
        organisation=OrganisationFactory(), email=rep.user.email, invited_by=rep.user
    )
    return {
        "user": rep.user,
        "signed": signed,
        "unsigned": unsigned,
        "signature": signature,
        "invited_to_other": invited_to_other,
    }


def representative_paths(language, data):
    """Every page a representative reaches (also walked at two widths: test_reflow.py)."""
    signed, unsigned = data["signed"], data["unsigned"]
    return urls(
        language,
        ("organisations:mine",),
        ("organisations:register",),
        ("organisations:dashboard", signed.pk),
        ("organisations:dashboard", unsigned.pk),
        ("organisations:edit", signed.pk),
        ("organisations:representatives", signed.pk),
        ("compact:sign", unsigned.pk),
        ("compact:apply", unsigned.pk),
        ("compact:withdraw", signed.pk, data["signature"].pk),
        ("organisations:accept_invitation", invitation_token(data["invited_to_other"])),
        ("account_email",),
        ("account_change_password",),
        ("account_reauthenticate",),
        ("mfa_index",),
        ("account_email_verification_sent",),
        ("account_reset_password_done",),
        ("account_reset_password_from_key_done",),
        ("account_inactive",),
        ("account_logout",),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_representative_page_passes_axe_with_one_h1(
    page, browser_problems, compact, language
):
    data = representative_data(compact)
    signed = data["signed"]
    stranger = OrganisationFactory(name="Föreningen Främling")

    sign_in(page, language, data["user"].email)

    for path in representative_paths(language, data):
        visit(page, language, path)

    [representatives] = urls(language, ("organisations:representatives", signed.pk))
    visit(page, language, representatives)
    assert page.locator("main").get_by_text("kollega@example.org").count() == 1

    # A form sent back with errors: each error sits by its field, and the page still passes.
    [register] = urls(language, ("organisations:register",))
    page.goto(register)
    page.fill("input[name=organisation_number]", "123456-7890")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_organisation_number.is-invalid").count() == 1
    assert page.locator("#id_name.is-invalid").count() == 1
    audit(page, language, "register with errors")

    # Another organisation's page is refused; an unknown principle is not found.
    [forbidden, missing] = urls(
        language, ("organisations:dashboard", stranger.pk), ("principles:detail", 999999)
    )
    # Chromium logs the error status of the document itself as a console error: expected
    # here, so it is taken off the record; any other problem still fails the test.
    visit(page, language, forbidden, status=403)
    assert "Främling" not in page.content()
    browser_problems.remove(f"console error on {page.url}: {FAILED_TO_LOAD} 403 (Forbidden)")
    visit(page, language, missing, status=404)
    browser_problems.remove(f"console error on {page.url}: {FAILED_TO_LOAD} 404 (Not Found)")


def official_data(compact):
    """An official with a second factor, an organisation to verify, an application to review,
    a withdrawn signature, a published meeting with registrations."""
    official = OfficialFactory()
    TOTP.activate(official, SECRET)
    RecoveryCodes.activate(official)
    unverified = OrganisationFactory(
        name="Föreningen Ny", verification=Organisation.Verification.UNVERIFIED
    )
    RepresentativeFactory(organisation=unverified)
    application = WrittenApplicationFactory(
        organisation__name="Stiftelsen Skriftlig", agreement=compact
    )
    signature = compact.signatures.first()
    signature.organisation.log_action("organisations.organisation.verified", actor=official)
    signature.log_action("compact.signature.withdrawn", actor=official, data={"reason": "Test."})
    meeting = MeetingFactory(title_sv="Dialogforum i Exempelstad", title_en="Dialogue forum")
    RegistrationFactory.create_batch(2, meeting=meeting)
    return {
        "official": official,
        "unverified": unverified,
        "application": application,
        "signature": signature,
        "meeting": meeting,
    }


def official_paths(language, data):
    """Every page an official reaches (also walked at two widths: test_reflow.py)."""
    signature, meeting = data["signature"], data["meeting"]
    return urls(
        language,
        ("backoffice:dashboard",),
        ("backoffice:organisations",),
        ("backoffice:organisation", data["unverified"].pk),
        ("backoffice:organisation", signature.organisation_id),
        ("backoffice:application", data["application"].pk),
        ("backoffice:signatures",),
        ("backoffice:withdraw", signature.pk),
        ("backoffice:log",),
        ("backoffice:meetings",),
        ("backoffice:meeting", meeting.pk),
        ("backoffice:meeting_edit", meeting.pk),
        ("backoffice:meeting_copy", meeting.pk),
        ("backoffice:meeting_cancel", meeting.pk),
        ("backoffice:meeting_invite", meeting.pk),
        ("backoffice:meeting_invitations", meeting.pk),
        ("backoffice:meeting_registrations", meeting.pk),
        ("organisations:dashboard", data["unverified"].pk),
        ("account_email",),
        ("mfa_index",),
        ("mfa_reauthenticate",),
        ("account_reauthenticate",),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_official_page_passes_axe_with_one_h1(page, compact, language):
    # An official without a second factor is sent to set one up, after confirming the
    # password (allauth asks again before any change to the second factor).
    newcomer = OfficialFactory()
    sign_in(page, language, newcomer.email, check=False)
    [dashboard, activate, reauthenticate] = urls(
        language, ("backoffice:dashboard",), ("mfa_activate_totp",), ("account_reauthenticate",)
    )
    visit(page, language, dashboard, lands_on=reauthenticate)
    reauthenticate_with_password(page)
    assert urlsplit(page.url).path == activate
    audit(page, language)
    page.context.clear_cookies()

    data = official_data(compact)
    signature = data["signature"]
    sign_in(page, language, data["official"].email, second_factor=True)

    paths = official_paths(language, data)
    for path in paths:
        visit(page, language, path)

    # Lists filtered by the query string.
    [organisations, signatures] = urls(
        language, ("backoffice:organisations",), ("backoffice:signatures",)
    )
    visit(page, language, organisations + "?q=Ny&verification=unverified&kind=association")
    assert page.locator("main table tbody tr").count() == 1
    assert page.locator("main table").get_by_text("Föreningen Ny").count() == 1
    visit(page, language, signatures + f"?q={signature.organisation.name}&channel=online")
    assert page.locator("main table tbody tr").count() == 1

    page.goto(dashboard)
    assert page.locator("main").get_by_text("Föreningen Ny").count() == 1
    assert page.locator("main").get_by_text("Stiftelsen Skriftlig").count() == 1

    # The second-factor pages behind a fresh confirmation of the password.
    page.goto(reauthenticate)
    reauthenticate_with_password(page)
    for path in urls(
        language,
        ("mfa_view_recovery_codes",),
        ("mfa_generate_recovery_codes",),
        ("mfa_deactivate_totp",),
    ):
        visit(page, language, path)
