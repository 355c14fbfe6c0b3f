from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from principles.models import Commitment, DevelopmentArea, PlanItem, Principle


class CommitmentInline(TranslationTabularInline):
    model = Commitment
    extra = 0


@admin.register(Principle)
class PrincipleAdmin(TranslationAdmin):
    list_display = ["title", "agreement", "position"]
    list_filter = ["agreement"]
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(TranslationAdmin):
    list_display = ["text", "principle", "party", "position"]
    list_filter = ["party", "principle__agreement"]


class PlanItemInline(TranslationTabularInline):
    model = PlanItem
    extra = 0


@admin.register(DevelopmentArea)
class DevelopmentAreaAdmin(TranslationAdmin):
    list_display = ["title", "agreement", "position"]
    list_filter = ["agreement"]
    inlines = [PlanItemInline]
