from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import ReadOnlyAdminMixin
from organisations.models import (
    ActivityArea,
    Organisation,
    Representative,
    RepresentativeInvitation,
)


@admin.register(ActivityArea)
class ActivityAreaAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RepresentativeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Shown, never edited: who may sign for an organisation is granted by its own signers
    (an invitation, organisations.grant_signing), and every change is in the action log."""

    model = Representative
    extra = 0
    fields = ["user", "is_contact_person", "may_sign", "added_at"]
    readonly_fields = fields


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """An organisation's details may be corrected here. Its name and organisation number
    change on its representatives' edit page (a verified organisation goes back to review)
    or through the officials' services (releasing a number), which record each change; its
    verification is decided in the officials' area, which records who decided and when.
    Organisations are never deleted here: deleting one would take its representatives and
    invitations with it, with no record."""

    IDENTITY_FIELDS = ["name", "organisation_number"]
    VERIFICATION_FIELDS = ["verification", "verification_note", "verified_by", "verified_at"]

    list_display = ["name", "organisation_number", "kind", "postal_town", "verification"]
    list_filter = ["kind", "verification"]
    search_fields = ["name", "organisation_number"]
    filter_horizontal = ["activity_areas"]
    readonly_fields = [*IDENTITY_FIELDS, *VERIFICATION_FIELDS]
    inlines = [RepresentativeInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # An administrator adding an organisation gives its name and number (checked like
        # everywhere else); once it exists they change through its representatives.
        return self.VERIFICATION_FIELDS if obj is None else self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f not in self.VERIFICATION_FIELDS]
        return [
            (None, {"fields": fields}),
            (
                _("Verification"),
                {
                    "fields": self.VERIFICATION_FIELDS,
                    "description": _(
                        "Organisations are verified or rejected in the officials' area, "
                        "which records who decided, when and why."
                    ),
                },
            ),
        ]


@admin.register(RepresentativeInvitation)
class RepresentativeInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sent invitations are history: readable, never added, rewritten or deleted here."""

    list_display = [
        "email",
        "organisation",
        "invited_by",
        "created_at",
        "sent_at",
        "accepted_at",
        "revoked_at",
    ]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by", "revoked_by"]
