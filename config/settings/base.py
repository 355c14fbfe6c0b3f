"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "modeltranslation",  # before admin, so translated fields show in it
    "core.admin_config.PortalAdminConfig",  # the admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "bootstrap",
    "rules.apps.AutodiscoverRulesConfig",  # each app's rules.py
    "core",
    "accounts",
    "organisations",
    "compact",
    "principles",
    "dialogues",
    "backoffice",
    "demo",
]

MIDDLEWARE = [
    # Pages compressed (static files are whitenoise's): Django's gzip pads each response by a
    # random length ("Heal the BREACH") and CSRF tokens are masked anew on every request.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "compact.documents.middleware.AgreementPdfMiddleware",  # issued PDFs, as static files
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.security.SecurityMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "core.identity.context",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% url %} remembered (core/templatetags/portal_builtins.py): the same answers.
            "builtins": ["core.templatetags.portal_builtins"],
        },
    },
]


def database(url: str) -> dict:
    """A database from its URL, each request in a transaction. On PostgreSQL, statements are
    bound on the server and prepared once a connection has run them five times (psycopg's
    prepare_threshold; Django's default is never): PostgreSQL then plans each of a page's
    statements once per connection, not on every request (the signed-in user's statement
    cost it 0.43 ms of CPU unprepared, 0.10 ms prepared).

    DATABASE_PREPARED_STATEMENTS=false turns it off: behind a pooler that does not keep a
    connection's prepared statements (PgBouncer in transaction mode without
    max_prepared_statements). Options in the URL win. A process that outlives a migration
    changing a column's type fails on the statements it prepared for that column until its
    connection closes (CONN_MAX_AGE): restart web and the workers after migrating, as
    docker-compose.yml does."""
    config = env.db_url_config(url)
    config["ATOMIC_REQUESTS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DATABASE_PREPARED_STATEMENTS", default=True
    ):
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5,
            **config.get("OPTIONS", {}),
        }
    return config


