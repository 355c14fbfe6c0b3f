"""Issue 8's journeys in Chromium, in Swedish and English: a newcomer signs up, confirms the
address and lands on "what next", then registers the organisation; an invited colleague opens
the invitation's link, signs up from there, confirms, comes back to the invitation and
accepts. Every page on the way passes axe (WCAG 2.1 AA), with one h1 and the page's language."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from organisations.models import Organisation, Representative, RepresentativeInvitation
from organisations.tasks import send_representative_invitation
from tests.e2e.helpers import assert_no_axe_violations
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-Password-2026"
LANGUAGES = ["sv", "en"]


def url(language, name, *args, **kwargs):
    with translation.override(language):
        return reverse(name, args=args, kwargs=kwargs)


def audit(page, language):
    assert page.locator("html").get_attribute("lang") == language, page.url
    assert page.locator("h1").count() == 1, page.url
    assert_no_axe_violations(page)


def submit(page):
    page.locator("main form").first.locator("button[type=submit]").first.click()
    page.wait_for_load_state()


def path_of(page):
    return urlsplit(page.url).path


def sign_up_and_confirm(page, email):
    """Fill in allauth's sign-up form (already open), then open the confirmation link of the
    e-mail in the same browser and press its button."""
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page)
    body = mail.outbox[-1].body
    assert body.startswith(("Hej från", "Hello from")), body[:40]
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    page.goto(confirm)
    submit(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_confirm_what_next_and_register(page, transactional_db, language):
    page.goto(url(language, "account_signup"))
    audit(page, language)
    sign_up_and_confirm(page, "ordforande@example.org")

    # What next: not the home page.
    assert path_of(page) == url(language, "organisations:start")
    audit(page, language)
    heading = {"sv": "Välkommen! Vad gör du nu?", "en": "Welcome! What next?"}[language]
    assert page.locator("h1").inner_text() == heading
    register = {"sv": "Registrera en organisation", "en": "Register an organisation"}[language]
    page.locator("main").get_by_role("link", name=register).click()
    page.wait_for_load_state()
    assert path_of(page) == url(language, "organisations:register")
    audit(page, language)

    page.fill("input[name=name]", "Föreningen Solrosen")
    page.fill("input[name=organisation_number]", "802002-4538")
    page.select_option("select[name=kind]", "association")
    page.fill("input[name=postal_town]", "Exempelstad")
    page.fill("input[name=contact_name]", "Robin Ros")
    page.fill("input[name=contact_email]", "robin@example.org")
    submit(page)
    organisation = Organisation.objects.get(name="Föreningen Solrosen")
    assert path_of(page) == url(language, "organisations:dashboard", organisation.pk)
    audit(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_invited_sign_up_confirm_back_to_the_invitation_and_accept(
    page, transactional_db, language
):
    inviter = RepresentativeFactory(
        organisation__name="Föreningen Lärkan", user__email="kim@example.org"
    )
    invitation = RepresentativeInvitation.objects.create(
        organisation=inviter.organisation,
        email="kollega@example.org",
        may_sign=True,
        invited_by=inviter.user,
    )
    send_representative_invitation(invitation.pk, language)
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    invitation_path = urlsplit(link).path

    # The link, signed out: the sign-in page, from which the newcomer goes to sign up.
    page.goto(invitation_path)
    assert path_of(page) == url(language, "account_login")
    sign_up_link = {"sv": "Skapa ett konto", "en": "sign up"}[language]
    page.locator("main").get_by_role("link", name=sign_up_link).first.click()
    page.wait_for_load_state()
    assert path_of(page) == url(language, "account_signup")
    audit(page, language)
    sign_up_and_confirm(page, "kollega@example.org")

    # Back at the invitation, which names the organisation and who invited.
    assert path_of(page) == invitation_path
    audit(page, language)
    main = page.locator("main").inner_text()
    assert "Föreningen Lärkan" in main
    assert "kim@example.org" in main
    accept = {"sv": "Tacka ja", "en": "Accept"}[language]
    page.locator("main").get_by_role("button", name=accept).click()
    page.wait_for_load_state()
    assert path_of(page) == url(language, "organisations:dashboard", inviter.organisation.pk)
    audit(page, language)
    assert Representative.objects.filter(
        organisation=inviter.organisation, user__email="kollega@example.org", may_sign=True
    ).exists()
