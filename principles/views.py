from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from compact.models import Agreement
from core.access import public
from core.public_cache import cached_public_page
from principles.models import Commitment, DevelopmentArea, Party, Principle


@public
@cached_public_page
def principle_list(request):
    agreement = Agreement.objects.current_or_404()
    principles = agreement.principles.annotate(commitment_count=Count("commitments"))
    return render(
        request,
        "principles/principle_list.html",
        {"agreement": agreement, "principles": principles},
    )


@public
@cached_public_page
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
@cached_public_page
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
@cached_public_page
def development_areas(request):
    agreement = Agreement.objects.current_or_404()
    areas = DevelopmentArea.objects.filter(agreement=agreement).prefetch_related("plan_items")
    return render(
        request,
        "principles/development_areas.html",
        {"agreement": agreement, "areas": areas},
    )
