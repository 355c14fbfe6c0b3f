"""Production: every secret and address from the environment."""

from .base import *  # noqa: F403
from .base import database, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": database(env("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

STORAGES = {
    **STORAGES,  # noqa: F405
    # whitenoise's compressed manifest storage, each file's URL remembered (core/staticfiles.py)
    "staticfiles": {"BACKEND": "core.staticfiles.MemoisedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: only over HTTPS, for this host alone, for the whole site.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# The portal's public address, for links in e-mails: required, never a local fallback.
SITE_URL = env("SITE_URL")
# Whom to tell about a vulnerability (/.well-known/security.txt, RFC 9116): required, never
# the example address, e.g. mailto:sakerhet@kommun.example.se or an https:// form.
SECURITY_CONTACT = env("SECURITY_CONTACT")

# The seal of issued PDFs: the public party's certificate and private key (PEM), required.
PDF_SEAL_CERTIFICATE = env("PDF_SEAL_CERTIFICATE")
PDF_SEAL_KEY = env("PDF_SEAL_KEY")

# allauth counts failed logins and the like in the default cache. In Redis every gunicorn
# worker and container shares one count, so a limit holds in total and not per process.
# (The public page cache keeps its own aliases, see base.py.)
CACHES = {
    **CACHES,  # noqa: F405
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": REDIS_URL,  # noqa: F405
        "KEY_PREFIX": "compact-portal-default",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}
# Those limits count per client address. Behind the TLS proxy the stack expects in front
# (README, "Running it for real"), the address is the last entry of X-Forwarded-For, the one
# the proxy appended; whatever a client put before it is ignored. 0 when nothing is in front.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)
