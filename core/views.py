from datetime import date

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from core.access import public
from core.public_cache import cached_public_page


@public
def ping(request):
    """A bare view: the benchmark's yardstick for every other page."""
    return HttpResponse(b"pong", content_type="text/plain")


@public
@cached_public_page(content_for_everyone=True)
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse), after DIGG's model."""
    assessed_on = date.fromisoformat(settings.PORTAL_IDENTITY["accessibility_assessed_on"])
    return render(request, "core/accessibility.html", {"assessed_on": assessed_on})


@public
@cached_public_page(content_for_everyone=True)
def how_to_join(request):
    """The three ways an organisation joins the compact: online, in writing, at a forum. What
    to do first is the visitor's own part (their organisations, or signing up)."""
    return render(request, "core/how_to_join.html")


class ForgivingPaginationMixin:
    """For a ListView: a page number that is out of range or not a number shows the nearest
    page (as ``Paginator.get_page`` does), never a 404.

    A view with ``page_columns(queryset)`` counts and pages its list as the filters leave it,
    and reads what its rows show (columns of related models, annotations, prefetches) for the
    page's rows only: counting a query with the rows' joins and annotations cost the ORM
    four times a plain count (the signature list's: 1.1 ms of CPU against 0.25)."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if hasattr(self, "page_columns"):
            page.object_list = self.page_columns(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()
