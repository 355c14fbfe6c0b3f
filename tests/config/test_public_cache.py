"""The public page cache serves anonymous visitors, and never a page older than the data."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import OrganisationFactory, RepresentativeFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    caches["public_pages"].clear()
    with translation.override("sv"):
        yield


def listed(response):
    return response.content.decode()


def test_second_anonymous_view_is_served_from_the_cache(client, compact):
    url = reverse("compact:signatories")
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    # Only the request's own transaction (ATOMIC_REQUESTS): no data is read.
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == []
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_new_signature_shows_at_once(client, compact):
    url = reverse("compact:signatories")
    client.get(url)
    organisation = OrganisationFactory(name="Nyss undertecknad förening")
    SignatureFactory(organisation=organisation)
    assert "Nyss undertecknad förening" in listed(client.get(url))


def test_a_withdrawal_and_a_verification_show_at_once(client, compact):
    signature = SignatureFactory(organisation=OrganisationFactory(name="Förening Ett"))
    url = reverse("compact:signatories")
    assert "Förening Ett" in listed(client.get(url))
    signature.withdrawn_at = timezone.now()
    signature.save()
    assert "Förening Ett" not in listed(client.get(url))

    waiting = OrganisationFactory(name="Förening Två", verification="unverified")
    SignatureFactory(organisation=waiting)
    assert "Förening Två" not in listed(client.get(url))
    waiting.verification = "verified"
    waiting.save()
    assert "Förening Två" in listed(client.get(url))


def test_principle_edits_show_at_once(client, compact):
    principle = compact.principles.first()
    url = reverse("principles:detail", args=[principle.pk])
    client.get(url)
    principle.title_sv = "Ny rubrik för principen"
    principle.save()
    assert "Ny rubrik för principen" in client.get(url).content.decode()


def test_csv_is_cached_whole_and_invalidated(client, compact):
    url = reverse("compact:signatories_csv")
    body = client.get(url).content  # rendered, streamed, and kept whole for the cache
    second = client.get(url)
    assert second.content == body
    assert second["Content-Disposition"] == 'attachment; filename="signatories.csv"'
    SignatureFactory(organisation=OrganisationFactory(name="CSV-föreningen"))
    assert "CSV-föreningen" in client.get(url).content.decode("utf-8-sig")


def test_signed_in_visitors_get_a_fresh_page(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.get(reverse("compact:home"))
    assert rep.user.email in response.content.decode()
    client.logout()
    assert rep.user.email not in client.get(reverse("compact:home")).content.decode()


def test_languages_are_cached_apart(client, compact):
    sv = client.get("/sv/principles/").content.decode()
    en = client.get("/en/principles/").content.decode()
    assert 'lang="sv"' in sv
    assert 'lang="en"' in en


def test_without_redis_pages_are_rendered_and_changes_still_saved(client, compact, settings):
    settings.CACHES = {
        **settings.CACHES,
        "public_version": {
            **settings.CACHES["public_version"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    url = reverse("compact:signatories")
    assert client.get(url).status_code == 200
    SignatureFactory(organisation=OrganisationFactory(name="Utan Redis-föreningen"))
    assert "Utan Redis-föreningen" in client.get(url).content.decode()


def test_the_version_is_kept_in_redis(compact):
    from core.public_cache import VERSION_KEY, bump_content_version, content_version

    assert "RedisCache" in caches["public_version"].__class__.__name__
    before = content_version()
    bump_content_version()
    after = content_version()
    assert before != after
    assert caches["public_version"].get(VERSION_KEY) == after


def test_a_redis_that_lost_its_version_does_not_bring_old_pages_back(client, compact, settings):
    from core.public_cache import VERSION_KEY

    url = reverse("compact:signatories")
    client.get(url)  # cached under the current version
    caches["public_version"].delete(VERSION_KEY)  # as after a restart
    SignatureFactory(organisation=OrganisationFactory(name="Efter omstart-föreningen"))
    caches["public_version"].delete(VERSION_KEY)
    assert "Efter omstart-föreningen" in client.get(url).content.decode()