DATABASES = {
    "default": database(env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # allauth's backend (Django's ModelBackend signing in by e-mail address), reading the
    # user, their permissions and their second factor in one query; sessions name it.
    "core.auth_backends.OneQueryBackend",
    "rules.permissions.ObjectPermissionBackend",  # object rules: */rules.py
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.StaffPasswordLengthValidator", "OPTIONS": {"min_length": 14}},
]
LOGIN_URL = "account_login"
# Where a person goes after signing in (and after confirming the e-mail address): officials
# to the back office, representatives to their organisation, a newcomer to "what next"
# (organisations.views.start). A `next` given to sign-in or sign-up comes first.
LOGIN_REDIRECT_URL = "organisations:start"

# django-allauth: e-mail is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up signs the person in and takes them on
# to where they were going (an invitation's link: the `next` of sign-up is kept).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "add_email": "accounts.forms.AddEmailForm"}
# Each address added sends a confirmation e-mail to it: few addresses, and few changes an
# hour (adding, removing, making primary, sending the confirmation again; allauth's other
# limits keep their defaults).
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_RATE_LIMITS = {"manage_email": "3/h/user"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Codes refused over allauth's limit are logged as security events (accounts/forms.py).
MFA_FORMS = {
    "authenticate": "accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.forms.MFAReauthenticateForm",
}
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Compact portal")

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "sv"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("sv",)
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times in each language's format (core/formats/<language>/formats.py): the
# readers are in Sweden, so English pages too give day-month-year and 24-hour times.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A filter's empty choice says what it is (django-filter's default is "---------"); Django's
# own (BLANK_CHOICE_LABEL) is set to the same in core.apps.
FILTERS_EMPTY_CHOICE_LABEL = _("Choose …")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's form renderer, with <select> written without a template per option (core/renderers.py).
FORM_RENDERER = "core.renderers.PortalFormRenderer"

# Whose service this is, shown on every page (core/identity.py): the public party, a link
# to it, its logo (a static file, or none), the compact's contact (a function, not a
# person), and the palette. A palette whose text would be hard to read (under 4.5:1) stops
# the portal at start-up with the pair to change (system check core.E010).
PORTAL_IDENTITY = {
    "owner": env("PORTAL_OWNER", default="Exempelstads kommun"),
    "owner_url": env("PORTAL_OWNER_URL", default="https://www.example.se/"),
    "logo": env("PORTAL_LOGO", default="img/logo.svg"),
    "contact": {
        "name": env("PORTAL_CONTACT_NAME", default="Kommunledningskontoret, överenskommelsen"),
        "email": env("PORTAL_CONTACT_EMAIL", default="overenskommelsen@example.se"),
        "phone": env("PORTAL_CONTACT_PHONE", default="010-123 45 00"),
        "address": env("PORTAL_CONTACT_ADDRESS", default="Box 100, 123 45 Exempelstad"),
    },
    "palette": {
        "primary": env("PORTAL_PRIMARY", default="#00587a"),
        "on_primary": env("PORTAL_ON_PRIMARY", default="#ffffff"),
        "surface": env("PORTAL_SURFACE", default="#eef4f7"),
    },
    # The accessibility statement (core/templates): when the site was last assessed.
    "accessibility_assessed_on": env("PORTAL_ACCESSIBILITY_ASSESSED_ON", default="2026-11-23"),
}

# A strict Content Security Policy: our own origin only, scripts by nonce, no inline style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
    "report-uri": ["/csp-report/"],  # core.security.csp_report logs what browsers report
    "report-to": "csp",  # the Reporting-Endpoints header names it
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Officials' sessions: the second factor used within 12 hours for the back office (and
# the admin); signed out after 30 minutes without a request.
SECOND_FACTOR_MAX_AGE = 12 * 60 * 60
OFFICIAL_IDLE_SECONDS = env.int("OFFICIAL_IDLE_SECONDS", default=30 * 60)
SECURITY_CONTACT = env("SECURITY_CONTACT", default="mailto:security@example.org")
# Content Security Policy reports logged per client address and minute (core.security).
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=10)

# Django 6.1's MAILERS: SMTP to EMAIL_HOST:EMAIL_PORT (a mail catcher in docker-compose), by
# Django's SMTP backend with a fast path for mail merges (core.mail.SMTPBackend).
MAILERS = {
    "default": {
        "BACKEND": "core.mail.SMTPBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", default="127.0.0.1"),
            "port": env.int("EMAIL_PORT", default=1025),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Överenskommelsen <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery beat (the `beat` service in docker-compose.yml) queues the periodic tasks.
CELERY_BEAT_SCHEDULE = {
    # Invitations whose worker died mid-batch, or whose queue message was lost, are sent.
    "requeue-stuck-invitations": {
        "task": "dialogues.tasks.requeue_stuck_invitations",
        "schedule": 60.0,
    },
    # Invitations to sign a newly adopted version, left half-sent or never queued.
    "requeue-stuck-resigning-invitations": {
        "task": "compact.tasks.requeue_stuck_resigning_invitations",
        "schedule": 60.0,
    },
    # Reminders to people with a place, MEETING_REMINDER_DAYS before (each sent once).
    "meeting-reminders": {
        "task": "dialogues.tasks.send_meeting_reminders",
        "schedule": 15 * 60.0,
    },
    # The sealed PDFs issued again where what they show changed unnoticed (the principles).
    "issue-changed-documents": {
        "task": "compact.tasks.issue_changed_documents",
        "schedule": 60 * 60.0,
    },
    "issue-changed-follow-up-documents": {
        "task": "principles.tasks.issue_changed_follow_up_documents",
        "schedule": 60 * 60.0,
    },
    # The officials reminded DUE_REMINDER_DAYS ahead of the next follow-up and revision
    # of the version in force (daily; each due date once).
    "due-date-reminders": {
        "task": "principles.tasks.send_due_date_reminders",
        "schedule": 24 * 60 * 60.0,
    },
    # The officials' daily digest: organisations to verify and written applications to review
    # that came in since the last one (none sent when nothing came in).
    "officials-digest": {
        "task": "backoffice.tasks.send_officials_digest",
        "schedule": crontab(hour=env.int("OFFICIALS_DIGEST_HOUR", default=7), minute=0),
    },
}

# "default": allauth's rate limits and the like. The public page cache (core/public_cache.py)
# keeps rendered pages in each process's memory ("public_pages"), keyed by a content version
# in Redis ("public_version") that every process shares.
PUBLIC_CACHE_REDIS_URL = env("PUBLIC_CACHE_REDIS_URL", default=REDIS_URL)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    "public_version": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": PUBLIC_CACHE_REDIS_URL,
        "KEY_PREFIX": "compact-portal",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}
# Sessions written to the database and read from the default cache (Redis in production):
# a signed-in request reads its session without a query; with the cache down, from the
# database (core/sessions.py).
SESSION_ENGINE = "core.sessions"
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)
# Kept queries (core/kept_queries.py) and filter forms ({% filter_fields %}) built anew on
# every use and compared with what was kept (the test settings turn it on).
KEPT_QUERIES_CHECK = False

