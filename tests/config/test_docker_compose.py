"""docker-compose.yml and the Dockerfile, read (no Docker engine runs here)."""

import json
import re
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APP_SERVICES = ["web", "worker", "beat"]


def interpolate(value, **env):
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, given env."""
    pattern = r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}"
    return re.sub(pattern, lambda m: env.get(m[1], m[2] or ""), str(value))


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]


def test_the_stack_has_every_service(services):
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)


def test_web_and_worker_share_one_image_built_from_the_dockerfile(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {str(services[name]["build"]) for name in APP_SERVICES}

    assert len(images) == 1
    assert builds == {"."}
    assert (BASE_DIR / "Dockerfile").is_file()


def test_the_commands(services):
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    # One beat, queuing CELERY_BEAT_SCHEDULE's tasks; its state file where it may write.
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "--schedule" in services["beat"]["command"]
    assert "deploy" not in services["beat"]  # no replicas: one beat, or each task twice
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_postgres_health_check_gates_the_web_server(services):
    postgres = services["postgres"]
    web = services["web"]

    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])
    assert web["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert "redis" in web["depends_on"]
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    # Every process that reads the database starts after the migrations: none holds
    # statements prepared for the tables as they were (config/settings/base.py database()).
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_app_services_run_production_settings_with_secrets_from_the_environment(services):
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["DJANGO_SECRET_KEY"] == "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"
        assert (
            interpolate(env["DATABASE_URL"], POSTGRES_PASSWORD="pw")
            == "postgres://portal:pw@postgres:5432/portal"
        )
        assert interpolate(env["REDIS_URL"]) == "redis://redis:6379/0"
        # The seal of issued PDFs, from a host directory mounted read-only.
        assert interpolate(env["PDF_SEAL_CERTIFICATE"]) == "/run/seal/certificate.pem"
        assert interpolate(env["PDF_SEAL_KEY"]) == "/run/seal/key.pem"
        assert "${PDF_SEAL_DIR:?set PDF_SEAL_DIR}:/run/seal:ro" in services[name]["volumes"]


def test_mail_goes_to_the_mail_catcher(services):
    assert "mailpit" in services["mailpit"]["image"]
    assert services["mailpit"]["ports"] == ["127.0.0.1:8025:8025"]  # web UI; SMTP inside
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert interpolate(env["EMAIL_HOST"]) == "mailpit"
        assert interpolate(env["EMAIL_PORT"]) == "1025"
        assert interpolate(env["EMAIL_HOST"], EMAIL_HOST="smtp.example.org") == "smtp.example.org"


def test_dockerfile_builds_a_lean_production_image():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert dockerfile.startswith("#") and "FROM python:3.12-slim" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    for package in [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "fonts-dejavu",
        "gettext",
    ]:
        assert package in dockerfile
    assert "collectstatic" in dockerfile
    assert "compilemessages" in dockerfile
    assert "USER portal" in dockerfile


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()

    for entry in [".git", ".venv", "db.sqlite3", ".env", "media/"]:
        assert entry in ignored


def test_nothing_is_published_beyond_this_host(services):
    # Django trusts X-Forwarded-Proto: only the proxy on this host may reach gunicorn.
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}

    assert published == {
        "web": ["127.0.0.1:8000:8000"],
        "mailpit": ["127.0.0.1:8025:8025"],
    }


def gunicorn_settings(command):
    """A gunicorn command line as gunicorn itself reads it."""
    assert command[0] == "gunicorn"
    config = Config()
    parsed = config.parser().parse_args(command[1:])
    for name, value in vars(parsed).items():
        if name != "args" and value is not None:
            config.set(name, value)
    return parsed.args, config


def dockerfile_command():
    dockerfile = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    (line,) = [line for line in dockerfile.splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def test_gunicorn_caps_the_request_line_and_headers(services):
    for command in (services["web"]["command"], dockerfile_command()):
        app, config = gunicorn_settings(command)
        assert app == ["config.wsgi"]
        assert config.bind == ["0.0.0.0:8000"]  # inside the container; published on loopback
        assert config.limit_request_line == 4094
        assert config.limit_request_fields == 50
        assert config.limit_request_field_size == 8190
    assert dockerfile_command() == services["web"]["command"]


def test_the_site_url_is_required_and_one_proxy_is_trusted(services):
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["SITE_URL"] == "${SITE_URL:?set SITE_URL}"
        assert env["SECURITY_CONTACT"] == "${SECURITY_CONTACT:?set SECURITY_CONTACT}"
        assert env["DJANGO_SECURE_SSL_REDIRECT"] == "${DJANGO_SECURE_SSL_REDIRECT:-True}"
        assert interpolate(env["ALLAUTH_TRUSTED_PROXY_COUNT"]) == "1"


def test_the_example_environment_keeps_https():
    settings = dict(
        line.split("=", 1)
        for line in (BASE_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )

    assert settings.get("DJANGO_SECURE_SSL_REDIRECT", "True") == "True"
    assert settings["SITE_URL"].startswith("https://")
    assert settings["SECURITY_CONTACT"].startswith("mailto:")
    assert settings["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"


def test_the_images_build_step_gives_every_setting_production_requires():
    """The Dockerfile runs collectstatic with production settings and placeholder values:
    one for each variable production requires, or the image does not build."""
    from tests.config.test_deploy import manage

    dockerfile = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    (build_step,) = [line for line in dockerfile.splitlines() if "collectstatic" in line]
    env = dict(re.findall(r"(\w+)=(\S+)", build_step.split('sh -c "')[0]))
    assert {"SITE_URL", "SECURITY_CONTACT", "DJANGO_SECRET_KEY"} <= set(env)
    result = manage("check", **env)
    assert result.returncode == 0, result.stderr
