"""What a person sees and does (issue 8, "The look") in a real Chromium: the compact header
on a phone with account and language in the menu, the signatory filters folded behind
"Filtrera" on a phone, the error summary that takes the focus, and the signatory count that
stays in the page and is updated while htmx swaps the list."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.test_signed_in_pages import sign_in
from tests.factories import OrganisationFactory, RepresentativeFactory, SignatureFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 800}


def test_on_a_phone_the_header_is_compact_and_the_menu_holds_account_and_language(page, compact):
    page.set_viewport_size(PHONE)
    page.goto("/sv/")

    assert page.locator("header").bounding_box()["height"] < 100  # was 202 px
    account = page.get_by_role("navigation", name="Konto")
    expect(account).to_be_hidden()

    page.get_by_role("button", name="Meny").click()

    expect(account.get_by_role("link", name="Logga in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Språk").get_by_role("link")).to_be_visible()
    expect(page.get_by_role("button", name="Meny")).to_have_attribute("aria-expanded", "true")
    assert_no_axe_violations(page)


def test_the_main_navigation_marks_the_current_page(page, compact):
    page.goto("/sv/signatories/")

    main_nav = page.get_by_role("navigation", name="Huvudmeny")
    current = main_nav.get_by_role("list").first.locator("[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Undertecknare")


def test_on_a_phone_the_signatory_filters_fold_behind_filtrera(page, compact):
    page.set_viewport_size(PHONE)
    page.goto("/sv/signatories/")
    search = page.locator("input[name=q]")
    expect(search).to_be_hidden()

    page.get_by_text("Filtrera", exact=True).click()

    expect(search).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/sv/signatories/")
    expect(search).to_be_visible()  # always open on a wide screen
    expect(page.get_by_text("Filtrera", exact=True)).to_be_hidden()


def test_the_signatory_count_stays_a_status_and_is_updated_as_one_types(page, compact):
    SignatureFactory(organisation=OrganisationFactory(name="Kören Stämman"), agreement=compact)
    page.goto("/sv/signatories/")
    count = page.locator("#result-count")
    expect(count).to_have_text("4 organisationer")
    count.evaluate("element => { element.dataset.original = 'yes' }")

    page.fill("input[name=q]", "Stämman")

    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(count).to_have_text("1 organisation")
    # The same element, so a screen reader announces the change of its text.
    assert count.evaluate("element => element.dataset.original") == "yes"
    assert count.get_attribute("role") == "status"
    assert count.evaluate("element => !element.closest('#results')")

    page.fill("input[name=q]", "ingen sådan förening")

    expect(count).to_have_text("0 organisationer")
    expect(page.locator("#results").get_by_role("link", name=re.compile("CSV"))).to_have_count(0)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_form_sent_back_moves_the_focus_to_its_error_summary(page, db, language):
    rep = RepresentativeFactory()
    sign_in(page, language, rep.user.email)
    with translation.override(language):
        page.goto(reverse("organisations:register"))

    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Fel: " if language == "sv" else "Error: ")
    summary.locator('a[href="#id_name"]').click()
    expect(page.locator("#id_name")).to_be_focused()
    assert_no_axe_violations(page)
