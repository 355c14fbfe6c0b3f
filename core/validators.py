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
                "This text holds line breaks, tabs or invisible control characters, which are "
                "not allowed. Type it again on one line: pasted text can carry characters you "
                "cannot see."
            ),
            code="control_characters",
        )


def plain_email_address(value) -> None:
    """Refuse an e-mail address that a mail program would show as something else: one with
    control or invisible characters, or with a quoted local part ("a b"@example.org, which
    Django's EmailValidator accepts with control characters inside the quotes)."""
    if not value:
        return
    no_control_characters(value)
    local_part = str(value).rpartition("@")[0]
    if '"' in local_part or "\\" in local_part:
        raise ValidationError(
            _("Enter the e-mail address without quotation marks or backslashes."),
            code="quoted_local_part",
        )
