"""The public follow-up (published years only): a year by principle and by party, with
counts by status as a table and an accessible chart of the same figures, a comparison of
two years per commitment, and the attachments. These pages are the same for every visitor:
a signed-in person gets the page kept for everyone with only their own parts rendered in
(cached_public_page(content_for_everyone=True)); publishing a year, a correction and a new
edition of its PDF change the content version. Representatives give their organisation's
own accounts here too (their own page, never kept)."""

import mimetypes
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from compact.documents.views import pending, serve
from core.access import OFFICIAL_PERMISSION, public, second_factor_used
from core.public_cache import cached_public_page
from organisations.access import for_organisation
from principles.followup_documents import latest_follow_up_edition
from principles.followups import (
    FollowUpError,
    account_submit,
    accountable_commitments,
    may_submit_accounts,
)
from principles.forms import AccountForm
from principles.models import (
    CommitmentEntry,
    EntryStatus,
    FollowUp,
    OrganisationAccount,
    Party,
    PlanItemEntry,
)

# The chart's colours, one a status (SVG presentation attributes: the CSP allows them), told
# apart by lightness too; the table beside the chart holds the same figures.
STATUS_COLOURS = {
    EntryStatus.DONE: "#1b5e20",
    EntryStatus.IN_PROGRESS: "#4f8fd6",
    EntryStatus.NOT_STARTED: "#c62828",
    EntryStatus.NOT_APPLICABLE: "#bdbdbd",
}
CHART_WIDTH = 600
ROW_HEIGHT = 46


@dataclass
class Segment:
    status: EntryStatus
    count: int
    x: float
    width: float
    colour: str


@dataclass
class Row:
    label: str
    counts: dict
    total: int
    segments: list
    y: int
    summary: str


def chart_rows(rows: list[tuple[str, Counter]]) -> list[Row]:
    """Each row's stacked bar: a segment a status, its width the status's share."""
    chart = []
    for index, (label, counter) in enumerate(rows):
        total = sum(counter.values())
        x, segments = 0.0, []
        for status in EntryStatus:
            count = counter.get(status.value, 0)
            width = CHART_WIDTH * count / total if total else 0
            if count:
                segments.append(
                    Segment(status, count, round(x, 2), round(width, 2), STATUS_COLOURS[status])
                )
            x += width
        chart.append(
            Row(
                label=label,
                counts=[counter.get(status.value, 0) for status in EntryStatus],
                total=total,
                segments=segments,
                y=index * ROW_HEIGHT,
                summary="{}: {}.".format(
                    label,
                    ", ".join(
                        f"{status.label} {counter.get(status.value, 0)}" for status in EntryStatus
                    ),
                ),
            )
        )
    return chart


def _published(year) -> FollowUp:
    return get_object_or_404(FollowUp.objects.published().select_related("agreement"), year=year)


def _entries(follow_up, party=None):
    entries = (
        CommitmentEntry.objects.filter(follow_up=follow_up)
        .select_related("commitment", "commitment__principle")
        .prefetch_related(
            Prefetch(
                "organisation_accounts",
                queryset=OrganisationAccount.objects.filter(
                    decision=OrganisationAccount.Decision.INCLUDED
                ).select_related("organisation"),
                to_attr="included_accounts",
            )
        )
        .order_by("commitment__principle__position", "commitment__position", "commitment__pk")
    )
    if party:
        entries = entries.filter(commitment__party=party)
    return list(entries)


def _by_principle(entries):
    groups = {}
    for entry in entries:
        principle = entry.commitment.principle
        groups.setdefault(principle.pk, (principle, []))[1].append(entry)
    return list(groups.values())


def _year_page(request, year, party=None):
    follow_up = _published(year)
    entries = _entries(follow_up, party)
    principles = _by_principle(entries)
    if party:
        # One party's commitments: a bar a principle.
        rows = [
            (principle.title, Counter(entry.status for entry in group))
            for principle, group in principles
        ]
    else:
        rows = [
            (
                str(Party(value).label),
                Counter(entry.status for entry in entries if entry.commitment.party == value),
            )
            for value in Party.values
        ]
    rows.append((_("All commitments"), Counter(entry.status for entry in entries)))
    chart = chart_rows(rows)
    corrections = list(follow_up.corrections.select_related("commitment"))
    plan_entries = []
    if not party:
        plan_entries = list(
            PlanItemEntry.objects.filter(follow_up=follow_up)
            .select_related("plan_item", "plan_item__area")
            .order_by("plan_item__area__position", "plan_item__position", "plan_item__pk")
        )
    return render(
        request,
        "principles/follow_up.html",
        {
            "follow_up": follow_up,
            "agreement": follow_up.agreement,
            "party": Party(party) if party else None,
            "parties": Party,
            "principles": principles,
            "chart": chart,
            "chart_height": len(chart) * ROW_HEIGHT,
            "chart_width": CHART_WIDTH,
            "statuses": [(status, STATUS_COLOURS[status]) for status in EntryStatus],
            "plan_entries": plan_entries,
            "corrections": corrections,
            # The sealed PDF as issued (by a task: never rendered here), or None while
            # it is being prepared.
            "document": latest_follow_up_edition(follow_up, translation.get_language()),
        },
    )


