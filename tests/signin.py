"""Signing in as a person does: through allauth's forms, with the second factor."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET


def current_totp_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def sign_in_with_second_factor(client, user, password=PASSWORD):
    """Password, then the TOTP code: the session records that the second factor was used."""
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, "the password was not accepted"
    assert response["Location"].endswith(reverse("mfa_authenticate")), response["Location"]
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert response.status_code == 302, "the second factor was not accepted"
    return client
