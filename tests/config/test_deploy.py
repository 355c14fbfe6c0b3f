"""Production settings: secrets from the environment, and `check --deploy` clean."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def python(*args, **env):
    """Run Python in a fresh process with production settings and only the given env."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, **env):
    return python("manage.py", *args, **env)


def production_settings(*names, **env):
    """The values of the named settings as production settings make them, given env."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = python("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@postgres:5432/portal",
    "SITE_URL": "https://portal.example.org",
    "SECURITY_CONTACT": "mailto:security@portal.example.org",
    "PDF_SEAL_CERTIFICATE": "/run/seal/certificate.pem",
    "PDF_SEAL_KEY": "/run/seal/key.pem",
}


def test_check_deploy_with_production_settings_reports_no_issues():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_the_site_url():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_URL"}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "Set the SITE_URL environment variable" in result.stderr


def test_production_settings_refuse_to_start_without_a_security_contact():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECURITY_CONTACT"}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "Set the SECURITY_CONTACT environment variable" in result.stderr
    assert production_settings("SECURITY_CONTACT", **PRODUCTION_ENV) == {
        "SECURITY_CONTACT": "mailto:security@portal.example.org"
    }


def test_production_settings_take_the_site_url_from_the_environment():
    values = production_settings("SITE_URL", **PRODUCTION_ENV)

    assert values == {"SITE_URL": "https://portal.example.org"}


def test_production_counts_rate_limits_in_redis_behind_one_proxy():
    values = production_settings(
        "CACHES", "ALLAUTH_TRUSTED_PROXY_COUNT", **PRODUCTION_ENV, REDIS_URL="redis://redis:6379/0"
    )

    default = values["CACHES"]["default"]
    assert default["BACKEND"] == "core.cache.RedisCache"
    assert default["LOCATION"] == "redis://redis:6379/0"
    # The public page cache keeps its own aliases: pages per process, the version in Redis.
    assert values["CACHES"]["public_pages"]["BACKEND"].endswith("LocMemCache")
    assert values["CACHES"]["public_version"]["BACKEND"].endswith("RedisCache")
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    values = production_settings(
        "ALLAUTH_TRUSTED_PROXY_COUNT", **PRODUCTION_ENV, ALLAUTH_TRUSTED_PROXY_COUNT="2"
    )
    assert values == {"ALLAUTH_TRUSTED_PROXY_COUNT": 2}


def test_production_settings_refuse_to_start_without_the_seal_of_issued_pdfs():
    for name in ("PDF_SEAL_CERTIFICATE", "PDF_SEAL_KEY"):
        env = {key: value for key, value in PRODUCTION_ENV.items() if key != name}
        result = manage("check", **env)
        assert result.returncode != 0
        assert f"Set the {name} environment variable" in result.stderr
    assert production_settings("PDF_SEAL_CERTIFICATE", "PDF_SEAL_KEY", **PRODUCTION_ENV) == {
        "PDF_SEAL_CERTIFICATE": "/run/seal/certificate.pem",
        "PDF_SEAL_KEY": "/run/seal/key.pem",
    }
