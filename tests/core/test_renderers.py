"""core.renderers.PortalFormRenderer writes a <select> exactly as Django's templates do."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from backoffice.filters import OrganisationFilter, SignatureFilter
from compact.filters import SignatoryFilter
from compact.models import Signature
from core.renderers import PortalFormRenderer
from organisations.models import ActivityArea, Organisation

DJANGO = DjangoTemplates()
OURS = PortalFormRenderer()


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A & a"), ("b", 'B "quoted"'), ("<c>", "<c>")])
    optional = forms.ChoiceField(required=False, choices=[("", "—"), ("1", "one")])
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z"), ("Group 2", [("w", "W")])]
    )
    lazy = forms.ChoiceField(choices=[("sv", gettext_lazy("Swedish")), ("en", "English")])
    safe = forms.ChoiceField(choices=[(mark_safe("<b>"), mark_safe("<b>bold</b>"))])
    numbers = forms.TypedChoiceField(coerce=int, choices=[(1, 1), (2, 2.5)])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    yes_no = forms.NullBooleanField()
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True)
    styled = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"class": "x<y", "data-on": True, "data-off": False}),
    )
    area = forms.ModelChoiceField(queryset=ActivityArea.objects.all(), required=False)
    areas = forms.ModelMultipleChoiceField(queryset=ActivityArea.objects.all(), required=False)


def _render(field, renderer):
    widget = field.field.widget
    return widget.render(
        field.html_name, field.value(), attrs={"id": field.auto_id}, renderer=renderer
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "<c>", "grouped": "y", "many": ["a", "c"], "yes_no": "true", "numbers": "2"},
        {"plain": "nonsense", "optional": "", "lazy": "en", "yes_no": "false"},
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_same_markup_as_djangos_templates(data, language):
    ActivityArea.objects.create(name="Idrott & hälsa", slug="idrott")
    ActivityArea.objects.create(name='Kultur "fri"', slug="kultur")
    with translation.override(language):
        for field in Everything(data):
            assert _render(field, OURS) == _render(field, DJANGO), field.name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset", "queryset", "data"),
    [
        (SignatoryFilter, Signature.objects.all(), {"q": "kör", "kind": "association"}),
        (OrganisationFilter, Organisation.objects.all(), {"verification": "verified"}),
        (SignatureFilter, Signature.objects.all(), {"state": "withdrawn"}),
    ],
)
def test_the_portals_filters_the_same(compact, filterset, queryset, data):
    for field in filterset(data, queryset=queryset).form:
        assert _render(field, OURS) == _render(field, DJANGO), field.name


def test_a_select_is_written_without_templates(monkeypatch):
    """The renderer does not ask the templates for a plain select (else it would save nothing)."""

    def no_templates(*args, **kwargs):
        raise AssertionError("rendered by a template")

    monkeypatch.setattr(DjangoTemplates, "render", no_templates)
    field = Everything({"plain": "a"})["plain"]
    html = field.field.widget.render("plain", "a", renderer=OURS)
    assert '<option value="a" selected>A &amp; a</option>' in html


def test_the_portal_renders_forms_with_it():
    assert isinstance(Everything().renderer, PortalFormRenderer)
