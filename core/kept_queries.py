"""A page's reads with their SQL compiled once and kept: the rows are read afresh on every
request, the ORM's work of building the query and compiling it to SQL is done once per key.

Building and compiling a query cost the ORM 0.3–1 ms of CPU per statement here (a
``select_related`` of a translated model, a subquery, a filter set's filters), against about
0.1 ms to run the same SQL: on the officials' lists and dashboards more than the rows
themselves. ``kept_rows(key, build)`` calls ``build()`` for a QuerySet the first time a key
is asked for in a thread, compiles it, and keeps its SQL and its compiler (which knows how
to turn rows into model instances, dictionaries of ``values()``, related objects of
``select_related``); the next time the same SQL runs again with the same parameters.

The key is the contract: **the query must depend on nothing but its key and the active
language** (which is added to it): every argument of the filter (an organisation's id, the
filter form's cleaned data, the page's bounds) belongs in the key, and nothing read from the
clock or the database may go into the query (a date of today, a content type's id read in
one database and used in another). The test settings check it (``KEPT_QUERIES_CHECK``):
every call there builds and compiles the query anew and fails if its SQL or parameters
differ from those kept.

Kept per thread (a compiler belongs to its thread's connection) and bounded. The rows come
back as a list: a kept query is not chained further (a clone of it would carry the kept
SQL into another query).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.utils.translation import get_language

KEPT_PER_THREAD = 500

_local = threading.local()


class KeptQueryChanged(AssertionError):
    """A kept query's SQL or parameters differ from those its key was first compiled to:
    the query depends on something its key does not name."""


def _kept() -> OrderedDict:
    kept = getattr(_local, "kept", None)
    if kept is None:
        kept = _local.kept = OrderedDict()
    return kept


def kept_rows(key: Hashable, build: Callable[[], QuerySet]) -> list:
    """The rows of ``build()``, its SQL compiled once per key, language and thread."""
    kept = _kept()
    key = (key, get_language())
    entry = kept.get(key)
    if entry is None or settings.KEPT_QUERIES_CHECK:
        queryset = build()
        if queryset._known_related_objects:  # a related manager's: its instance would be kept
            raise ValueError("kept_rows() takes a query of a model's manager, not a related one's")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            compiled = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):  # no SQL to keep (e.g. pk__in=[])
            return list(queryset)
        if entry is not None and entry[2] != compiled:
            raise KeptQueryChanged(
                f"The query kept as {key!r} changed: it depends on something its key does "
                f"not name.\nkept: {entry[2]!r}\nnow:  {compiled!r}"
            )
        if entry is None:
            compiler.as_sql = lambda *args, **kwargs: compiled  # its state is set: run it
            entry = kept[key] = (queryset, compiler, compiled)
            if len(kept) > KEPT_PER_THREAD:
                kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    template, compiler, _compiled = entry
    queryset = template._chain()  # a fresh result cache; this one query runs the kept SQL
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)


def forget_kept_queries(**kwargs) -> None:
    """This thread's kept queries forgotten (a setting changed in a test: the database's
    vendor, the languages)."""
    _kept().clear()


setting_changed.connect(forget_kept_queries, dispatch_uid="core.kept_queries")
