"""Assertions for browser tests."""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.1 level A and AA: what the Swedish DOS law requires.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def assert_no_axe_violations(page):
    """Run axe-core on the page as it is now; fail with a readable report of each violation."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"axe on {page.url}:\n{results.generate_report()}"
