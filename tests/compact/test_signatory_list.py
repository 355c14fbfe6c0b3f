import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from compact.models import Signature
from organisations.models import Organisation
from organisations.numbers import with_check_digit
from tests.factories import (
    ActivityAreaFactory,
    AgreementFactory,
    OrganisationFactory,
    SignatureFactory,
    build_compact,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def listed_names(response):
    return [s.organisation.name for s in response.context["page_obj"].object_list]


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def signatories(compact):
    Signature.objects.all().delete()  # start from a known list (the fixture's own removed)
    sport = ActivityAreaFactory(slug="sport")
    alpha = OrganisationFactory(name="Alfa idrott", kind="association", postal_town="Järna")
    alpha.activity_areas.add(sport)
    beta = OrganisationFactory(name="Beta stiftelse", kind="foundation", postal_town="Hölö")
    gamma = OrganisationFactory(name="Gamma kyrka", kind="faith_community")
    SignatureFactory(
        organisation=alpha, signed_at=timezone.make_aware(datetime.datetime(2024, 6, 10, 12))
    )
    SignatureFactory(
        organisation=beta,
        channel="forum",
        signed_at=timezone.make_aware(datetime.datetime(2025, 3, 1, 12)),
    )
    SignatureFactory(
        organisation=gamma, signed_at=timezone.make_aware(datetime.datetime(2025, 9, 1, 12))
    )
    # Not listed: withdrawn, unverified, or on a superseded version.
    SignatureFactory(organisation=OrganisationFactory(name="Delta"), withdrawn_at=timezone.now())
    SignatureFactory(organisation=OrganisationFactory(name="Epsilon", verification="unverified"))
    old = AgreementFactory(status="superseded", version_label="2019")
    SignatureFactory(organisation=OrganisationFactory(name="Zeta"), agreement=old)
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


def test_list_shows_exactly_the_effective_public_signatures(client, signatories):
    response = client.get(reverse("compact:signatories"))
    assert listed_names(response) == ["Alfa idrott", "Beta stiftelse", "Gamma kyrka"]
    assert response.context["page_obj"].paginator.count == 3
    body = response.content.decode()
    assert "3 organisations" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "stift"}, ["Beta stiftelse"]),
        ({"kind": "faith_community"}, ["Gamma kyrka"]),
        ({"area": "sport"}, ["Alfa idrott"]),
        ({"channel": "forum"}, ["Beta stiftelse"]),
        ({"year": "2025"}, ["Beta stiftelse", "Gamma kyrka"]),
        ({"sort": "-date"}, ["Gamma kyrka", "Beta stiftelse", "Alfa idrott"]),
        ({"sort": "-name"}, ["Gamma kyrka", "Beta stiftelse", "Alfa idrott"]),
        ({"q": "stift", "year": "2024"}, []),
    ],
)
def test_list_filters_and_csv_agree(client, signatories, query, expected):
    response = client.get(reverse("compact:signatories"), query)
    assert listed_names(response) == expected
    rows = csv_rows(client.get(reverse("compact:signatories_csv"), query))
    assert rows[0] == ["Organisation", "Kind", "Postal town", "Date signed", "Channel"]
    assert [row[0] for row in rows[1:]] == expected


def test_csv_has_the_columns_the_list_shows(client, signatories):
    rows = csv_rows(client.get(reverse("compact:signatories_csv"), {"q": "Alfa"}))
    assert rows[1] == ["Alfa idrott", "Association", "Järna", "2024-06-10", "Online"]


@pytest.mark.parametrize(
    "query", [{"kind": "sect"}, {"year": "abc"}, {"sort": "password"}, {"area": "nowhere"}]
)
def test_list_bad_filter_input_shows_an_error_not_a_crash(client, signatories, query):
    response = client.get(reverse("compact:signatories"), query)
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert client.get(reverse("compact:signatories_csv"), query).status_code == 200


def test_list_is_paginated(client, compact):
    SignatureFactory.create_batch(60)
    first = client.get(reverse("compact:signatories"))
    second = client.get(reverse("compact:signatories"), {"page": 2})
    total = Signature.objects.public().count()
    assert len(first.context["page_obj"].object_list) == 50
    assert len(second.context["page_obj"].object_list) == total - 50
    assert client.get(reverse("compact:signatories"), {"page": "zzz"}).status_code == 200


def bulk_signatories(agreement, count, start=0):
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Förening {start + n:05d}",
            organisation_number=with_check_digit(f"80{start + n:07d}"),
            kind="association",
            contact_name="Kontakt",
            contact_email=f"c{start + n}@example.org",
            verification="verified",
        )
        for n in range(count)
    )
    Signature.objects.bulk_create(
        Signature(
            organisation=organisation,
            agreement=agreement,
            channel="online",
            signer_name="Namn",
            signer_role="Ordförande",
        )
        for organisation in organisations
    )
    return organisations


@pytest.mark.parametrize(
    "url_name", ["compact:signatories", "compact:signatories_csv", "organisations:profile"]
)
def test_signatory_pages_queries_do_not_grow_with_5000_organisations(
    client, django_assert_max_num_queries, url_name
):
    agreement = build_compact()
    organisations = bulk_signatories(agreement, 50)

    def load():
        args = [organisations[0].pk] if url_name == "organisations:profile" else []
        response = client.get(reverse(url_name, args=args), {"kind": "association"})
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    with django_assert_max_num_queries(8):
        load()
    bulk_signatories(agreement, 4950, start=50)
    assert Signature.objects.public().count() >= 5000
    with django_assert_max_num_queries(8):
        load()


@pytest.mark.parametrize("year", ["0", "10000", "-5", "1e30", "2024.5"])
def test_list_out_of_range_year_is_an_error_not_a_crash(client, signatories, year):
    response = client.get(reverse("compact:signatories"), {"year": year})
    assert response.status_code == 200
    assert "year" in response.context["filter"].form.errors
    csv_response = client.get(reverse("compact:signatories_csv"), {"year": year})
    assert csv_response.status_code == 200
    b"".join(csv_response.streaming_content)


def test_csv_cells_cannot_run_as_formulas(client, compact):
    SignatureFactory(
        organisation=OrganisationFactory(
            name='=HYPERLINK("http://evil.example","x")', postal_town="+46 town"
        )
    )
    rows = csv_rows(client.get(reverse("compact:signatories_csv"), {"q": "HYPERLINK"}))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][2] == "'+46 town"
