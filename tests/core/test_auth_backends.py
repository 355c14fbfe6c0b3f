"""Who is signed in, in one query: the same user and permissions as Django's ModelBackend
reads them, and whether they have a second factor, in one statement instead of three."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from core.auth_backends import OneQueryBackend
from tests.factories import OfficialFactory, UserFactory


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


@pytest.mark.django_db
def test_the_same_permissions_as_django_reads_them():
    direct = UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="view_group"))
    both = OfficialFactory()
    both.user_permissions.add(Permission.objects.get(codename="view_group"))
    superuser = UserFactory(is_superuser=True)
    inactive = OfficialFactory(is_active=False)
    for user in (UserFactory(), direct, OfficialFactory(), both, superuser, inactive):
        ours = OneQueryBackend().get_all_permissions(_fresh(user))
        assert ours == ModelBackend().get_all_permissions(_fresh(user))
    assert "accounts.official" in OneQueryBackend().get_all_permissions(_fresh(both))
    assert OneQueryBackend().get_all_permissions(_fresh(inactive)) == set()


@pytest.mark.django_db
def test_one_query_per_request_for_every_backend(django_assert_num_queries):
    representative, official = _fresh(UserFactory()), _fresh(OfficialFactory())
    with django_assert_num_queries(1):
        assert not representative.has_perm("accounts.official")
        assert not representative.has_perm("accounts.official")  # kept for the request
    with django_assert_num_queries(1):
        assert official.has_perm("accounts.official")


@pytest.mark.django_db
def test_a_permission_taken_from_the_group_is_gone_on_the_next_request():
    official = OfficialFactory()
    assert _fresh(official).has_perm("accounts.official")
    Group.objects.get(name="Officials").permissions.clear()
    assert not _fresh(official).has_perm("accounts.official")


@pytest.mark.django_db
def test_signing_in_is_allauths_checks_the_password_once_and_names_this_backend(monkeypatch):
    from django.contrib.auth import authenticate

    from tests.factories import PASSWORD

    user = UserFactory()
    User = get_user_model()
    checks = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password", lambda *a: checks.append(1) or original(*a))
    signed_in = authenticate(email=user.email, password=PASSWORD)
    assert signed_in == user
    assert signed_in.backend == "core.auth_backends.OneQueryBackend"  # sessions name it
    assert len(checks) == 1


def _fields(user):
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


@pytest.mark.django_db
def test_reads_the_user_their_permissions_and_second_factor_in_one_query(
    django_assert_num_queries,
):
    from core.access import has_second_factor

    direct = UserFactory(full_name="Åsa Öberg")
    direct.user_permissions.add(Permission.objects.get(codename="view_group"))
    official, with_totp = OfficialFactory(), OfficialFactory(totp=True)
    for user, totp in (
        (UserFactory(), False),
        (direct, False),
        (official, False),
        (with_totp, True),
    ):
        expected = ModelBackend().get_all_permissions(_fresh(user))
        with django_assert_num_queries(1):
            read = OneQueryBackend().get_user(str(user.pk))  # as the session holds it
            assert has_second_factor(read) is totp
            assert read.get_all_permissions() == expected
            assert read.has_perm("accounts.official") is (user in (official, with_totp))
        assert _fields(read) == _fields(_fresh(user))  # every column, as the ORM reads it
        assert read == user and read._state.adding is False and read._state.db == "default"


@pytest.mark.django_db
def test_a_superuser_holds_every_permission_and_nobody_else_is_read():
    superuser = UserFactory(is_superuser=True)
    read = OneQueryBackend().get_user(superuser.pk)
    assert read.get_all_permissions() == ModelBackend().get_all_permissions(_fresh(superuser))
    assert OneQueryBackend().get_user(superuser.pk + 1000) is None
    assert OneQueryBackend().get_user("not an id") is None
    assert OneQueryBackend().get_user(OfficialFactory(is_active=False).pk) is None


@pytest.mark.django_db
def test_an_authenticator_removed_counts_from_the_next_request():
    from allauth.mfa.models import Authenticator

    from core.access import has_second_factor

    official = OfficialFactory(totp=True)
    assert has_second_factor(OneQueryBackend().get_user(official.pk))
    Authenticator.objects.filter(user=official).delete()
    assert not has_second_factor(OneQueryBackend().get_user(official.pk))
    assert not has_second_factor(_fresh(official))  # a user read otherwise: asked of the database


@pytest.mark.django_db
def test_an_officials_request_reads_who_they_are_once(client, django_assert_num_queries):
    from django.urls import reverse

    from tests.signin import sign_in_with_second_factor

    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)  # through allauth's forms: the session
    assert client.session["_auth_user_backend"] == "core.auth_backends.OneQueryBackend"
    client.get(reverse("backoffice:follow_ups"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("backoffice:follow_ups")).status_code == 200
    reads_of_the_user = [
        q["sql"] for q in queries if '"accounts_user"' in q["sql"].split("WHERE")[0]
    ]
    assert len(reads_of_the_user) == 1, reads_of_the_user
    assert not [
        q["sql"] for q in queries if '"mfa_authenticator"' in q["sql"] and "EXISTS" not in q["sql"]
    ]


@pytest.mark.django_db
def test_a_permission_taken_away_counts_from_the_next_request():
    official = OfficialFactory()
    assert OneQueryBackend().get_user(official.pk).has_perm("accounts.official")
    Group.objects.get(name="Officials").permissions.clear()
    assert not OneQueryBackend().get_user(official.pk).has_perm("accounts.official")
    official.user_permissions.add(Permission.objects.get(codename="official"))
    assert OneQueryBackend().get_user(official.pk).has_perm("accounts.official")


@pytest.mark.django_db
def test_a_session_naming_a_backend_no_longer_listed_is_signed_out(client):
    """Sessions from before this backend (Django's ModelBackend or allauth's) fail safe: the
    person signs in again."""
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.urls import reverse

    client.force_login(UserFactory())
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = client.get(reverse("organisations:mine"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


SQLITE_CHECK = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import authenticate, get_user_model
from allauth.mfa.totp.internal.auth import TOTP
from core.access import has_second_factor
from core.auth_backends import OneQueryBackend
from tests.factories import OfficialFactory, PASSWORD, UserFactory
official, plain = OfficialFactory(), UserFactory(full_name="Åsa")
TOTP.activate(official, "JBSWY3DPEHPK3PXP")
User = get_user_model()
for user, totp in ((official, True), (plain, False)):
    read = OneQueryBackend().get_user(str(user.pk))
    ours = {f.attname: getattr(read, f.attname) for f in User._meta.concrete_fields}
    orm = {f.attname: getattr(User.objects.get(pk=user.pk), f.attname) for f in User._meta.concrete_fields}
    assert ours == orm, (ours, orm)
    assert has_second_factor(read) is totp
    assert read.has_perm("accounts.official") is totp
assert OneQueryBackend().get_user(2**70) is None
assert authenticate(email=plain.email, password=PASSWORD) == plain
print("sqlite ok")
"""


def test_the_same_on_sqlite_as_make_run_uses(tmp_path):
    """make run's database is SQLite: booleans and datetimes come back through the converters."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_CHECK],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "sqlite ok" in result.stdout
