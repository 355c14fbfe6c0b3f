"""What a trusted Django deployment adds: security headers, no caching of signed-in pages,
an idle timeout for officials' sessions, CSP reports, security.txt, and security events
logged in one structured form (logger ``portal.security``)."""

import json
import logging
import time

from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.access import public

logger = logging.getLogger("portal.security")
CSP_REPORT_MAX_BYTES = 10_000  # read of a report's body; a longer one is cut and not logged
CSP_REPORT_FIELD_CHARS = 200
CSP_REPORTS_PER_REQUEST = 5
LAST_SEEN = "portal_last_seen"


def client_address(request) -> str | None:
    """The client's address as allauth's rate limits count it: behind the proxy, taken from
    X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), else REMOTE_ADDR."""
    try:
        return get_client_ip(request)
    except ImproperlyConfigured:  # fewer X-Forwarded-For entries than proxies: not trusted
        return request.META.get("REMOTE_ADDR")


def security_event(event: str, request=None, **fields) -> None:
    """One line of JSON per event: what happened, to whom, from where."""
    record = {"event": event, **fields}
    if request is not None:
        user = getattr(request, "user", None)
        record.update(
            path=request.path,
            ip=client_address(request),
            user=user.pk if user is not None and user.is_authenticated else None,
        )
    logger.warning(json.dumps(record, default=str, sort_keys=True))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("email") or credentials.get("username")
    security_event("login_failed", request, login=login)


@receiver(user_logged_in)
def _start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def connect_mfa_failures():
    """Called from CoreConfig.ready(): allauth's MFA signals, logged."""
    from allauth.mfa.signals import authentication_failed

    @receiver(authentication_failed, weak=False)
    def _mfa_failed(sender, request, user, **kwargs):
        security_event("mfa_failed", request, account=user.pk)


class SecurityMiddleware:
    """Headers on every response; signed-in pages never stored by a browser or proxy; an
    official's session ends after OFFICIAL_IDLE_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if detour := self._idle_official(request):
            return detour
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Reporting-Endpoints", 'csp="/csp-report/"')
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        if response.status_code == 403:
            security_event("permission_denied", request)
        elif response.status_code == 429:
            security_event("rate_limited", request)
        return response

    def _idle_official(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not (user.is_staff or user.has_perm("accounts.official")):
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN)
        if last_seen and now - last_seen > settings.OFFICIAL_IDLE_SECONDS:
            security_event("idle_timeout", request)
            logout(request)
            # Said on the login page: the message is kept in a cookie, which logging out
            # (a new, empty session) leaves alone.
            minutes = max(1, settings.OFFICIAL_IDLE_SECONDS // 60)
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity. Sign in "
                    "again to go on.",
                    "You were signed out after %(minutes)d minutes without activity. Sign in "
                    "again to go on.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return redirect_to_login(request.get_full_path())
        if not last_seen or now - last_seen > 60:  # write the session at most once a minute
            request.session[LAST_SEEN] = now
        return None


def _csp_violations(body: bytes) -> list[dict]:
    """The violations a report names, each as its directive, blocked URI and document URI
    (at most CSP_REPORT_FIELD_CHARS characters each): the report-uri format
    ({"csp-report": {...}}) and the Reporting API's ([{"type": "csp-violation", "body": ...}])."""
    try:
        report = json.loads(body)
    except ValueError:
        return []
    if isinstance(report, dict):
        bodies = [report.get("csp-report")]
        names = ("violated-directive", "effective-directive", "blocked-uri", "document-uri")
    elif isinstance(report, list):
        bodies = [r.get("body") for r in report if isinstance(r, dict)]
        names = ("effectiveDirective", "effectiveDirective", "blockedURL", "documentURL")
    else:
        return []
    violations = []
    for body in bodies[:CSP_REPORTS_PER_REQUEST]:
        if not isinstance(body, dict):
            continue
        violated, effective, blocked, document = (body.get(name) for name in names)
        violations.append(
            {
                key: str(value)[:CSP_REPORT_FIELD_CHARS] if value is not None else None
                for key, value in (
                    ("directive", violated or effective),
                    ("blocked_uri", blocked),
                    ("document_uri", document),
                )
            }
        )
    return violations


def _csp_reports_allowed(request) -> bool:
    """At most CSP_REPORTS_PER_MINUTE reports a minute from one client address, counted in
    the default cache (Redis in production: every process shares the count). The first
    report over the limit is logged as such; the rest are dropped without a word."""
    address = client_address(request)
    key = f"portal:csp-reports:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count == settings.CSP_REPORTS_PER_MINUTE + 1:
        security_event("csp_reports_dropped", request)
    return count <= settings.CSP_REPORTS_PER_MINUTE


@public
@csrf_exempt
@require_POST
def csp_report(request):
    """Browsers report Content Security Policy violations here. A few fields of each are
    logged, truncated, and only so many reports a minute from one address: the endpoint is
    open to anyone, and must not let anyone fill the log."""
    if _csp_reports_allowed(request):
        for violation in _csp_violations(request.read(CSP_REPORT_MAX_BYTES)):
            security_event("csp_violation", request, **violation)
    return HttpResponse(status=204)


@public
def security_txt(request):
    """RFC 9116: whom to tell about a vulnerability."""
    expires = (timezone.now() + timezone.timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat()}",
        "Preferred-Languages: sv, en",
        f"Canonical: {settings.SITE_URL.rstrip('/')}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
