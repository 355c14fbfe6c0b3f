"""Validators shared by every app's fields."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (Cc: NUL … US, DEL, C1, so CR, LF and TAB), format characters (Cf:
# bidirectional overrides and isolates, zero-width characters, the soft hyphen …) and
# the Unicode line and paragraph separators. None belongs in a one-line text, and each
# can make one text look like another: a line break in a name becomes a new paragraph in
# an e-mail, a right-to-left override turns "gpj.exe" around.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def no_control_characters(value) -> None:
    """Refuse a one-line text that holds control, format or line-separator characters."""
    if value and any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in str(value)):
        raise ValidationError(
            _(
                "Remove the line breaks, tabs and invisible control characters from this text: "
                "it must be one line of visible characters."
            ),
            code="control_characters",
        )
