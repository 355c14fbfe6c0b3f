from django.contrib import admin

from core.models import ActionRecord


@admin.register(ActionRecord)
class ActionRecordAdmin(admin.ModelAdmin):
    """The action log is history: readable, never edited or deleted."""

    list_display = ["at", "actor", "label", "content_type", "object_id"]
    list_filter = ["action_type"]
    search_fields = ["action_type", "actor__email"]
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
