"""allauth's page for adding e-mail addresses sends a confirmation e-mail to each address
added: few addresses per account, and few changes an hour, so it cannot send mail to
arbitrary addresses in bulk."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def add_address(client, email):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def test_the_fourth_address_added_in_an_hour_sends_no_mail(client, mailoutbox):
    user = UserFactory()
    client.force_login(user)
    for n in range(3):
        assert add_address(client, f"other{n}@example.net").status_code == 302
        # Removed behind the page's back, so the limit of addresses does not stop the next.
        EmailAddress.objects.filter(user=user, primary=False).delete()
    assert [m.to for m in mailoutbox] == [[f"other{n}@example.net"] for n in range(3)]

    response = add_address(client, "other3@example.net")

    assert response.status_code == 429
    assert len(mailoutbox) == 3
    assert not EmailAddress.objects.filter(email="other3@example.net").exists()


def test_an_account_has_at_most_two_addresses(client, mailoutbox):
    user = UserFactory()
    client.force_login(user)
    assert add_address(client, "second@example.net").status_code == 302

    response = add_address(client, "third@example.net")

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert [m.to for m in mailoutbox] == [["second@example.net"]]
    assert EmailAddress.objects.filter(user=user).count() == 2
