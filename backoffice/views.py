"""The officials' area: verify organisations, review written applications, see signatures
and the action log. One view per decision; the work is done by the domain apps' services."""

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Subquery, TextField, Value, When, Window
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView
from django_filters.views import FilterView

from backoffice.filters import OrganisationFilter, SignatureFilter
from backoffice.rows import (
    ACTION_RECORD_COLUMNS,
    ORGANISATION_COLUMNS,
    SIGNATURE_COLUMNS,
    action_record_rows,
    applications_to_review,
    organisation_rows,
    organisations_to_verify,
    signature_rows,
)
from compact.forms import ReasonForm, SignatoryForm
from compact.models import Agreement, Signature, WrittenApplication
from compact.services import (
    SigningError,
    application_approve,
    application_reject,
    signature_withdraw,
)
from core.access import official
from core.kept_queries import kept_rows
from core.models import ActionRecord
from core.views import ForgivingPaginationMixin
from dialogues.models import Meeting, Registration
from organisations.models import Organisation
from organisations.services import (
    DecisionError,
    organisation_reject,
    organisation_release_number,
    organisation_verify,
    review_version,
)
from principles.models import FollowUp

PER_PAGE = 50
DASHBOARD_ITEMS = 20


def decision(page: str):
    """A decision is taken by POST. A GET of its URL (a reloaded result page, the language
    link on it) goes back to the page the decision is taken on, not to a bare 405."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, pk):
            if request.method != "POST":
                return redirect(page, pk=pk)
            return view(request, pk)

        return wrapped

    return decorate


# The dashboard and the lists only read: they run outside ATOMIC_REQUESTS' transaction
# (non_atomic_requests). PostgreSQL gives each statement the database as of its start either
# way (READ COMMITTED), and the request saves the BEGIN and COMMIT round trips.
@transaction.non_atomic_requests
@official
def dashboard(request):
    """The oldest work first, DASHBOARD_ITEMS of each kind, and how much there is in all."""
    organisations, organisation_count = _oldest(
        "backoffice.dashboard.organisations",
        lambda: (
            Organisation.objects.awaiting_verification()
            .only("pk", "name", "organisation_number", "created_at")
            .order_by("created_at")
        ),
    )
    applications, application_count = _oldest(
        "backoffice.dashboard.applications",
        lambda: (
            WrittenApplication.objects.filter(status=WrittenApplication.Status.PENDING)
            .select_related("organisation")
            .only("pk", "submitted_at", "organisation__name")
            .order_by("submitted_at")
        ),
    )
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "section": "dashboard",
            "organisations": organisations,
            "organisation_items": organisations_to_verify(organisations),
            "organisation_count": organisation_count,
            "applications": applications,
            "application_items": applications_to_review(applications),
            "application_count": application_count,
            # When the version in force is next due for follow-up and for revision.
            "agreement": Agreement.objects.one_in_force(),
        },
    )


def _oldest(key, build):
    """The first DASHBOARD_ITEMS of the queryset and how many there are in all, in one query
    (kept: core.kept_queries): the count rides along as a window over the whole set (0 when
    there is none)."""
    items = kept_rows(key, lambda: build().annotate(in_all=Window(Count("*")))[:DASHBOARD_ITEMS])
    return items, items[0].in_all if items else 0


class OrganisationList(ForgivingPaginationMixin, FilterView):
    filterset_class = OrganisationFilter
    template_name = "backoffice/organisation_list.html"
    paginate_by = PER_PAGE
    strict = False
    extra_context = {"section": "organisations"}
    kept_as = "backoffice.organisations"

    def get_queryset(self):
        return Organisation.objects.order_by("name")

    def page_columns(self, organisations):
        # One effective signature's id per organisation (a subquery with LIMIT 1 and no
        # ORDER BY: the first the index finds), not
        # Exists: PostgreSQL looks up the page's organisations' signatures by index, where
        # for Exists it hashed every signature first (at 5,000 organisations 0.35 ms of
        # execution against 2.0; a Count over every organisation took 17 ms).
        # Columns, not model instances: what the rows show (backoffice/rows.py).
        effective = Signature.objects.filter(organisation=OuterRef("pk"), withdrawn_at__isnull=True)
        return organisations.annotate(
            effective_signature=Subquery(effective.order_by().values("pk")[:1])
        ).values(*ORGANISATION_COLUMNS, "effective_signature")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = organisation_rows(context["page_obj"].object_list)
        return context


organisation_list = transaction.non_atomic_requests(official(OrganisationList.as_view()))


def _organisation_page(request, organisation, reject_form=None, status=200, seen_version=None):
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related("activity_areas"), pk=organisation.pk
    )
    signatures = list(organisation.signatures.select_related("agreement"))
    applications = list(organisation.written_applications.select_related("agreement"))
    return render(
        request,
        "backoffice/organisation_detail.html",
        {
            "section": "organisations",
            "organisation": organisation,
            "reject_form": reject_form or ReasonForm(),
            # A form sent back for a reason keeps the version the official decided on.
            "seen_version": seen_version or review_version(organisation),
            "representatives": organisation.representatives.select_related("user"),
            "signatures": signatures,
            "applications": applications,
            # What was done to the organisation, its signatures and its applications.
            "history": ActionRecord.objects.about(
                organisation, *signatures, *applications
            ).select_related("actor"),
        },
        status=status,
    )


@official
def organisation_detail(request, pk):
    return _organisation_page(request, get_object_or_404(Organisation, pk=pk))


@official
@decision("backoffice:organisation")
def organisation_verify_view(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        organisation_verify(
            organisation=organisation,
            actor=request.user,
            seen_version=request.POST.get("seen_version", ""),
        )
    except DecisionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:organisation", pk=organisation.pk)
    messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    return redirect("backoffice:dashboard")


@official
@decision("backoffice:organisation")
def organisation_reject_view(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _organisation_page(
            request,
            organisation,
            reject_form=form,
            status=400,
            seen_version=request.POST.get("seen_version"),
        )
    try:
        organisation_reject(
            organisation=organisation,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            seen_version=request.POST.get("seen_version", ""),
        )
    except DecisionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:organisation", pk=organisation.pk)
    messages.success(request, _("%(name)s is rejected.") % {"name": organisation.name})
    return redirect("backoffice:dashboard")


@official
@decision("backoffice:organisation")
def organisation_release_number_view(request, pk):
    """Free the number an unverified or rejected registration holds (squatting, a typo),
    once the official has ticked that they checked it is not the registration's own."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.POST.get("confirm"):
        messages.error(
            request,
            _(
                "Tick the box to confirm that the number is not the registration's own. "
                "Nothing was released."
            ),
        )
        return redirect("backoffice:organisation", pk=organisation.pk)
    try:
        number = organisation_release_number(organisation=organisation, actor=request.user)
    except DecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The organisation number %(number)s is released. It can be registered again.")
            % {"number": number},
        )
    return redirect("backoffice:organisation", pk=organisation.pk)


