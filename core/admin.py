from django.contrib import admin

from core.models import ActionRecord


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of what the portal's workflows own (the services that
    record who did what): shown in the admin, never added, changed or deleted there, by
    anyone, administrators too."""

    def has_add_permission(self, request, obj=None):  # obj: an inline's parent
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionRecord)
class ActionRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The action log is history: readable, never edited or deleted."""

    list_display = ["at", "actor", "label", "content_type", "object_id"]
    list_filter = ["action_type"]
    search_fields = ["action_type", "actor__email"]
    list_select_related = ["actor", "content_type"]
