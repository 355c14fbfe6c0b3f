"""What trusted Django deployments add (issue 7, "should have")."""

import json
import logging
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, OfficialFactory, RepresentativeFactory, UserFactory
from tests.signin import current_totp_code, sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def events(caplog, name):
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "portal.security" and json.loads(r.getMessage())["event"] == name
    ]


def test_security_txt(client, settings):
    settings.SECURITY_CONTACT = "mailto:sakerhet@example.org"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Contact: mailto:sakerhet@example.org" in text
    assert "Expires: " in text


def test_csp_reports_are_logged(client, caplog):
    policy = client.get(reverse("compact:home"))["Content-Security-Policy"]
    assert "report-uri /csp-report/" in policy
    assert "report-to csp" in policy
    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    [logged] = events(caplog, "csp_violation")
    assert (logged["directive"], logged["blocked_uri"]) == ("script-src", "inline")


def post_report(client, report, content_type="application/csp-report", **extra):
    return client.post("/csp-report/", json.dumps(report), content_type=content_type, **extra)


def test_csp_reports_log_three_short_fields(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://portal.example.org/sv/?" + "q" * 500,
            "effective-directive": "img-src",
            "blocked-uri": "https://evil.example/" + "x" * 5000,
            "original-policy": "default-src 'self'; " * 100,
            "script-sample": "Verifiera ditt BankID",
        }
    }
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert post_report(client, report).status_code == 204
        assert post_report(client, "not a report").status_code == 204
        response = client.post("/csp-report/", "{" * 20_000, content_type="application/json")
        assert response.status_code == 204
    [logged] = events(caplog, "csp_violation")
    assert set(logged) == {
        "event",
        "directive",
        "blocked_uri",
        "document_uri",
        "ip",
        "path",
        "user",
    }
    assert logged["directive"] == "img-src"
    assert logged["blocked_uri"] == ("https://evil.example/" + "x" * 5000)[:200]
    assert len(logged["document_uri"]) == 200
    assert "BankID" not in json.dumps(logged)


def test_csp_reports_of_the_reporting_api_are_logged(client, caplog):
    reports = [
        {
            "type": "csp-violation",
            "url": "https://portal.example.org/sv/",
            "body": {
                "documentURL": "https://portal.example.org/sv/",
                "effectiveDirective": "script-src-elem",
                "blockedURL": "https://evil.example/x.js",
                "sample": "alert(1)",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert post_report(client, reports, "application/reports+json").status_code == 204
    [logged] = events(caplog, "csp_violation")
    assert (logged["directive"], logged["blocked_uri"], logged["document_uri"]) == (
        "script-src-elem",
        "https://evil.example/x.js",
        "https://portal.example.org/sv/",
    )


def test_csp_reports_are_limited_per_client_address(client, caplog, settings):
    settings.CSP_REPORTS_PER_MINUTE = 3
    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        for _ in range(10):
            assert post_report(client, report, REMOTE_ADDR="192.0.2.1").status_code == 204
        post_report(client, report, REMOTE_ADDR="192.0.2.2")
    logged = events(caplog, "csp_violation")
    assert [e["ip"] for e in logged] == ["192.0.2.1"] * 3 + ["192.0.2.2"]
    [dropped] = events(caplog, "csp_reports_dropped")
    assert dropped["ip"] == "192.0.2.1"
    assert not events(caplog, "rate_limited")


def test_every_response_has_a_permissions_policy(client, compact):
    response = client.get(reverse("compact:home"))
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'


def test_signed_in_pages_and_private_documents_are_not_stored(client, compact):
    rep = RepresentativeFactory()
    assert "no-store" not in client.get(reverse("compact:home")).get("Cache-Control", "")
    client.force_login(rep.user)
    for url in (
        reverse("compact:home"),
        reverse("organisations:dashboard", args=[rep.organisation.pk]),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_an_officials_second_factor_counts_for_twelve_hours(client, compact, settings):
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    assert client.get(reverse("backoffice:dashboard")).status_code == 200
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] = time.time() - 13 * 60 * 60
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_an_idle_officials_session_ends(client, compact, settings, caplog):
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    assert client.get(reverse("backoffice:dashboard")).status_code == 200
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.OFFICIAL_IDLE_SECONDS - 5
    session.save()
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert events(caplog, "idle_timeout")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "You were signed out after 30 minutes without activity."),
        ("sv", "Du loggades ut efter 30 minuter utan aktivitet."),
    ],
)
def test_an_idle_official_is_told_why_on_the_login_page(client, compact, settings, language, said):
    settings.OFFICIAL_IDLE_SECONDS = 30 * 60
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.OFFICIAL_IDLE_SECONDS - 5
    session.save()
    with translation.override(language):
        dashboard = reverse("backoffice:dashboard")

    response = client.get(dashboard, follow=True)

    assert response.redirect_chain[-1][0].startswith(f"/{language}/accounts/login/")
    assert said in response.content.decode()
    # Said once: not again on the next page.
    assert said not in client.get(response.redirect_chain[-1][0]).content.decode()


