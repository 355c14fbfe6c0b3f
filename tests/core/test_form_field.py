"""{% form_field %} renders a filter field as crispy-bootstrap5's |as_crispy_field does."""

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils import translation

from backoffice.filters import OrganisationFilter, SignatureFilter
from compact.filters import SignatoryFilter
from compact.models import Signature
from organisations.models import Organisation

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
OURS = engines["django"].from_string("{% load portal %}{% form_field field %}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset", "queryset", "data"),
    [
        (SignatoryFilter, Signature.objects.all(), None),
        (SignatoryFilter, Signature.objects.all(), {"q": "kör", "kind": "association"}),
        (SignatoryFilter, Signature.objects.all(), {"year": "1800", "area": "nowhere"}),
        (OrganisationFilter, Organisation.objects.all(), {"verification": "verified"}),
        (SignatureFilter, Signature.objects.all(), {"state": "withdrawn", "agreement": "x"}),
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_markup_crispy_gives(compact, filterset, queryset, data, language):
    with translation.override(language):
        for field in filterset(data, queryset=queryset).form:
            ours = OURS.render({"field": field})
            crispy = CRISPY.render({"field": field})
            assert parse_html(ours) == parse_html(crispy), field.name


@pytest.mark.django_db
def test_an_invalid_year_is_shown_as_crispy_shows_it(compact):
    field = SignatoryFilter({"year": "1800"}, queryset=Signature.objects.all()).form["year"]
    assert field.errors
    html = OURS.render({"field": field})
    assert "is-invalid" in html
    assert 'class="invalid-feedback"' in html