def _application(pk):
    return get_object_or_404(
        WrittenApplication.objects.select_related(
            "organisation", "agreement", "submitted_by", "decided_by"
        ),
        pk=pk,
    )


def _application_page(request, application, reject_form=None, accept_form=None, status=200):
    return render(
        request,
        "backoffice/application_detail.html",
        {
            "section": "dashboard",
            "application": application,
            "accept_form": accept_form or SignatoryForm.for_application(application),
            "reject_form": reject_form or ReasonForm(),
            "history": application.history(),
        },
        status=status,
    )


@official
def application_detail(request, pk):
    return _application_page(request, _application(pk))


@official
@decision("backoffice:application")
def application_approve_view(request, pk):
    """Approve, with the signatory of the paper as the official confirmed (or corrected) it."""
    application = _application(pk)
    form = SignatoryForm.for_application(application, request.POST)
    if not form.is_valid():
        return _application_page(request, application, accept_form=form, status=400)
    try:
        application_approve(application=application, actor=request.user, **form.cleaned_data)
    except SigningError as error:
        messages.error(request, str(error))
        return redirect("backoffice:application", pk=application.pk)
    messages.success(
        request, _("Approved: %(name)s is a signatory.") % {"name": application.organisation.name}
    )
    return redirect("backoffice:dashboard")


