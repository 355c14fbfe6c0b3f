from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from core.access import public
from core.data_version import data_version, kept_by_data_version
from core.kept_queries import kept_rows
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
    four times a plain count (the signature list's: 1.1 ms of CPU against 0.25).

    A view naming ``kept_as`` reads its count and its page's rows with kept queries
    (core/kept_queries.py), keyed by that name, the URL's arguments, the filter form's
    cleaned data and the page's bounds: its queryset (``get_queryset()`` and the filters)
    must depend on nothing else of the request (not on who asks), and read only the
    portal's tables. Under the same key and data version (core/data_version.py: no write
    since) the count and the rows are not read again: the same for every official until
    anything changes. The rows are shared: page_columns' rows are not to be changed."""

    kept_as: str | None = None

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        key = self._list_key()
        if key is not None:
            version = data_version(queryset.db)
            paginator.count = kept_by_data_version(
                (key, "count"),
                version,
                lambda: _kept_count((key, "count"), queryset),
                using=queryset.db,
            )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        columns = getattr(self, "page_columns", None)
        if key is None:
            if columns is not None:
                page.object_list = columns(page.object_list)
        else:
            bottom, top = (page.number - 1) * paginator.per_page, page.end_index()
            page.object_list = kept_by_data_version(
                (key, bottom, top),
                version,
                lambda: kept_rows(
                    (key, bottom, top),
                    lambda: columns(queryset[bottom:top]) if columns else queryset[bottom:top],
                ),
                using=queryset.db,
            )
        return paginator, page, page.object_list, page.has_other_pages()

    def _list_key(self):
        """The kept queries' key: the view's name, the URL's arguments and what the filters
        were given (as django-filter filters: the cleaned data of a bound form, none of an
        unbound one). None: not kept (the view names none, a strict list's filters are
        invalid, or a filter's value is nothing to key by)."""
        if self.kept_as is None:
            return None
        key = (self.kept_as, self.args, tuple(sorted(self.kwargs.items())))
        filterset = getattr(self, "filterset", None)
        if filterset is None or not filterset.is_bound:
            return key
        if not filterset.is_valid() and self.get_strict():
            return None  # FilterView lists none: not the unfiltered list's key
        try:
            return (
                *key,
                tuple(
                    sorted(
                        (name, _key_value(value))
                        for name, value in filterset.form.cleaned_data.items()
                    )
                ),
            )
        except TypeError:  # a value of a kind _key_value does not know
            return None


def _key_value(value):
    """A filter's cleaned value as part of a key: a model instance by its model and primary
    key, several values as a tuple, a plain value (text, number, date, None) as it is."""
    if isinstance(value, Model):
        return (value._meta.label, value.pk)
    if isinstance(value, QuerySet | list | tuple | set | frozenset):
        return tuple(_key_value(item) for item in value)
    if value is None or isinstance(value, str | int | float | Decimal | date | bool):
        return value
    raise TypeError(type(value).__name__)


def _kept_count(key, queryset) -> int:
    """``queryset.count()`` with its query kept: ``SELECT COUNT(*) … WHERE …`` as a values()
    query of the one aggregate (its GROUP BY taken away: values() would group by the primary
    key). A query the ORM counts through a subquery (distinct, sliced, combined, grouped,
    annotated with an aggregate) is counted by the ORM."""
    query = queryset.query
    if (
        query.distinct
        or query.is_sliced
        or query.combinator
        or query.group_by is not None
        or any(getattr(a, "contains_aggregate", False) for a in query.annotations.values())
    ):
        return queryset.count()

    def count():
        counted = queryset.order_by().values(counted=Count("*"))
        counted.query.group_by = None
        return counted

    rows = kept_rows(key, count)
    return rows[0]["counted"] if rows else 0  # no row: a query that can match nothing
