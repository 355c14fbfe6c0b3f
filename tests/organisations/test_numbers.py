import pytest
from django.core.exceptions import ValidationError
from stdnum.se import orgnr

from organisations.numbers import normalise_organisation_number, with_check_digit


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("802002-4538", "802002-4538"),
        ("8020024538", "802002-4538"),
        (" 802002 4538 ", "802002-4538"),
        ("16802002-4538", "802002-4538"),
    ],
)
def test_organisation_number_normalised_whatever_is_typed(typed, normalised):
    assert normalise_organisation_number(typed) == normalised


@pytest.mark.parametrize("typed", ["", "80200-4538", "802002-453", "80200A-4538", "802002-45381"])
def test_organisation_number_with_wrong_format_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_organisation_number(typed)
    assert error.value.code == "format"


def test_organisation_number_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        normalise_organisation_number("802002-4539")
    assert error.value.code == "checksum"


def test_with_check_digit_completes_a_valid_number():
    number = with_check_digit("556036079")
    assert number == "556036-0793"
    assert orgnr.is_valid(number)


@pytest.mark.parametrize("typed", ["²²²²²²-²²²²", "８０２００２-４５３８", "٨٠٢٠٠٢٤٥٣٨"])
def test_organisation_number_in_other_digits_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_organisation_number(typed)
    assert error.value.code == "format"