@public
@cached_public_page(content_for_everyone=True)
def follow_up_list(request):
    """The published follow-ups, newest first, and the comparison's form."""
    follow_ups = list(FollowUp.objects.published().select_related("agreement"))
    return render(request, "principles/follow_up_list.html", {"follow_ups": follow_ups})


@public
@cached_public_page(content_for_everyone=True)
def follow_up_year(request, year):
    return _year_page(request, year)


@public
@cached_public_page(content_for_everyone=True)
def follow_up_party(request, year, party):
    if party not in Party.values:
        raise Http404("No such party.")
    return _year_page(request, year, party)


@public
def follow_up_pdf(request, year):
    """The latest issued edition of the year's sealed PDF in this language, from the
    storage; a page saying it is being prepared until the task has issued it."""
    follow_up = _published(year)
    language = translation.get_language()
    document = latest_follow_up_edition(follow_up, language)
    if document is None:
        return pending(request, title=_("The follow-up as a PDF"))
    return serve(document, f"follow-up-{follow_up.year}-{language}.pdf")


def _year_argument(request, name):
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


@public
@cached_public_page(content_for_everyone=True)
def follow_up_compare(request):
    """Two published years side by side, a row a commitment (a commitment of a revised
    version is matched with the one it was copied from)."""
    years = list(FollowUp.objects.published().values_list("year", flat=True))
    first, second = _year_argument(request, "from"), _year_argument(request, "to")
    if first is None and second is None and len(years) >= 2:
        second, first = years[0], years[1]
    rows = None
    if first in years and second in years:
        first, second = sorted([first, second])
        old = {
            entry.commitment_id: entry
            for entry in CommitmentEntry.objects.filter(follow_up__year=first).select_related(
                "commitment"
            )
        }
        new = (
            CommitmentEntry.objects.filter(follow_up__year=second)
            .select_related("commitment", "commitment__principle")
            .order_by("commitment__principle__position", "commitment__position", "commitment__pk")
        )
        rows, matched = [], set()
        for entry in new:
            commitment = entry.commitment
            before = old.get(commitment.pk) or old.get(commitment.copied_from_id)
            if before:
                matched.add(before.commitment_id)
            rows.append(
                {
                    "principle": commitment.principle.title,
                    "text": commitment.text,
                    "party": commitment.get_party_display(),
                    "before": before.get_status_display() if before else None,
                    "after": entry.get_status_display(),
                    "changed": before is None or before.status != entry.status,
                }
            )
        for commitment_id, entry in old.items():
            if commitment_id not in matched:
                rows.append(
                    {
                        "principle": "",
                        "text": entry.commitment.text,
                        "party": entry.commitment.get_party_display(),
                        "before": entry.get_status_display(),
                        "after": None,
                        "changed": True,
                    }
                )
    return render(
        request,
        "principles/follow_up_compare.html",
        {"years": years, "first": first, "second": second, "rows": rows},
    )


@public
def follow_up_attachment(request, kind, pk):
    """An entry's attachment: everyone's once the follow-up is published; before, only an
    official's (signed in with the second factor)."""
    model = {"commitment": CommitmentEntry, "plan": PlanItemEntry}.get(kind)
    if model is None:
        raise Http404("No such kind.")
    entry = get_object_or_404(model.objects.select_related("follow_up"), pk=pk)
    if not entry.attachment:
        raise Http404("No attachment.")
    if not entry.follow_up.is_published and not (
        request.user.has_perm(OFFICIAL_PERMISSION) and second_factor_used(request)
    ):
        raise Http404("Not published.")
    name = entry.attachment.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1]
    return FileResponse(
        entry.attachment.open("rb"),
        as_attachment=True,
        filename=f"follow-up-{entry.follow_up.year}-{kind}-{entry.pk}.{extension}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


@for_organisation("principles.submit_account")
def follow_up_account(request, organisation):
    """The organisation's own accounts of the sector's and both parties' commitments in the
    follow-up being prepared (the newest draft)."""
    follow_up = FollowUp.objects.filter(status=FollowUp.Status.DRAFT).order_by("-year").first()
    allowed = follow_up is not None and may_submit_accounts(organisation, follow_up)
    entries, form = [], None
    if allowed:
        entries = list(
            accountable_commitments(follow_up).order_by(
                "commitment__principle__position", "commitment__position", "commitment__pk"
            )
        )
        given = {
            account.entry_id: account
            for account in OrganisationAccount.objects.filter(
                entry__follow_up=follow_up, organisation=organisation
            )
        }
        for entry in entries:
            entry.own_account = given.get(entry.pk)
        if request.method == "POST":
            form = AccountForm(request.POST)
            entry = next((e for e in entries if str(e.pk) == request.POST.get("entry")), None)
            if entry is None:
                raise Http404("No such commitment in the follow-up.")
            if form.is_valid():
                try:
                    account_submit(
                        actor=request.user,
                        organisation=organisation,
                        entry=entry,
                        text=form.cleaned_data["text"],
                    )
                except FollowUpError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        _("Your account is submitted. Officials decide whether to include it."),
                    )
                    return redirect(request.path)
            form.entry_pk = entry.pk
    return render(
        request,
        "principles/follow_up_account.html",
        {
            "organisation": organisation,
            "follow_up": follow_up,
            "allowed": allowed,
            "entries": entries,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )
