from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from compact.models import Agreement, IssuedDocument
from core.access import public
from core.public_cache import cached_public_page
from principles.models import Commitment, DevelopmentArea, Party, Principle
from principles.revision import agreement_differences


@public
@cached_public_page(content_for_everyone=True)
def principle_list(request):
    agreement = Agreement.objects.current_or_404()
    principles = agreement.principles.annotate(commitment_count=Count("commitments"))
    return render(
        request,
        "principles/principle_list.html",
        {"agreement": agreement, "principles": principles},
    )


@public
@cached_public_page(content_for_everyone=True)
def principle_detail(request, pk):
    principle = get_object_or_404(
        Principle.objects.in_force().select_related("agreement").prefetch_related("commitments"),
        pk=pk,
    )
    groups = [
        (party, [c for c in principle.commitments.all() if c.party == party]) for party in Party
    ]
    siblings = list(principle.agreement.principles.only("pk", "title", "position"))
    index = next(i for i, p in enumerate(siblings) if p.pk == principle.pk)
    return render(
        request,
        "principles/principle_detail.html",
        {
            "principle": principle,
            "agreement": principle.agreement,
            "party_groups": [(party, items) for party, items in groups if items],
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )


@public
@cached_public_page(content_for_everyone=True)
def party_commitments(request, party):
    if party not in Party.values:
        raise Http404("No such party.")
    agreement = Agreement.objects.current_or_404()
    principles = agreement.principles.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.filter(party=party), to_attr="chosen")
    )
    return render(
        request,
        "principles/party_commitments.html",
        {
            "agreement": agreement,
            "party": Party(party),
            "parties": Party,
            "principles": [p for p in principles if p.chosen],
        },
    )


@public
@cached_public_page(content_for_everyone=True)
def development_areas(request):
    agreement = Agreement.objects.current_or_404()
    areas = DevelopmentArea.objects.filter(agreement=agreement).prefetch_related("plan_items")
    return render(
        request,
        "principles/development_areas.html",
        {"agreement": agreement, "areas": areas},
    )


# The versions of the compact: its history, each version's text, and what changed -------


def _public_version(pk) -> Agreement:
    return get_object_or_404(Agreement.objects.public(), pk=pk)


@public
@cached_public_page(content_for_everyone=True)
def history(request):
    """Every public version, newest first: adopted and superseded on, how many organisations
    signed it, its text, what changed from the one before, its sealed PDF once issued."""
    versions = list(
        Agreement.objects.public().annotate(
            signatory_count=Count(
                "signatures",
                filter=Q(
                    signatures__withdrawn_at__isnull=True,
                    signatures__organisation__verification="verified",
                ),
            )
        )
    )
    issued = set(
        IssuedDocument.objects.filter(
            kind=IssuedDocument.Kind.AGREEMENT,
            agreement__in=versions,
            language=translation.get_language(),
        )
        .values_list("agreement", flat=True)
        .distinct()
    )
    for version in versions:
        version.pdf_url = _document_url(version) if version.pk in issued else ""
    return render(request, "principles/history.html", {"versions": versions})


def _document_url(agreement) -> str:
    """The page of the version's sealed PDF (compact/documents/), if the portal has it."""
    try:
        return reverse("compact:agreement_document", args=[agreement.pk])
    except NoReverseMatch:
        return ""


@public
@cached_public_page(content_for_everyone=True)
def version_text(request, pk):
    """A version's principles with their commitments, as adopted (in force or superseded)."""
    agreement = _public_version(pk)
    principles = agreement.principles.prefetch_related("commitments")
    areas = DevelopmentArea.objects.filter(agreement=agreement).prefetch_related("plan_items")
    return render(
        request,
        "principles/version_text.html",
        {"agreement": agreement, "principles": principles, "areas": areas},
    )


@public
@cached_public_page
def differences(request, pk):
    """What a public version changed from the one it revised, word by word."""
    agreement = _public_version(pk)
    if agreement.previous_id is None:
        raise Http404("The first version revises nothing.")
    return render(
        request,
        "principles/differences.html",
        {"differences": agreement_differences(agreement), "agreement": agreement},
    )
