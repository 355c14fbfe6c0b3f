"""Quick start: SQLite, tasks run in-process, e-mail printed to the console."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# `make run PORT=8001` serves on another port: links in e-mails follow it.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# One process, no Redis needed: the content version lives in memory too.
CACHES = {
    **CACHES,  # noqa: F405
    "public_version": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-version",
    },
}
# Issued PDFs are sealed with a self-signed test certificate, made on first use (git-ignored).
PDF_SEAL_CERTIFICATE = env(
    "PDF_SEAL_CERTIFICATE", default=str(BASE_DIR / ".local-seal" / "certificate.pem")
)
PDF_SEAL_KEY = env("PDF_SEAL_KEY", default=str(BASE_DIR / ".local-seal" / "key.pem"))
PDF_SEAL_CREATE_TEST_CERTIFICATE = True
