"""Every view declares who may reach it. The access-policy test walks every URL
pattern and fails for a view that declares nothing.

``public`` views are open to everyone; everything else is closed by Django's
LoginRequiredMiddleware unless a policy here opens it. Who is an official is one
permission, ``accounts.official``, granted to the Officials group; apps add their own
object rules (``organisations/rules.py``, ``compact/rules.py``) and policies on top.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

PUBLIC = "public"
SIGNED_IN = "signed-in"
REPRESENTATIVE = "representative"
OFFICIAL = "official"
ADMINISTRATOR = "administrator"

OFFICIAL_PERMISSION = "accounts.official"


def mark_policy(view, policy):
    """Declare the view's policy, for the access-policy test and for readers."""
    view.access_policy = policy
    return view


def public(view):
    """Anyone, signed in or not."""
    return mark_policy(login_not_required(view), PUBLIC)


def signed_in(view):
    """Any signed-in user (the LoginRequiredMiddleware enforces it)."""
    return mark_policy(view, SIGNED_IN)


def official(view):
    """Staff of the public party, signed in with a second factor in this session."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_perm(OFFICIAL_PERMISSION):
            raise PermissionDenied
        return second_factor_redirect(request) or view(request, *args, **kwargs)

    return mark_policy(wrapped, OFFICIAL)


def has_second_factor(user) -> bool:
    """Has the user set up a TOTP authenticator? Read with the user on a signed-in request
    (core.auth_backends), else asked of the database."""
    from allauth.mfa.models import Authenticator

    from core.auth_backends import HAS_TOTP

    if (known := getattr(user, HAS_TOTP, None)) is not None:
        return known

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def second_factor_used(request) -> bool:
    """Did this session's sign-in (or a later re-authentication) use the second factor,
    within the last SECOND_FACTOR_MAX_AGE seconds (12 hours)?"""
    from allauth.account.authentication import get_authentication_records

    recent = time.time() - settings.SECOND_FACTOR_MAX_AGE
    records = get_authentication_records(request, request.user)
    return any(
        record.get("method") == "mfa" and record.get("at", 0) >= recent for record in records
    )


def second_factor_redirect(request):
    """Where an official must go before the officials' area: set up a second factor, or
    confirm it in this session. None when the session already used it."""
    if not has_second_factor(request.user):
        return redirect("mfa_activate_totp")
    if not second_factor_used(request):
        return redirect(
            f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
        )
    return None
