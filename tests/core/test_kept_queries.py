"""Kept queries: the SQL compiled once per key, language, thread and shape of the ids; each
call's ids in their places; the rows read afresh on every call; a query that depends on
more than its key and ids caught by the test settings' check. Most tests run as production
does (KEPT_QUERIES_CHECK off) and count the ORM's compilations."""

import queue
import threading

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler
from django.test import override_settings
from django.test.client import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.views import SignatureList
from compact.models import Agreement, Signature
from core import kept_queries
from core.kept_queries import KeptQueryChanged, kept_rows
from core.views import _kept_count
from organisations.models import Organisation
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db
production = override_settings(KEPT_QUERIES_CHECK=False)


@pytest.fixture(autouse=True)
def _forget():
    kept_queries.forget_kept_queries()
    yield
    kept_queries.forget_kept_queries()


@pytest.fixture
def compilations(monkeypatch):
    """How many times the ORM compiled a query to SQL (Django's SQLCompiler.as_sql)."""
    calls = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(1)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return calls


def _names(rows):
    return [row.name for row in rows]


@production
def test_compiled_once_and_the_rows_read_afresh(compilations, django_assert_num_queries):
    OrganisationFactory(name="Alfa")
    build = lambda: Organisation.objects.order_by("name")  # noqa: E731
    assert _names(kept_rows("test.names", build)) == ["Alfa"]
    OrganisationFactory(name="Beta")
    compiled = len(compilations)
    with django_assert_num_queries(1):
        assert _names(kept_rows("test.names", build)) == ["Alfa", "Beta"]
    assert len(compilations) == compiled  # run again, not compiled again


@production
def test_each_calls_ids_in_their_places(compilations):
    alfa, beta = OrganisationFactory(name="Alfa"), OrganisationFactory(name="Beta")
    build = lambda pk: Organisation.objects.filter(pk=pk)  # noqa: E731
    assert _names(kept_rows("test.one", build, alfa.pk)) == ["Alfa"]
    compiled = len(compilations)
    assert _names(kept_rows("test.one", build, beta.pk)) == ["Beta"]
    assert _names(kept_rows("test.one", build, alfa.pk + beta.pk + 10)) == []
    assert len(compilations) == compiled
    several = lambda pks, pk: Organisation.objects.filter(pk__in=pks).exclude(pk=pk)  # noqa: E731
    rows = kept_rows("test.several", several, (alfa.pk, beta.pk), beta.pk)
    assert _names(rows) == ["Alfa"]
    assert _names(kept_rows("test.several", several, (beta.pk, alfa.pk), alfa.pk)) == ["Beta"]
    with pytest.raises(ValueError, match="distinct"):  # the ORM would drop one
        kept_rows("test.several", several, (beta.pk, beta.pk), alfa.pk)


@production
def test_an_id_must_be_a_parameter_of_its_own():
    with pytest.raises(TypeError):
        kept_rows("test.text", lambda pk: Organisation.objects.filter(pk=pk), "1")
    with pytest.raises(ValueError, match="parameter"):  # used, but not as a parameter
        kept_rows("test.slice", lambda pk: Organisation.objects.all()[:pk], 3)


@production
def test_kept_per_key_language_and_shape(compilations):
    OrganisationFactory(name="Alfa")
    build = lambda: Organisation.objects.all()  # noqa: E731
    with translation.override("sv"):
        kept_rows("test.a", build)
        kept_rows("test.b", build)
        with translation.override("en"):
            kept_rows("test.a", build)
        kept_rows("test.a", build)
    assert len(compilations) == 3
    in_ = lambda pks: Organisation.objects.filter(pk__in=pks)  # noqa: E731
    kept_rows("test.in", in_, (1, 2))
    kept_rows("test.in", in_, (1, 2, 3))  # another shape: its own query
    assert len(compilations) == 5


@production
def test_kept_per_time_zone(compilations):
    build = lambda: Organisation.objects.all()  # noqa: E731
    with timezone.override("Europe/Stockholm"):
        kept_rows("test.zone", build)
    with timezone.override("UTC"):
        kept_rows("test.zone", build)
    assert len(compilations) == 2


@production
def test_forgotten_in_every_thread(compilations):
    """A setting changed in one thread (a test) forgets the queries another keeps (the
    live server's thread of the browser tests)."""
    build = lambda: Organisation.objects.all()  # noqa: E731
    asked, done = queue.Queue(), queue.Queue()

    def server():
        while asked.get():
            kept_rows("test.forget", build)
            done.put(True)
        connection.close()

    thread = threading.Thread(target=server)
    thread.start()
    asked.put(True), done.get()
    asked.put(True), done.get()
    assert len(compilations) == 1  # kept in that thread
    kept_queries.forget_kept_queries()  # from this one
    asked.put(True), done.get()
    asked.put(False)
    thread.join()
    assert len(compilations) == 2


@production
def test_kept_per_thread(compilations):
    build = lambda: Organisation.objects.all()  # noqa: E731
    kept_rows("test.thread", build)
    thread = threading.Thread(target=kept_rows, args=("test.thread", build))
    thread.start()
    thread.join()
    assert len(compilations) == 2  # the other thread compiled its own, for its connection


