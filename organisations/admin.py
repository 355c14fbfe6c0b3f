from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

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


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation_number", "kind", "postal_town", "verification"]
    list_filter = ["kind", "verification"]
    search_fields = ["name", "organisation_number"]
    filter_horizontal = ["activity_areas"]
    raw_id_fields = ["verified_by"]
    inlines = [RepresentativeInline]


@admin.register(RepresentativeInvitation)
class RepresentativeInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