@official
@decision("backoffice:application")
def application_reject_view(request, pk):
    application = _application(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _application_page(request, application, reject_form=form, status=400)
    try:
        application_reject(
            application=application, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except SigningError as error:
        messages.error(request, str(error))
        return redirect("backoffice:application", pk=application.pk)
    messages.success(request, _("The application is rejected."))
    return redirect("backoffice:dashboard")


class SignatureList(ForgivingPaginationMixin, FilterView):
    filterset_class = SignatureFilter
    template_name = "backoffice/signature_list.html"
    paginate_by = PER_PAGE
    strict = False
    extra_context = {"section": "signatures"}
    kept_as = "backoffice.signatures"

    def get_queryset(self):
        return Signature.objects.order_by("-signed_at")

    def page_columns(self, signatures):
        # Columns, not model instances: what the rows show (backoffice/rows.py).
        columns, related_columns = SIGNATURE_COLUMNS
        return signatures.values(*columns, **related_columns)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = signature_rows(context["page_obj"].object_list)
        return context


signature_list = transaction.non_atomic_requests(official(SignatureList.as_view()))


@official
def signature_withdraw_view(request, pk):
    signature = get_object_or_404(
        Signature.objects.select_related("organisation", "agreement"), pk=pk
    )
    if signature.withdrawn_at:  # e.g. a second tab, or someone else was quicker
        messages.info(request, _("This signature has already been withdrawn."))
        return redirect("backoffice:signatures")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature_withdraw(
                signature=signature, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except SigningError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The signature is withdrawn."))
        return redirect("backoffice:signatures")
    return render(
        request,
        "compact/withdraw.html",
        {
            "section": "signatures",
            "form": form,
            "organisation": signature.organisation,
            "signature": signature,
        },
    )


class ActionLog(ForgivingPaginationMixin, ListView):
    template_name = "backoffice/action_log.html"
    paginate_by = PER_PAGE
    extra_context = {"section": "log"}
    kept_as = "backoffice.log"

    def get_queryset(self):
        return ActionRecord.objects.all()

    def page_columns(self, records):
        # Columns, not model instances: what the rows show (backoffice/rows.py), with the
        # name of a subject of SUBJECT_NAMES' kinds read in the same query.
        columns, related_columns = ACTION_RECORD_COLUMNS
        return records.values(*columns, **related_columns, subject_name=_subject_name())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = context["page_obj"].object_list
        context["rows"] = action_record_rows(records, _subjects(records))
        return context


# Kinds of subject whose str() is one of their columns (tests/backoffice checks it): read
# with the records, as a subquery per kind.
SUBJECT_NAMES = {Organisation: "name", FollowUp: "year"}


def _subject_name():
    """A record's subject's str() for SUBJECT_NAMES' kinds (None for any other kind, or a
    subject that is gone), as text."""
    return Case(
        *(
            When(
                # By name, not by id: a kept query holds nothing read from the database.
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                then=Cast(
                    Subquery(
                        model._base_manager.filter(pk=OuterRef("object_id")).values(column)[:1]
                    ),
                    TextField(),
                ),
            )
            for model, column in SUBJECT_NAMES.items()
        ),
        default=Value(None, output_field=TextField()),
    )


# What each other kind of subject's str() reads besides its own row; any other kind is read
# alone.
_SUBJECTS = {
    Signature: lambda: Signature.objects.select_related("organisation", "agreement"),
    WrittenApplication: lambda: WrittenApplication.objects.select_related("organisation"),
    Meeting: lambda: Meeting.objects.all(),
    Registration: lambda: Registration.objects.select_related("meeting"),
}


def _subjects(records) -> dict:
    """The records' subjects by (content type id, object id), those that still exist: their
    names for SUBJECT_NAMES' kinds (read with the records), else their instances, one query
    per kind of subject on the page, kept (core.kept_queries) per kind."""
    named = {ContentType.objects.get_for_model(model).pk for model in SUBJECT_NAMES}
    ids_by_type = defaultdict(set)
    subjects = {}
    for record in records:
        type_id, object_id = record["content_type_id"], record["object_id"]
        if type_id is None or object_id is None:
            continue
        if type_id in named:
            if record["subject_name"] is not None:
                subjects[type_id, object_id] = record["subject_name"]
        else:
            ids_by_type[type_id].add(object_id)
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:  # a model no longer installed
            continue
        # As many ids as a page has rows, filled up with ids no row has (-1, -2, …: kept
        # queries take distinct ids): one kept query per kind of subject.
        ids = tuple(sorted(ids)) + tuple(range(-1, len(ids) - PER_PAGE - 1, -1))
        objects = _SUBJECTS.get(model, model._base_manager.all)
        for subject in kept_rows(
            ("backoffice.log.subjects", model._meta.label),
            lambda ids, objects=objects: objects().filter(pk__in=ids),
            ids,
        ):
            subjects[type_id, subject.pk] = subject
    return subjects


action_log = transaction.non_atomic_requests(official(ActionLog.as_view()))