@production
def test_the_least_recently_used_forgotten_first(monkeypatch):
    monkeypatch.setattr(kept_queries, "KEPT_PER_THREAD", 3)
    build = lambda: Organisation.objects.all()  # noqa: E731
    for name in ("a", "b", "c"):
        kept_rows(name, build)
    kept_rows("a", build)  # used again: now the most recent
    kept_rows("d", build)
    assert [key[0] for key in kept_queries._kept()] == ["c", "a", "d"]


@production
def test_values_select_related_and_annotations_as_the_orm_gives_them():
    signature = SignatureFactory()
    for build in (
        lambda: Signature.objects.select_related("organisation", "agreement"),
        lambda: Signature.objects.values("pk", "organisation__name"),
        lambda: Organisation.objects.annotate(signed=Count("signatures")).order_by("pk"),
    ):
        kept_rows("test.shape", build)
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


def test_a_query_depending_on_more_than_its_key_fails_the_check():
    first, second = OrganisationFactory(), OrganisationFactory()
    wanted = [first]
    build = lambda: Organisation.objects.filter(pk=wanted[0].pk)  # noqa: E731
    kept_rows("test.one", build)
    wanted[0] = second  # what the query reads changed, its key did not
    with pytest.raises(KeptQueryChanged):
        kept_rows("test.one", build)
    nothing = [False]
    build = lambda: Organisation.objects.none() if nothing[0] else Organisation.objects.all()  # noqa: E731
    kept_rows("test.some", build)
    nothing[0] = True  # now a query of nothing: not the kept one either
    with pytest.raises(KeptQueryChanged):
        kept_rows("test.some", build)


def test_an_empty_query_and_a_related_managers_query():
    assert kept_rows("test.empty", lambda: Organisation.objects.filter(pk__in=[])) == []
    assert kept_rows("test.none", lambda pks: Organisation.objects.filter(pk__in=pks), ()) == []
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="related"):
        kept_rows("test.related", lambda: organisation.signatures.all())


def test_a_kept_count_is_the_orms():
    signed = OrganisationFactory(name="Föreningen Ett")
    SignatureFactory(organisation=signed, withdrawn_at=timezone.now())
    SignatureFactory(organisation=signed)
    SignatureFactory(organisation=OrganisationFactory(name="Två"))
    OrganisationFactory(name="Tre")
    for number, queryset in enumerate(
        [
            Signature.objects.all(),
            Signature.objects.filter(organisation__name__icontains="ett"),
            Signature.objects.filter(organisation__name__icontains="ingen"),
            Signature.objects.order_by("-signed_at"),
            Signature.objects.none(),
            Organisation.objects.filter(signatures__isnull=False).distinct(),
            Organisation.objects.annotate(n=Count("signatures")).filter(n__gte=1),
            Organisation.objects.values("kind").annotate(n=Count("pk")),
        ]
    ):
        assert _kept_count(("test.count", number), queryset) == queryset.count()


def _list_key(query, view_class=SignatureList, **kwargs):
    view = view_class()
    view.setup(RequestFactory().get("/", query), **kwargs)
    view.filterset = view.get_filterset(view.get_filterset_class())
    return view._list_key()


def test_a_lists_key_names_its_filters_and_the_urls_arguments():
    agreement = SignatureFactory().agreement
    assert _list_key({}) == ("backoffice.signatures", (), ())
    keyed = dict(_list_key({"agreement": agreement.pk, "q": "ett", "page": "2"})[3])
    assert keyed["agreement"] == (Agreement._meta.label, agreement.pk)
    assert keyed["q"] == "ett"
    assert "page" not in keyed  # the page's bounds are the rows' key, not the filters'
    # A value the form refuses filters nothing (strict = False), and is not in the key.
    assert "agreement" not in dict(_list_key({"agreement": "999999"})[3])
    assert _list_key({}, pk=7)[2] == (("pk", 7),)

    class Strict(SignatureList):
        strict = True

    # A strict list of an invalid filter lists nothing: not kept as the unfiltered list.
    assert _list_key({"agreement": "999999"}, view_class=Strict) is None


@pytest.fixture
def official_client(client):
    sign_in_with_second_factor(client, OfficialFactory(totp=True))
    return client


@production
def test_the_officials_lists_read_afresh(official_client):
    SignatureFactory(organisation=OrganisationFactory(name="Alfa"))
    url = reverse("backoffice:signatures")
    assert b"Alfa" in official_client.get(url).content
    SignatureFactory(organisation=OrganisationFactory(name="Beta"))
    response = official_client.get(url)
    assert b"Alfa" in response.content and b"Beta" in response.content
    assert response.context["page_obj"].paginator.count == 2
    filtered = official_client.get(url, {"q": "Beta"})
    assert filtered.context["page_obj"].paginator.count == 1
    assert b"Alfa" not in filtered.content.split(b"<tbody>")[1]


@production
def test_each_representative_sees_their_own_organisation(client):
    first, second = RepresentativeFactory(), RepresentativeFactory()
    for representative in (first, second, first):
        client.force_login(representative.user)
        organisation = representative.organisation
        url = reverse("organisations:dashboard", kwargs={"organisation_pk": organisation.pk})
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["organisation"] == organisation
    other = second.organisation.pk
    url = reverse("organisations:dashboard", kwargs={"organisation_pk": other})
    assert client.get(url).status_code == 403  # first's user, second's organisation
