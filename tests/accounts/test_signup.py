"""Signing up costs the same whether or not the address already has an account, so the
time taken does not tell which addresses are registered (allauth already answers the same
page and sends one e-mail either way)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher, counting the passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def counting(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


def sign_up(client, email):
    password = "ett-långt-lösenord-2026"
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def test_a_new_address_and_a_registered_one_hash_one_password_each(client, counting, mailoutbox):
    response = sign_up(client, "ny@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email="ny@example.org").exists()
    new_account = counting.hashed

    UserFactory(email="finns@example.org")
    counting.hashed = 0
    response = sign_up(client, "finns@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email="finns@example.org").count() == 1
    assert (new_account, counting.hashed) == (1, 1)
    assert len(mailoutbox) == 2  # a verification, and "you already have an account"
