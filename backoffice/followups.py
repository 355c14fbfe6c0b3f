"""The officials' yearly follow-up (domain flow 4): start one for a year, record each
principle's commitments and the development plan's items on one page each, review the
organisations' own accounts, publish, and correct a published one with dated notes. The
work is done by principles/followups.py."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.rows import follow_up_rows
from backoffice.views import decision
from compact.models import Agreement
from core.access import official
from core.kept_queries import kept_rows
from principles.followups import (
    EntryChange,
    FollowUpError,
    account_decide,
    correction_add,
    entries_record,
    follow_up_create,
    follow_up_publish,
    missing,
    status_counts,
)
from principles.forms import CorrectionForm, EntryForm, FollowUpCreateForm
from principles.models import (
    Commitment,
    CommitmentEntry,
    EntryStatus,
    FollowUp,
    OrganisationAccount,
    PlanItemEntry,
    Principle,
)


@official
def follow_up_list(request):
    """Every follow-up, newest first, and the form that starts the next one."""
    agreement = Agreement.objects.one_in_force()
    form = FollowUpCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = follow_up_create(actor=request.user, year=form.cleaned_data["year"])
        except FollowUpError as error:
            form.add_error("year", str(error))
        else:
            messages.success(
                request, _("The follow-up of %(year)s is started.") % {"year": follow_up.year}
            )
            return redirect("backoffice:follow_up", pk=follow_up.pk)
    follow_ups = kept_rows(
        "backoffice.follow_ups",
        lambda: FollowUp.objects.annotate(
            version_label=F("agreement__version_label"),
            unrecorded=Count("commitment_entries", filter=Q(commitment_entries__status="")),
            commitments=Count("commitment_entries"),
        ).order_by("-year"),  # Meta.ordering is not applied to a query with GROUP BY
    )
    return render(
        request,
        "backoffice/follow_ups/list.html",
        {
            "section": "follow_ups",
            "follow_ups": follow_ups,
            "rows": follow_up_rows(follow_ups),
            "form": form,
            "agreement": agreement,
        },
        status=400 if form.errors else 200,
    )


def _overview(request, follow_up, correction_form=None, status=200):
    principles = follow_up.agreement.principles.annotate(
        commitments_total=Count(
            "commitments__entries", filter=Q(commitments__entries__follow_up=follow_up)
        ),
        commitments_unrecorded=Count(
            "commitments__entries",
            filter=Q(commitments__entries__follow_up=follow_up, commitments__entries__status=""),
        ),
    )
    commitments = Commitment.objects.filter(
        principle__agreement=follow_up.agreement
    ).select_related("principle")
    return render(
        request,
        "backoffice/follow_ups/detail.html",
        {
            "section": "follow_ups",
            "follow_up": follow_up,
            "principles": principles,
            "missing": missing(follow_up),
            "counts": [
                (EntryStatus(status).label, count)
                for status, count in status_counts(follow_up).items()
            ],
            "plan_total": follow_up.plan_item_entries.count(),
            "corrections": follow_up.corrections.select_related("added_by", "commitment"),
            "correction_form": correction_form
            or (CorrectionForm(commitments=commitments) if follow_up.is_published else None),
            "history": follow_up.history()[:20],
        },
        status=status,
    )


@official
def follow_up_detail(request, pk):
    return _overview(
        request, get_object_or_404(FollowUp.objects.select_related("agreement"), pk=pk)
    )


def _record_page(request, follow_up, entries, *, plan, principle=None):
    """The record form for a list of entries: one form each, saved all together."""
    posted = request.method == "POST"
    forms = [
        (entry, EntryForm.for_entry(entry, request.POST if posted else None, request.FILES or None))
        for entry in entries
    ]
    if posted and not follow_up.is_published and all(form.is_valid() for _e, form in forms):
        changes = [
            EntryChange(
                entry=entry,
                status=form.cleaned_data["status"],
                account=form.cleaned_data["account"],
                links=form.cleaned_data["links"],
                attachment=form.cleaned_data["attachment"] or None,
                remove_attachment=form.cleaned_data["remove_attachment"],
            )
            for entry, form in forms
        ]
        try:
            count = entries_record(
                actor=request.user, follow_up=follow_up, changes=changes, plan=plan
            )
        except (FollowUpError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("Saved: %(count)s changed.") % {"count": count},
            )
            return redirect(request.path)
    errors = any(form.errors for _e, form in forms)
    return render(
        request,
        "backoffice/follow_ups/record.html",
        {
            "section": "follow_ups",
            "follow_up": follow_up,
            "principle": principle,
            "plan": plan,
            "forms": forms,
            "has_errors": errors,
        },
        status=400 if errors else 200,
    )


@official
def follow_up_record(request, pk, principle):
    """One principle's commitments, each with its status, account, links and attachment."""
    follow_up = get_object_or_404(FollowUp.objects.select_related("agreement"), pk=pk)
    principle = get_object_or_404(Principle, pk=principle, agreement=follow_up.agreement_id)
    entries = (
        CommitmentEntry.objects.filter(follow_up=follow_up, commitment__principle=principle)
        .select_related("commitment")
        .annotate(
            accounts_pending=Count(
                "organisation_accounts",
                filter=Q(organisation_accounts__decision=OrganisationAccount.Decision.PENDING),
            ),
            accounts_included=Count(
                "organisation_accounts",
                filter=Q(organisation_accounts__decision=OrganisationAccount.Decision.INCLUDED),
            ),
        )
        .order_by("commitment__position", "commitment__pk")
    )
    return _record_page(request, follow_up, list(entries), plan=False, principle=principle)


