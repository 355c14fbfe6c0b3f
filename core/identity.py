"""The portal's identity: whose service it is (the public party's name, a link to it and its
logo), the compact's contact, and the colour palette, all from settings (PORTAL_IDENTITY,
each value overridable from the environment).

The palette reaches the pages as CSS custom properties served by ``identity_css`` (a small
stylesheet, cached by the browser under a URL that changes with the palette), which
static/css/portal.css maps onto Bootstrap's own variables: one design, kept in a few files.

A palette whose text would be hard to read is refused at start-up (``check_palette``, a
Django system check): WCAG 2.1 AA asks 4.5:1 for text.
"""

import hashlib
import re
from functools import cache

from django.conf import settings
from django.core import checks
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from core.access import public

MIN_TEXT_CONTRAST = 4.5  # WCAG 2.1 AA, 1.4.3
# The palette static/css/portal.css starts from: with it, no identity.css is needed (one
# render-blocking request fewer).
DEFAULT_PALETTE = {"primary": "#00587a", "on_primary": "#ffffff", "surface": "#eef4f7"}
BODY_TEXT = "#1d2226"  # the text colour of static/css/portal.css
WHITE = "#ffffff"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# Which colours must read against which, and what the pair is used for.
_PAIRS = (
    ("on_primary", "primary", "text on the primary colour (the header, buttons)"),
    ("primary", "white", "links and outlined buttons on white"),
    ("primary", "surface", "links on the light surface (the footer, panels)"),
    ("body", "surface", "text on the light surface"),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #rrggbb colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def palette_problems(palette: dict) -> list[str]:
    """What is wrong with a palette, in words an administrator can act on; empty if fine."""
    problems = []
    for key in ("primary", "on_primary", "surface"):
        value = palette.get(key, "")
        if not _HEX.fullmatch(value or ""):
            problems.append(f"PORTAL_IDENTITY['palette']['{key}'] is {value!r}, not #rrggbb.")
    if problems:
        return problems
    colours = {**palette, "white": WHITE, "body": BODY_TEXT}
    for fore, back, use in _PAIRS:
        ratio = contrast_ratio(colours[fore], colours[back])
        if ratio < MIN_TEXT_CONTRAST:
            problems.append(
                f"{fore} {colours[fore]} on {back} {colours[back]} ({use}) has a contrast of "
                f"{ratio:.2f}:1; WCAG 2.1 AA asks at least {MIN_TEXT_CONTRAST}:1."
            )
    return problems


def identity() -> dict:
    return settings.PORTAL_IDENTITY


@checks.register()
def check_palette(app_configs=None, **kwargs):
    """System check: refuse to start with a palette whose text is hard to read."""
    return [
        checks.Error(
            problem,
            hint="Choose a darker primary colour, or a lighter surface (PORTAL_PRIMARY, "
            "PORTAL_ON_PRIMARY, PORTAL_SURFACE in the environment).",
            id="core.E010",
        )
        for problem in palette_problems(identity()["palette"])
    ]


@cache
def _stylesheet(primary: str, on_primary: str, surface: str) -> tuple[bytes, str]:
    r, g, b = (int(primary[i : i + 2], 16) for i in (1, 3, 5))
    css = (
        ":root{"
        f"--portal-primary:{primary};"
        f"--portal-primary-rgb:{r},{g},{b};"
        f"--portal-on-primary:{on_primary};"
        f"--portal-surface:{surface}"
        "}\n"
    ).encode()
    return css, hashlib.sha256(css).hexdigest()[:12]


def stylesheet() -> tuple[bytes, str]:
    """The palette as CSS custom properties, and a version of it for the URL."""
    palette = identity()["palette"]
    return _stylesheet(palette["primary"], palette["on_primary"], palette["surface"])


@public
@require_GET
def identity_css(request):
    css, version = stylesheet()
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The URL carries the version (base.html): a new palette is a new URL.
    if request.GET.get("v") == version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response


def context(request):
    """Template context: ``identity`` (PORTAL_IDENTITY), and the palette stylesheet's version
    when the palette is not portal.css's own (else no stylesheet is linked)."""
    palette = {key: value.lower() for key, value in identity()["palette"].items()}
    version = None if palette == DEFAULT_PALETTE else stylesheet()[1]
    return {"identity": identity(), "identity_css_version": version}
