"""The Redis cache keeps one client per connection pool; sessions are read from the cache."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache import RedisCache
from tests.factories import UserFactory


def test_one_redis_client_per_pool_serves_every_call():
    cache = caches["public_version"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client("any key", write=True) is client
    cache.set("core-cache-test", {"kept": 1}, 10)
    assert cache.get("core-cache-test") == {"kept": 1}
    cache.delete("core-cache-test")
    assert cache.get("core-cache-test") is None
    assert cache._cache.get_client(write=True) is client


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_without_a_query(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("organisations:mine"))  # the session is in the cache from here on
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("organisations:mine"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert not [q for q in queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_signing_out_ends_the_session_in_the_cache_too(client):
    client.force_login(UserFactory())
    session_key = client.session.session_key
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = session_key  # the old cookie, replayed
    response = client.get(reverse("organisations:mine"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_with_the_cache_unreachable_a_signed_in_person_still_gets_their_pages(client, settings):
    user = UserFactory()
    client.force_login(user)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    for name in ("organisations:mine", "core:join"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert response.wsgi_request.user == user
