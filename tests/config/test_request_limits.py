"""A request's form data is capped before any form reads it (files: by the proxy in front
and the upload limits)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_form_data_over_one_megabyte_is_refused(client):
    padding = "x" * (1024 * 1024 + 1024)

    response = client.post(
        reverse("account_login"), {"login": "a@example.org", "password": "pw", "note": padding}
    )

    assert response.status_code == 400


def test_form_data_under_the_cap_reaches_the_form(client):
    padding = "x" * (1024 * 1024 - 1024)

    response = client.post(
        reverse("account_login"), {"login": "a@example.org", "password": "pw", "note": padding}
    )

    assert response.status_code == 200  # the form's own answer: no such account
