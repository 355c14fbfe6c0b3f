"""The account menu ({% account_nav %}): Sign in and Sign up for the public; the person's
organisations, address and a working Sign out for a signed-in person; the officials' area
for officials only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db


def _menu(response) -> str:
    return response.content.decode().split('class="nav account-nav">')[1].split("</ul>")[0]


def test_the_public_gets_sign_in_and_sign_up(client):
    menu = _menu(client.get(reverse("compact:home")))
    assert f'href="{reverse("account_login")}"' in menu
    assert f'href="{reverse("account_signup")}"' in menu
    assert "csrfmiddlewaretoken" not in menu


def test_a_signed_in_person_signs_out_with_the_menus_form():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory(email="a.person+test@example.org")
    client.force_login(user)
    menu = _menu(client.get(reverse("compact:home")))
    assert f'href="{reverse("organisations:mine")}"' in menu
    assert ">a.person+test@example.org</a>" in menu
    assert reverse("backoffice:dashboard") not in menu
    assert reverse("account_login") not in menu
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', menu).group(1)
    assert f'action="{reverse("account_logout")}"' in menu
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_official_gets_the_officials_area():
    client = Client()
    client.force_login(OfficialFactory())
    assert f'href="{reverse("backoffice:dashboard")}"' in _menu(client.get(reverse("compact:home")))
