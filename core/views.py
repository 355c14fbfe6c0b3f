from django.http import HttpResponse

from core.access import public


@public
def ping(request):
    """A bare view: the benchmark's yardstick for every other page."""
    return HttpResponse(b"pong", content_type="text/plain")


class ForgivingPaginationMixin:
    """For a ListView: a page number that is out of range or not a number shows the nearest
    page (as ``Paginator.get_page`` does), never a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
