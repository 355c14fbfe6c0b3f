"""Reflow (WCAG 1.4.10): no page scrolls sideways on a phone (375 CSS pixels) or a desktop
(1280), for every role: the public, a representative, an official. The pages are the
ones the axe tests walk (their lists are reused, not copied). A wide table scrolls inside
its own labelled, focusable region instead of the page."""

import pytest

from tests.e2e.test_meeting_pages import make_meetings, public_meeting_paths
from tests.e2e.test_public_pages import public_paths
from tests.e2e.test_signed_in_pages import (
    official_data,
    official_paths,
    representative_data,
    representative_paths,
    sign_in,
)
from tests.factories import SignatureFactory, build_compact

pytestmark = pytest.mark.e2e

WIDTHS = [375, 1280]
# Where something is wider than the page: the elements that stick out, for the message.
_SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""
_SCROLL_REGIONS = """() => [...document.querySelectorAll("main *")]
  .filter((e) => e.scrollWidth > e.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
  .map((e) => ({tabindex: e.getAttribute("tabindex"), label: e.getAttribute("aria-label") || e.getAttribute("aria-labelledby"), cls: e.className}))"""


@pytest.fixture
def compact(transactional_db):
    return build_compact()


def assert_no_sideways_scroll(page, paths, width):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        sticking_out = page.evaluate(_SIDEWAYS)
        assert sticking_out == [], f"{path} scrolls sideways at {width} px: {sticking_out}"
        # What does scroll sideways, inside the page, is a region a keyboard reaches and a
        # screen reader names.
        for region in page.evaluate(_SCROLL_REGIONS):
            assert region["tabindex"] == "0" and region["label"], f"{path}: {region}"


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_do_not_scroll_sideways(browser, live_server, compact, width):
    meetings = make_meetings()
    # Long names are what push a narrow page wide.
    SignatureFactory(
        agreement=compact,
        organisation__name="Riksföreningen för kulturhistoriska byggnadsminnesmärkens bevarande",
        organisation__postal_town="Stora Skedvi-Gustafsbergsbyn",
    )
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    assert_no_sideways_scroll(
        page, public_paths(compact, "sv") + public_meeting_paths("sv", meetings), width
    )
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_representative_pages_do_not_scroll_sideways(browser, live_server, compact, width):
    data = representative_data(compact)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    sign_in(page, "sv", data["user"].email)
    assert_no_sideways_scroll(page, representative_paths("sv", data), width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_official_pages_do_not_scroll_sideways(browser, live_server, compact, width):
    data = official_data(compact)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    sign_in(page, "sv", data["official"].email, second_factor=True)
    assert_no_sideways_scroll(page, official_paths("sv", data), width)
    context.close()
