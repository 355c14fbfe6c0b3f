"""{% form_field %} renders a field as crispy-bootstrap5's |as_crispy_field does."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateSyntaxError, engines
from django.test import override_settings
from django.test.html import parse_html
from django.utils import translation

from backoffice.filters import OrganisationFilter, SignatureFilter
from compact.filters import SignatoryFilter
from compact.models import Signature
from core.templatetags import portal
from organisations.models import Organisation
from tests.factories import AgreementFactory, agreement_in_force

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


class ChecksAndFiles(forms.Form):
    # Help text without markup: crispy marks it safe, {% form_field %} escapes it.
    agree = forms.BooleanField(label="I <agree>", help_text="Tick it")
    optional = forms.BooleanField(required=False, label="Optional & free")
    styled = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"class": "x<y", "data-on": True})
    )
    document = forms.FileField(label="A <document>", help_text="A PDF, nothing else")
    picture = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": "image/*"}))


def _same_as_crispy(form):
    for field in form:
        ours = OURS.render({"field": field})
        crispy = CRISPY.render({"field": field})
        assert parse_html(ours) == parse_html(crispy), field.name


@pytest.mark.parametrize(
    ("data", "files"),
    [
        (None, None),
        ({}, {}),  # required ones missing: errors
        (
            {"agree": "on", "optional": "on", "styled": "on"},
            {"document": SimpleUploadedFile("a.pdf", b"%PDF-1.4")},
        ),
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_checks_and_files_as_crispy_lays_them_out(data, files, language):
    with translation.override(language):
        _same_as_crispy(ChecksAndFiles(data, files))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_follow_up_record_form_as_crispy_lays_it_out(language):
    """Each field of an entry's form (principles.forms.EntryForm), with and without errors."""
    from principles.forms import EntryForm

    class Entry:
        pk, status, account, links = 7, "done", "Vi <gjorde> & mer", "https://example.org"

    with translation.override(language):
        _same_as_crispy(EntryForm.for_entry(Entry))
        posted = EntryForm.for_entry(
            Entry,
            {"entry-7-status": "nonsense", "entry-7-links": "not a link", "entry-7-account": "x"},
            {"entry-7-attachment": SimpleUploadedFile("a.txt", b"just text")},
        )
        assert set(posted.errors) == {"status", "links", "attachment"}
        _same_as_crispy(posted)


def test_a_file_field_showing_its_current_file_is_crispys():
    class Current(forms.Form):
        document = forms.FileField(required=False)

    class Stored:
        url, name = "/media/a.pdf", "a.pdf"

        def __str__(self):
            return self.name

    field = Current(initial={"document": Stored()})["document"]
    html = OURS.render({"field": field})
    assert parse_html(html) == parse_html(CRISPY.render({"field": field}))
    assert 'href="/media/a.pdf"' in html


def test_checks_and_files_are_written_without_crispys_templates(monkeypatch):
    from crispy_forms.templatetags import crispy_forms_filters

    def no_crispy(*args, **kwargs):
        raise AssertionError("laid out by crispy")

    monkeypatch.setattr(crispy_forms_filters, "as_crispy_field", no_crispy)

    class Escaped(ChecksAndFiles):
        agree = forms.BooleanField(label="I <agree>", help_text="Tick <it>")
        document = forms.FileField(label="A <document>", help_text="A PDF & <nothing> else")

    form = Escaped({}, {})
    check, file = OURS.render({"field": form["agree"]}), OURS.render({"field": form["document"]})
    assert "I &lt;agree&gt;" in check and "Tick &lt;it&gt;" in check and "is-invalid" in check
    assert "A &lt;document&gt;" in file and "A PDF &amp; &lt;nothing&gt; else" in file
    assert '<div class="is-invalid"><input type="file"' in file


LOOP = engines["django"].from_string(
    "{% load portal %}{% for field in form %}<div>{% form_field field %}</div>{% endfor %}"
)
KEPT = engines["django"].from_string("{% load portal %}{% filter_fields filter %}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"state": "withdrawn"},
        {"agreement": "x", "channel": "nowhere", "q": "<b>kör</b>"},  # invalid: errors shown
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
@override_settings(DEBUG=False, KEPT_QUERIES_CHECK=False)  # kept, as in production
def test_filter_fields_are_the_fields_rendered_and_kept_by_what_they_show(data, language):
    portal._filter_fields_memo.clear()
    agreement_in_force()
    with translation.override(language):

        def both():
            kept = KEPT.render({"filter": SignatureFilter(data, queryset=Signature.objects.all())})
            form = SignatureFilter(data, queryset=Signature.objects.all()).form
            return LOOP.render({"form": form}), kept

        loop, kept = both()
        assert kept == loop
        assert both()[1] == loop  # kept, as rendered
        added = AgreementFactory(version_label="9.9", status="superseded")
        loop, kept = both()  # a new choice: rendered anew, not the kept form
        assert kept == loop
        assert f'value="{added.pk}"' in kept
        assert len(portal._filter_fields_memo) == 2  # a form per set of choices


@pytest.mark.django_db
@override_settings(DEBUG=False, KEPT_QUERIES_CHECK=False)
def test_filter_fields_kept_apart_by_language_and_prefix():
    portal._filter_fields_memo.clear()
    with translation.override("sv"):
        swedish = KEPT.render({"filter": OrganisationFilter(None)})
    with translation.override("en"):
        english = KEPT.render({"filter": OrganisationFilter(None)})
        prefixed = KEPT.render({"filter": OrganisationFilter(None, prefix="other")})
    assert "Alla typer" in swedish
    assert "All kinds" in english and "All kinds" not in swedish
    assert 'name="other-kind"' in prefixed and 'name="kind"' in english


@pytest.mark.django_db
def test_filter_fields_checked_in_the_tests(monkeypatch):
    portal._filter_fields_memo.clear()
    with override_settings(DEBUG=False):
        KEPT.render({"filter": OrganisationFilter(None)})
        key = next(iter(portal._filter_fields_memo))
        portal._filter_fields_memo[key] = "<div>something else</div>"  # as if kept wrongly
        with pytest.raises(TemplateSyntaxError, match="otherwise than kept"):
            KEPT.render({"filter": OrganisationFilter(None)})


@pytest.mark.django_db
@override_settings(DEBUG=False, KEPT_QUERIES_CHECK=False)
def test_filter_fields_kept_apart_by_their_values():
    portal._filter_fields_memo.clear()
    first = KEPT.render({"filter": OrganisationFilter({"kind": "association"})})
    second = KEPT.render({"filter": OrganisationFilter({"kind": "foundation"})})
    assert 'value="association" selected' in first
    assert 'value="foundation" selected' in second
    assert len(portal._filter_fields_memo) == 2


@pytest.mark.django_db
@override_settings(DEBUG=False, KEPT_QUERIES_CHECK=False)
def test_filter_fields_kept_build_no_form():
    portal._filter_fields_memo.clear()
    first, second = (
        OrganisationFilter({"kind": "association"}),
        OrganisationFilter({"kind": "association"}),
    )
    assert KEPT.render({"filter": first}) == KEPT.render({"filter": second})
    assert hasattr(first, "_form")  # rendered: its form built
    assert not hasattr(second, "_form")  # kept: read from the form class's fields
