"""Every view declares who may reach it. The access-policy test walks every URL
pattern and fails for a view that declares nothing.

``public`` views are open to everyone; everything else is closed by Django's
LoginRequiredMiddleware unless a policy here opens it.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

PUBLIC = "public"
SIGNED_IN = "signed-in"
REPRESENTATIVE = "representative"
OFFICIAL = "official"
ADMINISTRATOR = "administrator"


def _mark(view, policy):
    view.access_policy = policy
    return view


def public(view):
    """Anyone, signed in or not."""
    return _mark(login_not_required(view), PUBLIC)


def signed_in(view):
    """Any signed-in user (the LoginRequiredMiddleware enforces it)."""
    return _mark(view, SIGNED_IN)


def official(view):
    """Staff of the public party, signed in with a second factor set up."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_official:
            raise PermissionDenied
        if not has_second_factor(user):
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return _mark(wrapped, OFFICIAL)


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
