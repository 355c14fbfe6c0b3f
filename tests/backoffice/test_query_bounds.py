"""Signed-in pages read a bounded number of rows, however much data there is."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    WrittenApplicationFactory,
    build_compact,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def grow(count):
    for _ in range(count):
        organisation = OrganisationFactory(verification="unverified")
        RepresentativeFactory(organisation=organisation)
        SignatureFactory(organisation=organisation)
        WrittenApplicationFactory(organisation=OrganisationFactory())


@pytest.mark.parametrize(
    "url_name",
    [
        "backoffice:dashboard",
        "backoffice:organisations",
        "backoffice:signatures",
        "backoffice:log",
    ],
)
def test_officials_pages_are_bounded(client, django_assert_max_num_queries, url_name):
    build_compact()
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    with translation.override("sv"):
        url = reverse(url_name)
    # 10 reads at most; the dashboard reads one more, the version in force (its due dates).
    bound = 11 if url_name == "backoffice:dashboard" else 10
    grow(3)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    grow(30)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_organisation_dashboard_is_bounded(client, django_assert_max_num_queries):
    agreement = build_compact()
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    url = reverse("organisations:dashboard", args=[rep.organisation.pk])
    SignatureFactory(organisation=rep.organisation, agreement=agreement)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    for _ in range(10):
        WrittenApplicationFactory(organisation=rep.organisation)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
