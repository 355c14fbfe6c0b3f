"""The public pages in a real Chromium: WCAG 2.1 AA by axe, one h1, keyboard, CSP."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from principles.models import Party
from tests.e2e.helpers import assert_no_axe_violations

pytestmark = pytest.mark.e2e

LANGUAGES = ["sv", "en"]


def public_paths(agreement, language):
    with translation.override(language):
        return [
            reverse("compact:home"),
            reverse("principles:list"),
            *(reverse("principles:detail", args=[p.pk]) for p in agreement.principles.all()),
            *(reverse("principles:party", args=[party]) for party in Party.values),
            reverse("principles:development_areas"),
            reverse("compact:signatories"),
            reverse("compact:signatories") + "?kind=association&sort=-date&year=abc",
            reverse("organisations:profile", args=[agreement.signatures.first().organisation_id]),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("core:accessibility"),
            reverse("core:join"),
        ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_passes_axe_with_one_h1(page, compact, language):
    paths = public_paths(compact, language)
    assert len(paths) == 21  # 7 principles, 3 parties, 11 other pages

    for path in paths:
        response = page.goto(path)

        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language, path
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_send_a_strict_content_security_policy(page, compact, language):
    for path in public_paths(compact, language):
        policy = page.goto(path).headers.get("content-security-policy", "")

        # Scripts from our own files only; a nonce where a page has an inline one (htmx's
        # loader): none at all on most pages, the strictest policy.
        assert re.search(r"script-src 'self'( 'nonce-[\w+/=-]+')?;", policy), path
        assert "style-src 'self';" in policy, path
        assert "unsafe-inline" not in policy, path
    # Any CSP violation or console error on the way fails the test (the page fixture).


def test_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(page, compact):
    page.goto("/sv/principles/")

    page.keyboard.press("Tab")

    skip_link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip_link.get_attribute("href") == "#main"
    box = skip_link.bounding_box()
    assert box is not None and box["y"] >= 0  # visible once focused

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_keyboard_user_can_switch_language(page, compact):
    page.goto("/sv/principles/")

    page.locator('a[hreflang="en"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/principles/")

    assert page.locator("html").get_attribute("lang") == "en"
    first = compact.principles.order_by("position").first()
    assert page.locator("h2").first.inner_text() == first.title_en


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_errors_are_tied_to_their_fields(page, db, language):
    with translation.override(language):
        page.goto(reverse("account_signup"))
    # Valid to the browser's own check, not to the server's (a domain needs a dot).
    page.get_by_role("textbox", name="e-post" if language == "sv" else "email").fill("someone@x")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("other")

    page.locator("main form button[type=submit]").click()

    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().strip() != ""
    assert page.locator("#id_password1").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)


def test_failed_sign_in_explains_itself_accessibly(page, compact):
    page.goto("/sv/accounts/login/")
    page.get_by_label("E-postadress").fill("nobody@example.org")
    page.get_by_label("Lösenord").fill("wrong")

    page.get_by_role("button", name="Logga in").click()

    # Said in the summary at the top of the form (which takes the focus), and in the form.
    summary = page.locator("main .error-summary")
    expect(summary).to_contain_text("E-postadressen och/eller lösenordet")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Fel: "))
    assert_no_axe_violations(page)


def test_signatory_search_updates_the_list_as_one_types(page, compact):
    from tests.factories import OrganisationFactory, SignatureFactory

    SignatureFactory(organisation=OrganisationFactory(name="Kören Stämman"), agreement=compact)
    page.goto("/sv/signatories/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(4)
    page.fill("input[name=q]", "Stämman")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kören Stämman")
    expect(page).to_have_url(re.compile(r"/sv/signatories/\?.*q=St"))
    page.select_option("select[name=sort]", "-date")
    expect(page).to_have_url(re.compile(r"sort=-date"))
    expect(rows).to_have_count(1)
    assert_no_axe_violations(page)
