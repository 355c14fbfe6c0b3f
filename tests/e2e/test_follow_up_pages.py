"""The yearly follow-up's pages in a real Chromium, in Swedish and English: the public's
(a year, by party, the comparison, the list), the officials' (list, overview, a
principle's record form, the plan, the organisations' accounts) and the representative's,
each WCAG 2.1 AA by axe with one h1 and no CSP violation; and the record form used with
the keyboard: an entry recorded, the overview's count goes down."""

import pytest
from django.urls import reverse
from django.utils import translation

from principles.followups import account_submit
from principles.models import FollowUp, Party
from tests.e2e.test_signed_in_pages import FAILED_TO_LOAD, audit, sign_in, visit
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    SignatureFactory,
    build_compact,
    build_follow_up,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ["sv", "en"]


@pytest.fixture
def world(transactional_db):
    agreement = build_compact()
    official = OfficialFactory(totp=True)
    build_follow_up(agreement, 2024, official=official)
    build_follow_up(agreement, 2025, official=official)
    draft = build_follow_up(agreement, 2026, official=official, publish=False, status="")
    representative = RepresentativeFactory()
    SignatureFactory(organisation=representative.organisation, agreement=agreement)
    account_submit(
        actor=representative.user,
        organisation=representative.organisation,
        entry=draft.commitment_entries.filter(commitment__party=Party.SECTOR).first(),
        text="Vi höll tre öppna möten om samverkan.",
    )
    return {
        "agreement": agreement,
        "official": official,
        "draft": draft,
        "published": FollowUp.objects.get(year=2025),
        "representative": representative,
    }


def reverse_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_follow_up_pages_pass_axe(world, page, language):
    paths = [
        reverse_in(language, "principles:follow_ups"),
        reverse_in(language, "principles:follow_up", 2025),
        *(reverse_in(language, "principles:follow_up_party", 2025, p) for p in Party.values),
        reverse_in(language, "principles:follow_up_compare"),
        reverse_in(language, "principles:follow_up_compare") + "?from=2025&to=2024",
    ]
    for path in paths:
        visit(page, language, path)
    # The chart: an image with its name and description, the figures in a table beside it.
    page.goto(reverse_in(language, "principles:follow_up", 2025))
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert chart.locator("#chart-title").text_content()
    assert page.locator("figure table th[scope=row]").count() == len(Party) + 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_officials_follow_up_pages_pass_axe(world, page, language):
    draft = world["draft"]
    principle = world["agreement"].principles.order_by("position").first()
    sign_in(page, language, world["official"].email, second_factor=True)
    for path in [
        reverse_in(language, "backoffice:follow_ups"),
        reverse_in(language, "backoffice:follow_up", draft.pk),
        reverse_in(language, "backoffice:follow_up_record", draft.pk, principle.pk),
        reverse_in(language, "backoffice:follow_up_plan", draft.pk),
        reverse_in(language, "backoffice:follow_up_accounts", draft.pk),
        reverse_in(language, "backoffice:follow_up", world["published"].pk),
    ]:
        visit(page, language, path)


def test_an_official_records_a_principle_with_the_keyboard(world, page, browser_problems):
    draft = world["draft"]
    principle = world["agreement"].principles.order_by("position").first()
    entries = list(draft.commitment_entries.filter(commitment__principle=principle))
    sign_in(page, "en", world["official"].email, second_factor=True)
    page.goto(reverse_in("en", "backoffice:follow_up_record", draft.pk, principle.pk))

    first = entries[0]
    page.locator(f"#id_entry-{first.pk}-status").select_option("done")
    page.locator(f"#id_entry-{first.pk}-account").fill("Två möten hölls.")
    page.locator(f"#id_entry-{first.pk}-links").fill("inte en länk")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    audit(page, "en")  # the errors, shown next to their fields
    assert page.get_by_text("Nothing was saved").is_visible()
    # The form sent back with its errors answers 400, which the browser reports.
    browser_problems[:] = [p for p in browser_problems if FAILED_TO_LOAD not in p]

    page.locator(f"#id_entry-{first.pk}-links").fill("https://example.org/protokoll")
    page.locator(f"#id_entry-{first.pk}-links").press("Tab")
    page.get_by_role("button", name="Save").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first.refresh_from_db()
    assert first.status == "done" and first.link_list == ["https://example.org/protokoll"]
    audit(page, "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_representatives_account_page_passes_axe(world, page, language):
    representative = world["representative"]
    sign_in(page, language, representative.user.email)
    visit(
        page,
        language,
        reverse_in(language, "principles:follow_up_account", representative.organisation.pk),
    )
