"""allauth's limit on failed logins holds in total, whichever process serves the attempt:
production counts in Redis, per client address as the proxy in front reports it."""

import ipaddress
import json
import random

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.db import connection

from tests.config.test_deploy import PRODUCTION_ENV, python

# One gunicorn worker, as a script: failed logins from the given client addresses, each with
# a new e-mail address (so only the limit per address applies), through the proxy in front
# (X-Forwarded-Proto, and X-Forwarded-For with the client's claim first and the address the
# proxy saw appended). Prints whether each attempt was refused for too many failures.
WORKER = """
import json, sys, uuid
import django
django.setup()
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

with translation.override("en"):
    login = reverse("account_login")
refused = []
# Beside the point here: the image's static files manifest (a checkout need not have one),
# and the slow password hash that an attempt for an unknown address runs too.
storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(
    STORAGES={**django.conf.settings.STORAGES, **storages},
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
):
    for address in json.loads(sys.argv[1]):
        response = Client().post(
            login,
            {"login": f"nobody-{uuid.uuid4().hex}@example.org", "password": "wrong"},
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"192.0.2.{uuid.uuid4().int % 250 + 1}, {address}",
            },
        )
        assert response.status_code == 200, response.status_code
        refused.append(b"Too many failed login attempts" in response.content)
print(json.dumps(refused))
"""


def worker_process(addresses):
    """A separate process with production settings, on the test database and Redis."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    result = python(
        "-c",
        WORKER,
        json.dumps(addresses),
        **{
            **PRODUCTION_ENV,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": (
                f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
        },
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db
def test_failed_logins_are_limited_in_total_across_processes():
    (per_address,) = [
        rate
        for rate in parse_rates(account_settings.RATE_LIMITS["login_failed"])
        if rate.per == "ip"
    ]
    limit = per_address.amount
    # Addresses of this run only: other runs may share the Redis.
    visitor, neighbour = (
        str(ipaddress.IPv4Address((10 << 24) + random.getrandbits(24))) for _ in range(2)
    )
    first, second = limit // 2 + 1, limit // 2 + 1

    refused = worker_process([visitor] * first) + worker_process([visitor] * second + [neighbour])

    assert refused[: first + second] == [False] * limit + [True] * (first + second - limit)
    # Another visitor behind the same proxy has attempts of their own.
    assert refused[-1] is False
