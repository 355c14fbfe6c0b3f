"""One account cannot hold many organisation numbers: few registrations awaiting
verification at a time."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from organisations.numbers import with_check_digit
from organisations.services import (
    organisation_reject,
    organisation_release_number,
    organisation_verify,
)
from tests.factories import OfficialFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def register(client, n: int):
    return client.post(
        reverse("organisations:register"),
        {
            "name": f"Föreningen nummer {n}",
            "organisation_number": with_check_digit(f"80200{n:04d}"),
            "kind": "association",
            "contact_name": "Kim Kontakt",
            "contact_email": "kim@example.org",
        },
    )


def test_a_fourth_registration_awaiting_verification_is_refused_with_a_message(client):
    client.force_login(UserFactory())
    for n in range(3):
        assert register(client, n).status_code == 302

    response = register(client, 3)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "3 organisations awaiting verification" in " ".join(errors)
    assert Organisation.objects.count() == 3
    assert (
        "3 organisations awaiting verification"
        in client.get(reverse("organisations:register")).content.decode()
    )


def test_a_verified_registration_no_longer_counts(client):
    client.force_login(UserFactory())
    for n in range(3):
        register(client, n)
    first = Organisation.objects.order_by("pk").first()
    organisation_verify(organisation=first, actor=OfficialFactory())

    assert register(client, 3).status_code == 302
    assert register(client, 4).status_code == 200
    assert Organisation.objects.count() == 4


def test_a_rejected_registration_counts_while_it_holds_its_number(client):
    client.force_login(UserFactory())
    for n in range(3):
        register(client, n)
    first, second = Organisation.objects.order_by("pk")[:2]
    official = OfficialFactory()
    organisation_reject(organisation=first, actor=official, reason="Not an organisation.")
    organisation_reject(organisation=second, actor=official, reason="Not an organisation.")

    # Rejected, each still holds a number no one else can register.
    response = register(client, 3)
    assert response.status_code == 200
    assert "3 organisations awaiting verification" in " ".join(
        response.context["form"].non_field_errors()
    )

    organisation_release_number(organisation=first, actor=official)
    assert register(client, 3).status_code == 302
    assert register(client, 4).status_code == 200
    assert Organisation.objects.count() == 4


def test_the_limit_is_per_account_and_a_setting(client, settings):
    settings.REGISTRATIONS_AWAITING_VERIFICATION_PER_USER = 1
    client.force_login(UserFactory())
    assert register(client, 0).status_code == 302
    assert register(client, 1).status_code == 200
    client.force_login(UserFactory())
    assert register(client, 1).status_code == 302
