"""Permissions in one query: the same answers as Django's ModelBackend, one query, not two."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from core.auth_backends import OneQueryPermissionBackend
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
        ours = OneQueryPermissionBackend().get_all_permissions(_fresh(user))
        assert ours == ModelBackend().get_all_permissions(_fresh(user))
    assert "accounts.official" in OneQueryPermissionBackend().get_all_permissions(_fresh(both))
    assert OneQueryPermissionBackend().get_all_permissions(_fresh(inactive)) == set()


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
def test_signing_in_is_left_to_django_and_checks_the_password_once(monkeypatch):
    from django.contrib.auth import authenticate

    from tests.factories import PASSWORD

    user = UserFactory()
    User = get_user_model()
    checks = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password", lambda *a: checks.append(1) or original(*a))
    signed_in = authenticate(email=user.email, password=PASSWORD)
    assert signed_in == user
    assert signed_in.backend == "django.contrib.auth.backends.ModelBackend"
    assert len(checks) == 1
