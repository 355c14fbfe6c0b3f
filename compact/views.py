from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render

from accounts.access import public
from compact.models import Agreement


@public
def ping(request):
    """A bare view: the benchmark's yardstick for every other page."""
    return HttpResponse(b"pong", content_type="text/plain")


@public
def home(request):
    agreement = (
        Agreement.objects.in_force()
        .prefetch_related("public_parties")
        .annotate(principle_count=Count("principles", distinct=True))
        .first()
    )
    context = {"agreement": agreement}
    if agreement is not None:
        context["signatory_count"] = (
            agreement.signatures.public().values("organisation").distinct().count()
        )
    return render(request, "compact/home.html", context)
