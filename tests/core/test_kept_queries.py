"""Kept queries: the SQL compiled once per key, language and thread; the rows read afresh on
every call; a query that depends on more than its key caught by the test settings' check."""

import threading

import pytest
from django.db.models import Count
from django.test import override_settings
from django.test.client import RequestFactory
from django.utils import translation

from backoffice.views import SignatureList
from compact.models import Agreement, Signature
from core import kept_queries
from core.kept_queries import KeptQueryChanged, kept_rows
from core.views import _kept_count
from organisations.models import Organisation
from tests.factories import OrganisationFactory, SignatureFactory


@pytest.fixture(autouse=True)
def _forget():
    kept_queries.forget_kept_queries()
    yield
    kept_queries.forget_kept_queries()


def _counting(build):
    calls = []

    def counted():
        calls.append(1)
        return build()

    return counted, calls


@pytest.mark.django_db
@override_settings(KEPT_QUERIES_CHECK=False)
def test_built_and_compiled_once_and_the_rows_read_afresh(django_assert_num_queries):
    OrganisationFactory(name="Alfa")
    build, calls = _counting(lambda: Organisation.objects.order_by("name"))
    assert [o.name for o in kept_rows("test.names", build)] == ["Alfa"]
    OrganisationFactory(name="Beta")
    with django_assert_num_queries(1):
        assert [o.name for o in kept_rows("test.names", build)] == ["Alfa", "Beta"]
    assert len(calls) == 1


@pytest.mark.django_db
@override_settings(KEPT_QUERIES_CHECK=False)
def test_kept_per_key_and_per_language():
    OrganisationFactory(name="Alfa")
    build, calls = _counting(lambda: Organisation.objects.all())
    with translation.override("sv"):
        kept_rows("test.a", build)
        kept_rows("test.b", build)
        with translation.override("en"):
            kept_rows("test.a", build)
        kept_rows("test.a", build)
    assert len(calls) == 3


@pytest.mark.django_db
@override_settings(KEPT_QUERIES_CHECK=False)
def test_kept_per_thread():
    build, calls = _counting(lambda: Organisation.objects.all())
    kept_rows("test.thread", build)
    thread = threading.Thread(target=kept_rows, args=("test.thread", build))
    thread.start()
    thread.join()
    assert len(calls) == 2  # the other thread compiled its own, for its own connection


@pytest.mark.django_db
@override_settings(KEPT_QUERIES_CHECK=False)
def test_values_select_related_and_annotations_as_the_orm_gives_them():
    signature = SignatureFactory()
    for build in (
        lambda: Signature.objects.select_related("organisation", "agreement"),
        lambda: Signature.objects.values("pk", "organisation__name"),
        lambda: Organisation.objects.annotate(signed=Count("signatures")).order_by("pk"),
    ):
        kept_rows("test.shape", build)  # kept
        kept = kept_rows("test.shape", build)
        assert [_plain(row) for row in kept] == [_plain(row) for row in build()]
        kept_queries.forget_kept_queries()
    kept = kept_rows("test.related", lambda: Signature.objects.select_related("organisation"))
    assert kept[0].organisation.name == signature.organisation.name


def _plain(row):
    if isinstance(row, dict):
        return row
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    return {**values, **{name: getattr(row, name) for name in ("signed",) if hasattr(row, name)}}


@pytest.mark.django_db
def test_a_query_depending_on_more_than_its_key_fails_the_check():
    first, second = OrganisationFactory(), OrganisationFactory()
    wanted = [first]
    build = lambda: Organisation.objects.filter(pk=wanted[0].pk)  # noqa: E731
    kept_rows("test.one", build)
    wanted[0] = second  # what the query reads changed, its key did not
    with pytest.raises(KeptQueryChanged):
        kept_rows("test.one", build)


@pytest.mark.django_db
def test_an_empty_query_and_a_related_managers_query():
    assert kept_rows("test.empty", lambda: Organisation.objects.filter(pk__in=[])) == []
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="related"):
        kept_rows("test.related", lambda: organisation.signatures.all())


@pytest.mark.django_db
def test_bounded_per_thread():
    for number in range(kept_queries.KEPT_PER_THREAD + 5):
        kept_rows(("test.many", number), lambda: Organisation.objects.all())
    assert len(kept_queries._kept()) == kept_queries.KEPT_PER_THREAD


@pytest.mark.django_db
def test_a_kept_count_is_the_orms():
    signed = OrganisationFactory(name="Föreningen Ett")
    SignatureFactory(organisation=signed)
    SignatureFactory(organisation=OrganisationFactory(name="Två"))
    for queryset in (
        Signature.objects.all(),
        Signature.objects.filter(organisation__name__icontains="ett"),
        Signature.objects.filter(organisation__name__icontains="ingen"),
        Signature.objects.order_by("-signed_at"),
        Organisation.objects.filter(signatures__isnull=False).distinct(),
    ):
        assert _kept_count(("test.count", str(queryset.query)), queryset) == queryset.count()


@pytest.mark.django_db
def test_a_lists_key_names_its_filters():
    agreement = SignatureFactory().agreement

    def key(query):
        view = SignatureList()
        view.setup(RequestFactory().get("/", query))
        view.filterset = view.get_filterset(view.get_filterset_class())
        return view._list_key()

    assert key({}) == ("backoffice.signatures",)
    keyed = dict(key({"agreement": agreement.pk, "q": "ett", "page": "2"})[1])
    assert keyed["agreement"] == (Agreement._meta.label, agreement.pk)
    assert keyed["q"] == "ett"
    assert "page" not in keyed  # the page's bounds are the rows' key, not the filters'
    # A value the form refuses filters nothing (strict = False), and is not in the key.
    assert "agreement" not in dict(key({"agreement": "999999"})[1])
