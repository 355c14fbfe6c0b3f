"""Screenshots of the portal for docs/screenshots/: the home page, the signatory list, a
representative's dashboard and the sign page, each at a phone's width (375 px) and a
desktop's (1280 px), in Swedish.

Run it against the quick start (`make run`, which loads the demo data) in another terminal:

    .venv/bin/python scripts/screenshots.py                  # http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8001 --out /tmp/shots

It signs in as the demo representative (rep@example.org, whose choir has not signed yet) and
needs Chromium at /usr/bin/chromium (`bash scripts/ensure-services.sh` installs it).
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}
DEMO_REPRESENTATIVE = ("rep@example.org", "demo-portal-2026")


def sign_in(page, base):
    page.goto(f"{base}/sv/accounts/login/")
    page.fill("input[name=login]", DEMO_REPRESENTATIVE[0])
    page.fill("input[name=password]", DEMO_REPRESENTATIVE[1])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.base.rstrip("/")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for name, (width, height) in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="sv-SE", device_scale_factor=1
            )
            page = context.new_page()
            for shot, path in (("home", "/sv/"), ("signatories", "/sv/signatories/")):
                page.goto(base + path)
                page.screenshot(path=args.out / f"{shot}-{name}.png")
            sign_in(page, base)
            page.goto(f"{base}/sv/my-organisations/")
            dashboard = page.locator("main a[href*='/manage/']").first.get_attribute("href")
            page.goto(base + dashboard)
            page.screenshot(path=args.out / f"dashboard-{name}.png")
            page.goto(base + dashboard.replace("/manage/", "/sign/"))
            page.screenshot(path=args.out / f"sign-{name}.png")
            context.close()
        browser.close()
    print(f"Screenshots in {args.out}")


if __name__ == "__main__":
    main()
