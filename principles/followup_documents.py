"""The PDF edition of a published year's follow-up, sealed like the agreement: compact's
issuing (compact/documents/issuing.py) renders, seals, stores and records it as an
IssuedDocument of kind follow_up keyed by the year; what it shows is prepared here (compact
does not know the follow-up). Issued by principles.tasks.issue_follow_up_document, queued
on commit when a follow-up is published or corrected; an unchanged one is not issued again."""

from collections import Counter

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from compact.documents.issuing import issue_document
from compact.models import IssuedDocument
from principles.models import (
    CommitmentEntry,
    EntryStatus,
    FollowUp,
    OrganisationAccount,
    PlanItemEntry,
)

TEMPLATE = "pdf/follow_up.html"


def _context(follow_up: FollowUp) -> dict:
    entries = list(
        CommitmentEntry.objects.filter(follow_up=follow_up)
        .select_related("commitment", "commitment__principle")
        .prefetch_related(
            Prefetch(
                "organisation_accounts",
                queryset=OrganisationAccount.objects.filter(
                    decision=OrganisationAccount.Decision.INCLUDED
                )
                .select_related("organisation")
                .order_by("organisation__name", "pk"),
                to_attr="included_accounts",
            )
        )
        .order_by("commitment__principle__position", "commitment__position", "commitment__pk")
    )
    principles = {}
    for entry in entries:
        principle = entry.commitment.principle
        principles.setdefault(principle.pk, (principle, []))[1].append(entry)
    counts = Counter(entry.status for entry in entries)
    return {
        "follow_up": follow_up,
        "agreement": follow_up.agreement,
        "public_parties": list(follow_up.agreement.public_parties.all()),
        "principles": list(principles.values()),
        "counts": [(status.label, counts.get(status.value, 0)) for status in EntryStatus],
        "total": len(entries),
        "plan_entries": list(
            PlanItemEntry.objects.filter(follow_up=follow_up)
            .select_related("plan_item", "plan_item__area")
            .order_by("plan_item__area__position", "plan_item__position", "plan_item__pk")
        ),
        "corrections": list(
            follow_up.corrections.select_related("commitment").order_by("added_at", "pk")
        ),
    }


def issue_follow_up(follow_up: FollowUp, language: str) -> IssuedDocument | None:
    """A new edition of the year's follow-up in ``language`` if what it shows has changed
    (published, a correction added); a draft is not issued."""
    follow_up = FollowUp.objects.select_related("agreement").get(pk=follow_up.pk)
    if not follow_up.is_published:
        return None
    with translation.override(language):
        context = _context(follow_up)
    return issue_document(
        kind=IssuedDocument.Kind.FOLLOW_UP,
        agreement=follow_up.agreement,
        language=language,
        template=TEMPLATE,
        context=context,
        year=follow_up.year,
    )


def latest_follow_up_edition(follow_up: FollowUp, language: str) -> IssuedDocument | None:
    return IssuedDocument.objects.latest_edition(
        kind=IssuedDocument.Kind.FOLLOW_UP,
        agreement=follow_up.agreement_id,
        language=language,
        year=follow_up.year,
    )


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
