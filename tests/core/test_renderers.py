"""core.renderers.PortalFormRenderer writes a <select>, a <textarea> and an <input> exactly as
Django's templates do."""

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


class Inputs(forms.Form):
    """A textarea and the inputs Django renders with input.html."""

    text = forms.CharField(max_length=20, help_text="A <help> text")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": '"q"'}))
    words = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    fixed = forms.CharField(widget=forms.Textarea, disabled=True, initial="<b>fast</b> & så")
    number = forms.IntegerField(required=False, min_value=0)
    decimal = forms.DecimalField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(required=False)
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    agree = forms.BooleanField(required=False)
    attachment = forms.FileField(required=False, widget=forms.FileInput)
    styled = forms.CharField(
        widget=forms.TextInput(attrs={"class": "x<y", "data-on": True, "data-off": False})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'A "quoted" <text> & more',
            "words": "Rad ett\nrad <två> & tre\n",
            "number": "12",
            "decimal": "1.5",
            "email": "någon@example.org",
            "url": "https://example.org/?a=1&b=<2>",
            "secret": "hemligt",
            "hidden": "<x>",
            "day": "2025-03-04",
            "moment": "2025-03-04 10:11",
            "hour": "10:11",
            "agree": "on",
            "styled": "s",
        },
        {"text": "", "words": "", "number": "x", "day": "not a day", "agree": ""},
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_textareas_and_inputs_the_same_as_djangos_templates(data, language):
    with translation.override(language):
        for field in Inputs(data):
            assert _render(field, OURS) == _render(field, DJANGO), field.name
            # As a form renders it: with aria-describedby, aria-invalid, required, disabled.
            attrs = field.build_widget_attrs({"id": field.auto_id})
            ours, django = (
                field.field.widget.render(field.html_name, field.value(), attrs, renderer)
                for renderer in (OURS, DJANGO)
            )
            assert ours == django, field.name


def test_a_textarea_and_an_input_are_written_without_templates(monkeypatch):
    def no_templates(*args, **kwargs):
        raise AssertionError("rendered by a template")

    monkeypatch.setattr(DjangoTemplates, "render", no_templates)
    form = Inputs({"words": "<script>", "text": "<b>", "agree": "on"})
    assert str(form["words"]).endswith(">\n&lt;script&gt;</textarea>")
    assert 'value="&lt;b&gt;"' in str(form["text"])
    assert 'type="checkbox"' in str(form["agree"]) and " checked" in str(form["agree"])


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
