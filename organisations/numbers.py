"""Swedish organisation numbers: NNNNNN-NNNN, the last digit a Luhn check digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-–—+]")
_DIGITS = re.compile(r"[0-9]{10}|[0-9]{12}")  # ASCII digits only


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_organisation_number(raw: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise ValidationError with a clear message."""
    digits = _SEPARATORS.sub("", raw or "")
    if not _DIGITS.fullmatch(digits):
        raise ValidationError(
            _("Enter the organisation number as ten digits, NNNNNN-NNNN."), code="format"
        )
    if len(digits) == 12:  # a 16-prefixed form, e.g. 16802400-1234
        digits = digits[2:]
    if not luhn_valid(digits):
        raise ValidationError(
            _("This organisation number is not valid: its check digit does not match."),
            code="checksum",
        )
    return f"{digits[:6]}-{digits[6:]}"


def with_check_digit(nine_digits: str) -> str:
    """Complete nine digits with their Luhn check digit (for demo data and tests)."""
    for check in "0123456789":
        if luhn_valid(nine_digits + check):
            return f"{nine_digits[:6]}-{nine_digits[6:]}{check}"
    raise AssertionError("unreachable")