# The compact's own rules.
COMPACT_REVISION_YEARS = 4
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
LOGO_MAX_BYTES = env.int("LOGO_MAX_BYTES", default=1024 * 1024)
# A request's body apart from uploaded files: 1 MB (Django's default is 2.5 MB); more is
# refused with 400 before any form sees it. Files are capped by the proxy in front
# (README, "Running it for real") and checked against the limits above.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# E-mail that users have the portal send: invitations of representatives, counted in the
# action log (organisations/services.py), so every process and worker sees the same count.
# An open invitation goes to the same address at most once in 24 hours.
INVITATIONS_PER_USER_PER_HOUR = env.int("INVITATIONS_PER_USER_PER_HOUR", default=10)
INVITATIONS_PER_ORGANISATION_PER_DAY = env.int("INVITATIONS_PER_ORGANISATION_PER_DAY", default=20)
INVITATIONS_PER_ADDRESS_PER_DAY = env.int("INVITATIONS_PER_ADDRESS_PER_DAY", default=3)
# Registrations one account may have awaiting verification at a time, so no one holds many
# organisation numbers (officials can release a number: backoffice:organisation_release_number).
REGISTRATIONS_AWAITING_VERIFICATION_PER_USER = env.int(
    "REGISTRATIONS_AWAITING_VERIFICATION_PER_USER", default=3
)
# The officials are e-mailed this many days before the compact's next yearly follow-up and
# its revision are due (Celery beat, principles.tasks.send_due_date_reminders).
DUE_REMINDER_DAYS = env.int("DUE_REMINDER_DAYS", default=30)
# Dialogue meetings: people with a place are reminded this many days before it starts
# (Celery beat, dialogues.tasks.send_meeting_reminders).
MEETING_REMINDER_DAYS = env.int("MEETING_REMINDER_DAYS", default=2)
# Invitations to meetings (dialogues/services/invitations.py) go out in batches, each over
# one SMTP connection, INVITATIONS_SENDERS tasks side by side (given worker processes). A
# message the server refuses for a while is tried again after 30 s, 2, 8 and 32 minutes
# (INVITATIONS_RETRY_SECONDS × 4ⁿ), INVITATIONS_MAX_ATTEMPTS times in all; rows a dead worker
# left "sending" are sent again after INVITATIONS_STUCK_AFTER_SECONDS.
INVITATIONS_BATCH_SIZE = env.int("INVITATIONS_BATCH_SIZE", default=100)
INVITATIONS_SENDERS = env.int("INVITATIONS_SENDERS", default=2)
INVITATIONS_MAX_ATTEMPTS = env.int("INVITATIONS_MAX_ATTEMPTS", default=5)
INVITATIONS_RETRY_SECONDS = env.int("INVITATIONS_RETRY_SECONDS", default=30)
INVITATIONS_STUCK_AFTER_SECONDS = env.int("INVITATIONS_STUCK_AFTER_SECONDS", default=600)

# Issued PDFs (compact/documents/) are sealed (core/sealing.py) with the public party's
# certificate and key, PEM files at these paths; production requires them. Locally a
# self-signed test certificate is made on first use, and the PDFs say it is a test seal.
PDF_SEAL_CERTIFICATE = env("PDF_SEAL_CERTIFICATE", default="")
PDF_SEAL_KEY = env("PDF_SEAL_KEY", default="")
PDF_SEAL_KEY_PASSPHRASE = env("PDF_SEAL_KEY_PASSPHRASE", default="")
PDF_SEAL_CREATE_TEST_CERTIFICATE = False
PDF_SEAL_TEST_NAME = "Compact portal (test seal)"
# The verification page reads an uploaded PDF up to this size, and checks at most
# PDF_VERIFICATIONS_PER_MINUTE from one client address.
PDF_VERIFY_MAX_BYTES = env.int("PDF_VERIFY_MAX_BYTES", default=UPLOAD_MAX_BYTES)
PDF_VERIFICATIONS_PER_MINUTE = env.int("PDF_VERIFICATIONS_PER_MINUTE", default=10)
# Issue a document's next edition when what it shows changes (a signature made or withdrawn,
# a version adopted, a signatory renamed): on, but in the test suite (config/settings/test.py).
PDF_ISSUE_ON_CHANGE = env.bool("PDF_ISSUE_ON_CHANGE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# The portal's own address, for links in e-mails sent by tasks (no request there), and its
# name as e-mails give it ("Hej från …"; empty: the portal's name in the mail's language).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = env("SITE_NAME", default="")
