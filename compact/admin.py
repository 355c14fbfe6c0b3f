from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from compact.models import Agreement, IssuedDocument, PublicParty, Signature, WrittenApplication
from core.admin import ReadOnlyAdminMixin


@admin.register(PublicParty)
class PublicPartyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]


@admin.register(Agreement)
class AgreementAdmin(TranslationAdmin):
    """Administrators adopt a version here (status and adoption date; only one can be in
    force). Anyone else who may change versions edits their text, never their status."""

    list_display = ["title", "version_label", "status", "adopted_on", "review_due"]
    list_filter = ["status"]
    filter_horizontal = ["public_parties"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "status", "adopted_on"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Signatures are history: the admin may read them, never add, rewrite or delete them
    (signing and withdrawing go through the services, which record who and when)."""

    list_display = ["organisation", "agreement", "channel", "signed_at", "withdrawn_at"]
    list_filter = ["channel", "agreement"]
    search_fields = ["organisation__name", "signer_name"]
    list_select_related = ["organisation", "agreement"]
    raw_id_fields = ["organisation", "signed_by", "approved_by", "withdrawn_by", "application"]


@admin.register(WrittenApplication)
class WrittenApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written applications are decided in the officials' area, where the decision is
    recorded: read-only here."""

    list_display = ["organisation", "agreement", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "submitted_by", "decided_by"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of every sealed PDF the portal issued (what, which edition, its SHA-256):
    history, read here, never changed. The files stay in the private storage; the public and
    the organisations download them from the portal's pages."""

    list_display = ["kind", "agreement", "language", "year", "issued_at", "size", "sha256"]
    list_filter = ["kind", "language", "agreement"]
    search_fields = ["sha256", "organisation__name", "signature__organisation__name"]
    list_select_related = ["agreement"]
    date_hierarchy = "issued_at"
    fields = [
        "kind",
        "agreement",
        "language",
        "year",
        "signature",
        "organisation",
        "stored_as",
        "size",
        "sha256",
        "source_digest",
        "issued_at",
        "signatory_count",
    ]
    readonly_fields = ["stored_as"]
    raw_id_fields = ["signature", "organisation"]

    @admin.display(description=_("stored as"))
    def stored_as(self, document):
        return document.file.name
