from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, behind the second factor (core/admin_site.py)."""

    default_site = "core.admin_site.PortalAdminSite"
