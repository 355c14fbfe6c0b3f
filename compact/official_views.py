"""The officials' area: verify organisations, review written applications, see signatures."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import official
from accounts.models import ActionRecord
from compact.filters import OfficialOrganisationFilter, OfficialSignatureFilter
from compact.forms import ReasonForm
from compact.models import Signature, WrittenApplication
from compact.services import (
    SigningError,
    application_approve,
    application_reject,
    signature_withdraw,
)
from organisations.models import Organisation
from organisations.services import organisation_reject, organisation_verify

PER_PAGE = 50


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@official
def dashboard(request):
    return render(
        request,
        "officials/dashboard.html",
        {
            "organisations": Organisation.objects.awaiting_verification().order_by("created_at"),
            "applications": WrittenApplication.objects.filter(
                status=WrittenApplication.Status.PENDING
            )
            .select_related("organisation", "submitted_by")
            .order_by("submitted_at"),
        },
    )


@official
def organisation_list(request):
    organisations = OfficialOrganisationFilter(
        request.GET or None,
        queryset=Organisation.objects.annotate(
            effective_signatures=Count(
                "signatures", filter=Q(signatures__withdrawn_at__isnull=True)
            )
        ).order_by("name"),
    )
    return render(
        request,
        "officials/organisation_list.html",
        {
            "filter": organisations,
            "page": _page(request, organisations.qs),
            "query": _query_without_page(request),
        },
    )


@official
def organisation_review(request, pk):
    organisation = get_object_or_404(Organisation.objects.prefetch_related("activity_areas"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("decision") == "verify":
            organisation_verify(organisation=organisation, official=request.user)
            messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
            return redirect("officials:dashboard")
        if form.is_valid():
            organisation_reject(
                organisation=organisation, official=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(name)s is rejected.") % {"name": organisation.name})
            return redirect("officials:dashboard")
    return render(
        request,
        "officials/organisation_review.html",
        {
            "organisation": organisation,
            "form": form,
            "representatives": organisation.representatives.select_related("user"),
            "signatures": organisation.signatures.select_related("agreement"),
            "applications": organisation.written_applications.select_related("agreement"),
        },
    )


@official
def application_review(request, pk):
    application = get_object_or_404(
        WrittenApplication.objects.select_related(
            "organisation", "agreement", "submitted_by", "decided_by"
        ),
        pk=pk,
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                application_approve(application=application, official=request.user)
                messages.success(
                    request,
                    _("Approved: %(name)s is a signatory.")
                    % {"name": application.organisation.name},
                )
                return redirect("officials:dashboard")
            if form.is_valid():
                application_reject(
                    application=application,
                    official=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The application is rejected."))
                return redirect("officials:dashboard")
        except SigningError as error:
            messages.error(request, str(error))
            return redirect("officials:application", pk=application.pk)
    return render(
        request, "officials/application_review.html", {"application": application, "form": form}
    )


@official
def signature_list(request):
    signatures = OfficialSignatureFilter(
        request.GET or None,
        queryset=Signature.objects.select_related(
            "organisation", "agreement", "approved_by", "withdrawn_by"
        ).order_by("-signed_at"),
    )
    return render(
        request,
        "officials/signature_list.html",
        {
            "filter": signatures,
            "page": _page(request, signatures.qs),
            "query": _query_without_page(request),
        },
    )


@official
def signature_withdraw_view(request, pk):
    signature = get_object_or_404(
        Signature.objects.effective().select_related("organisation", "agreement"), pk=pk
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signature_withdraw(signature=signature, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The signature is withdrawn."))
        return redirect("officials:signatures")
    return render(
        request,
        "compact/withdraw.html",
        {"form": form, "organisation": signature.organisation, "signature": signature},
    )


@official
def action_log(request):
    return render(
        request,
        "officials/action_log.html",
        {"page": _page(request, ActionRecord.objects.select_related("actor"))},
    )
