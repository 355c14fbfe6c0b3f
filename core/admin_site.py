"""The Django admin, for administrators signed in with their second factor."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from core.access import second_factor_redirect, second_factor_used


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and second_factor_used(request)

    def login(self, request, extra_context=None):
        # Signing in goes through allauth (and its second factor), never the admin's form.
        if request.user.is_authenticated and request.user.is_staff:
            detour = second_factor_redirect(request)
            if detour:
                return detour
        return secure_admin_login(super().login)(request, extra_context)
