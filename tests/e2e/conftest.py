"""The browser-test harness: a headless Chromium driven by Playwright against the
Django live server (pytest-django's ``live_server``, which makes the test transactional).

Fixtures:
    browser        – one Chromium for the whole session.
    page           – a fresh browser context and page for one test, its base URL the live
                     server (``page.goto("/sv/")``), Swedish as the browser's language.
                     It records console errors, page errors and CSP violations, and the
                     test fails at teardown if any were reported.
    browser_problems – that record (a list of strings), for a test that wants to look.

A failing test leaves a full-page screenshot in test-artifacts/<test name>.png.

Helpers in tests/e2e/helpers.py: ``assert_no_axe_violations(page)``.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls
# from the test thread ("You cannot call this from an async context") without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Runs in every document before the page's own scripts: reports each CSP violation.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
    + ` (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""


def pytest_collection_modifyitems(items):
    e2e_dir = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(e2e_dir):
            item.add_marker(pytest.mark.e2e)


ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure-services.sh`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_problems():
    return []


@pytest.fixture
def page(request, browser, live_server, browser_problems):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.expose_binding(
        "reportCspViolation",
        lambda source, text: browser_problems.append(
            f"CSP violation on {source['page'].url}: {text}"
        ),
    )
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda message: _record_console_error(page, message, browser_problems))
    page.on(
        "pageerror", lambda error: browser_problems.append(f"page error on {page.url}: {error}")
    )
    yield page
    if getattr(request.node, "e2e_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    context.close()
    assert browser_problems == [], "The browser reported problems:\n" + "\n".join(browser_problems)


def _record_console_error(page, message, problems):
    # The portal has no favicon: the browser's own request for one is not the page's fault.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        problems.append(f"console error on {page.url}: {message.text}")
