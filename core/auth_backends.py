from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryPermissionBackend(ModelBackend):
    """Django's ModelBackend, reading a user's permissions, their own and their groups', in
    one query instead of two.

    Every signed-in request asks for them (the officials' idle timeout in core.security and
    the Officials' area link in base.html check ``accounts.official``). Listed before
    ModelBackend, this backend answers first and keeps the set where ModelBackend keeps its
    own (``user._perm_cache``), so ModelBackend and allauth's backend (a ModelBackend too) find
    it and do not read it again. Signing in is left to ModelBackend: authenticate() here
    returns None, so a password is checked once and sessions keep ModelBackend's name.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                )
                .order_by()
                .distinct()
            }
        return user_obj._perm_cache
