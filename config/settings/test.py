"""The test suite: PostgreSQL and Redis, as in production."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, database, env

DATABASES = {
    "default": database(
        env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/compact_portal")
    )
}
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# A real Celery worker started by tests/worker.py runs with these settings and sends
# over SMTP to the aiosmtpd server of the test process.
if env("TEST_SMTP_PORT", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "core.mail.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": env.int("TEST_SMTP_PORT"), "timeout": 10},
        }
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# The test worker (tests/worker.py) consumes a queue of its own; what a task queues from inside
# the worker (a fan-out, the periodic requeue) goes there too.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Invitations: a failed message is tried again after 1, 4, 16 … s, and a dead worker's batch
# is taken back after 20 s, so the fault tests (tests/dialogues/test_invitation_delivery.py)
# see them within their patience.
INVITATIONS_RETRY_SECONDS = 1
INVITATIONS_STUCK_AFTER_SECONDS = 20
MEDIA_ROOT = BASE_DIR / ".test-media" / "public"
STORAGES["private"]["OPTIONS"]["location"] = BASE_DIR / ".test-media" / "private"  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Tests measure the views themselves; tests/config/test_public_cache.py turns it on.
PUBLIC_PAGE_CACHE = False
# Each test run its own content version, so parallel runs on one Redis do not interfere.
CACHES["public_version"]["KEY_PREFIX"] = f"compact-portal-test-{os.getpid()}"  # noqa: F405
# Issued PDFs: a throwaway seal certificate that the test session makes
# (tests/conftest.py, seal_certificate) and passes to the worker in the environment.
PDF_SEAL_CERTIFICATE = env("PDF_SEAL_CERTIFICATE", default="")
PDF_SEAL_KEY = env("PDF_SEAL_KEY", default="")
# Documents issued on change (compact/documents/signals.py) only where a test asks for it
# (tests/compact/test_document*.py): otherwise every compact a test builds would render PDFs.
PDF_ISSUE_ON_CHANGE = False
# Tests compute the TOTP code of the current 30-second window and submit it; on a busy machine
# the server may check it in the next window. Accept the adjacent window here (production keeps
# allauth's default of the current window only).
MFA_TOTP_TOLERANCE = 1
# Every kept query (core/kept_queries.py) built and compiled anew on each call and compared
# with the SQL kept for its key, and every kept filter form rendered anew and compared: one
# depending on more than its key fails the test.
KEPT_QUERIES_CHECK = True