def test_a_representatives_session_has_no_idle_timeout(client, compact, settings):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    session = client.session
    session["portal_last_seen"] = int(time.time()) - settings.OFFICIAL_IDLE_SECONDS - 5
    session.save()
    url = reverse("organisations:dashboard", args=[rep.organisation.pk])
    assert client.get(url).status_code == 200


def test_officials_need_a_longer_password():
    official = OfficialFactory()
    representative = UserFactory()
    password = "Ljus-Morgon-7"  # 13 characters, not common
    validate_password(password, user=representative)
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=official)
    assert error.value.error_list[0].code == "password_too_short_for_staff"
    validate_password(password + "x", user=official)
    with pytest.raises(ValidationError):
        validate_password("iloveyou", user=representative)  # a common password


def test_security_events_are_logged_as_json(client, compact, caplog):
    official = OfficialFactory(totp=True)
    rep = RepresentativeFactory()
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        client.post(reverse("account_login"), {"login": official.email, "password": "wrong"})
        other = Client()
        other.force_login(rep.user)
        other.get(reverse("backoffice:dashboard"))  # 403
        client.post(reverse("account_login"), {"login": official.email, "password": "pw"})
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert events(caplog, "login_failed")[0]["login"] == official.email
    assert events(caplog, "permission_denied")[0]["user"] == rep.user.pk
    assert events(caplog, "mfa_failed")[0]["account"] == official.pk


def test_sign_ins_over_the_limit_are_logged(client, caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        for _ in range(5):
            client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert not events(caplog, "login_rate_limited")
        response = client.post(reverse("account_login"), {"login": user.email, "password": "x"})
    assert response.status_code == 200  # allauth answers with a form error, not a 429
    assert response.context["form"].errors
    [logged] = events(caplog, "login_rate_limited")
    assert logged["login"] == user.email
    assert logged["ip"] == "127.0.0.1"


def test_second_factor_codes_over_the_limit_are_logged(client, caplog):
    official = OfficialFactory(totp=True)
    response = client.post(
        reverse("account_login"), {"login": official.email, "password": PASSWORD}
    )
    assert response["Location"].endswith(reverse("mfa_authenticate"))
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert len(events(caplog, "mfa_failed")) == 5
        assert not events(caplog, "mfa_rate_limited")
        response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert response.status_code == 200  # refused even with the right code, as a form error
    [logged] = events(caplog, "mfa_rate_limited")
    assert logged["account"] == official.pk


def test_second_factor_reauthentication_over_the_limit_is_logged(client, caplog):
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        for _ in range(6):
            response = client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
    assert response.status_code == 200
    [logged] = events(caplog, "mfa_rate_limited")
    assert (logged["account"], logged["user"]) == (official.pk, official.pk)


def test_events_name_the_client_address_behind_the_proxy(client, caplog, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        client.post(
            reverse("account_login"),
            {"login": "nobody@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2",
        )
        client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x"})
    first, second = events(caplog, "login_failed")
    assert first["ip"] == "198.51.100.2"  # the entry the trusted proxy appended
    assert second["ip"] == "127.0.0.1"  # no header: the connection's address


def test_production_cookies_are_host_only():
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/compact_portal",
        "SITE_URL": "https://portal.example.org",
        "SECURITY_CONTACT": "mailto:security@portal.example.org",
        "PDF_SEAL_CERTIFICATE": "/run/seal/certificate.pem",
        "PDF_SEAL_KEY": "/run/seal/key.pem",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken"], result.stderr
