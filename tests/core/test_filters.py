"""The portal's FilterSet builds its form class once, and each form is still its own: the
labels in the language of the request, a model choice's options read afresh."""

import pytest
from django.utils import translation

from backoffice.filters import SignatureFilter
from compact.filters import SignatoryFilter
from tests.factories import ActivityAreaFactory


def test_the_form_class_is_built_once_per_filter_set():
    assert SignatureFilter().get_form_class() is SignatureFilter().get_form_class()
    assert SignatoryFilter().get_form_class() is not SignatureFilter().get_form_class()
    first, second = SignatureFilter().form, SignatureFilter().form
    assert first.fields["channel"] is not second.fields["channel"]  # each form's own copy


@pytest.mark.django_db
def test_labels_follow_the_language_and_options_are_read_afresh():
    with translation.override("sv"):
        swedish = str(SignatoryFilter().form)
    with translation.override("en"):
        english = str(SignatoryFilter().form)
    assert "Alla anslutningssätt" in swedish and "All channels" not in swedish
    assert "All channels" in english and "Alla anslutningssätt" not in english
    assert "Name, Z to A" in english and "Name, A to Z" in english
    for language, label in (("en", "Agreement"), ("sv", "Överenskommelse"), ("en", "Agreement")):
        with translation.override(language):  # a label made from a model field's name
            assert SignatureFilter().form["agreement"].label == label
    area = ActivityAreaFactory()
    assert f'value="{area.slug}"' in str(SignatoryFilter().form["area"])


@pytest.mark.django_db
def test_model_choices_are_read_in_one_query_without_a_server_side_cursor():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgreementFactory

    (
        AgreementFactory(version_label="1.0", status="superseded"),
        AgreementFactory(version_label="2.0"),
    )
    field = SignatureFilter().form["agreement"]
    with CaptureQueriesContext(connection) as queries:
        html = str(field)
    # The data version (none: this test's transaction has written), then the one query.
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "SELECT"]
    assert "core_dataversion" in queries[0]["sql"] and "compact_agreement" in queries[1]["sql"]
    assert html.count("<option") == 3 and "(1.0)" in html and "(2.0)" in html
    areas = SignatoryFilter().form["area"]
    ActivityAreaFactory(), ActivityAreaFactory()
    assert str(areas).count("<option") == 3  # "All areas" and the two
