"""Swedish organisation numbers (NNNNNN-NNNN, a Luhn check digit), checked by python-stdnum.

The model field normalises and validates, so every path that saves an organisation (the
registration form, the Django admin, a script calling ``full_clean``) refuses an invalid
number with the same message.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as InvalidNumber
from stdnum.se import orgnr

_SEPARATORS = re.compile(r"[\s\-–—+.]")


def normalise_organisation_number(raw: str) -> str:
    """Return the number as NNNNNN-NNNN, or raise ValidationError with a clear message."""
    digits = _SEPARATORS.sub("", raw or "")
    if not digits.isascii():  # stdnum would read other scripts' digits as ASCII ones
        digits = "x"
    if len(digits) == 12 and digits.startswith("16"):  # the 16-prefixed form, 16802400-1234
        digits = digits[2:]
    try:
        return orgnr.format(orgnr.validate(digits))
    except InvalidChecksum as error:
        raise ValidationError(
            _("This organisation number is not valid: its check digit does not match."),
            code="checksum",
        ) from error
    except InvalidNumber as error:
        raise ValidationError(
            _("Enter the organisation number as ten digits, NNNNNN-NNNN."), code="format"
        ) from error


class OrganisationNumberField(models.CharField):
    """Stored as NNNNNN-NNNN; anything typed is normalised or refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_organisation_number(value) if value else value


def with_check_digit(nine_digits: str) -> str:
    """Complete nine digits with their Luhn check digit (for demo data and tests)."""
    number = nine_digits + luhn.calc_check_digit(nine_digits)
    return orgnr.format(number)
