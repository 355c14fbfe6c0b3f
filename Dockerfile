# One image for the web server and the Celery worker (see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_MEDIA_ROOT=/data/media \
    DJANGO_PRIVATE_MEDIA_ROOT=/data/private-media

# WeasyPrint's system libraries and fonts (å, ä, ö), and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first, exactly as locked, without the development group: a cached layer.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# Static files and translations are built into the image. The values here only let the
# settings load; the real secrets come from the environment when a container starts.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 SITE_URL=https://build.invalid \
        SECURITY_CONTACT=mailto:build@build.invalid \
        PDF_SEAL_CERTIFICATE=/build.invalid/certificate.pem PDF_SEAL_KEY=/build.invalid/key.pem \
        sh -c "python manage.py collectstatic --noinput -v0 && python manage.py compilemessages -v0" \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /data/media /data/private-media \
    && chown -R portal:portal /data

USER portal
EXPOSE 8000

# Request line and headers capped in gunicorn; the body by Django and the proxy in front.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--limit-request-line", "4094", "--limit-request-fields", "50", "--limit-request-field_size", "8190"]