@official
def follow_up_plan(request, pk):
    """The development plan's items, each with its status, account, links and attachment."""
    follow_up = get_object_or_404(FollowUp.objects.select_related("agreement"), pk=pk)
    entries = (
        PlanItemEntry.objects.filter(follow_up=follow_up)
        .select_related("plan_item", "plan_item__area")
        .order_by("plan_item__area__position", "plan_item__position", "plan_item__pk")
    )
    return _record_page(request, follow_up, list(entries), plan=True)


@official
def follow_up_accounts(request, pk):
    """The organisations' own accounts, to include in the follow-up or leave out."""
    follow_up = get_object_or_404(FollowUp, pk=pk)
    if request.method == "POST":
        account = get_object_or_404(
            OrganisationAccount, pk=request.POST.get("account") or 0, entry__follow_up=follow_up
        )
        try:
            account_decide(
                actor=request.user, account=account, include=request.POST.get("include") == "1"
            )
        except FollowUpError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The account of %(organisation)s is %(decision)s.")
                % {
                    "organisation": account.organisation.name,
                    "decision": account.get_decision_display().lower(),
                },
            )
        return redirect("backoffice:follow_up_accounts", pk=follow_up.pk)
    accounts = (
        OrganisationAccount.objects.filter(entry__follow_up=follow_up)
        .select_related("organisation", "entry__commitment__principle", "submitted_by")
        .order_by("decision", "entry__commitment__principle__position", "submitted_at")
    )
    decisions = Counter(account.decision for account in accounts)
    return render(
        request,
        "backoffice/follow_ups/accounts.html",
        {
            "section": "follow_ups",
            "follow_up": follow_up,
            "accounts": accounts,
            "pending": decisions[OrganisationAccount.Decision.PENDING],
        },
    )


@official
@decision("backoffice:follow_up")
def follow_up_publish_view(request, pk):
    follow_up = get_object_or_404(FollowUp, pk=pk)
    try:
        follow_up_publish(actor=request.user, follow_up=follow_up)
    except FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The follow-up of %(year)s is published.") % {"year": follow_up.year},
        )
    return redirect("backoffice:follow_up", pk=follow_up.pk)


@official
@decision("backoffice:follow_up")
def follow_up_correct_view(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("agreement"), pk=pk)
    commitments = Commitment.objects.filter(
        principle__agreement=follow_up.agreement
    ).select_related("principle")
    form = CorrectionForm(request.POST, commitments=commitments)
    if not form.is_valid():
        return _overview(request, follow_up, correction_form=form, status=400)
    commitment = None
    if form.cleaned_data["commitment"]:
        commitment = commitments.filter(pk=form.cleaned_data["commitment"]).first()
    try:
        correction_add(
            actor=request.user,
            follow_up=follow_up,
            text=form.cleaned_data["text"],
            commitment=commitment,
        )
    except FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The correction is added, dated today."))
    return redirect("backoffice:follow_up", pk=follow_up.pk)
