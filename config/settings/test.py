"""The test suite: PostgreSQL and Redis, as in production."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/compact_portal")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = BASE_DIR / ".test-media" / "public"
STORAGES["private"]["OPTIONS"]["location"] = BASE_DIR / ".test-media" / "private"  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["*"]
