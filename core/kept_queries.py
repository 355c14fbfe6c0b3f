"""A page's reads with their SQL compiled once and kept: the rows are read afresh on every
request, the ORM's work of building the query and compiling it to SQL is done once.

Building and compiling a query cost the ORM 0.3–1 ms of CPU per statement here (a
``select_related`` of a translated model, a subquery, a filter set's filters), against about
0.1 ms to run the same SQL: on the officials' lists and dashboards more than the rows
themselves. ``kept_rows(key, build, *ids)`` calls ``build(*ids)`` for a QuerySet the first
time a key is asked for in a thread, compiles it, and keeps its SQL and its compiler (which
knows how to turn rows into model instances, dictionaries of ``values()``, related objects
of ``select_related``); the next call runs the same SQL again, with its own ids.

The ids (whole numbers, or tuples of distinct ones, e.g. an organisation's and a user's
primary key) are given to ``build`` as stand-ins while it is compiled and put in their
places in the parameters on each call: one kept query serves every organisation; a tuple's
length is part of the key. **Everything else the query depends on belongs in the key** (a
filter form's values, a page's bounds); the active language and time zone are added to it.
Nothing read from the clock or the database may go into the query (a date of today, a
content type's id). The test settings check it
(``KEPT_QUERIES_CHECK``): every call there also builds and compiles the query anew with the
real ids and fails if its SQL or parameters differ from those run.

Kept per thread (a compiler belongs to its thread's connection), at most KEPT_PER_THREAD
queries, the least recently used forgotten first. The rows come back as a list: a kept
query is not chained further (a clone of it would carry the kept SQL into another query).
"""

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import get_language

KEPT_PER_THREAD = 200
# The ids' stand-ins while a query is compiled: whole numbers no row's id reaches, within a
# bigint (the ORM takes a lookup of a number beyond its field's range for an empty one).
_STAND_IN = 9_100_000_000_000_000_000

_local = threading.local()


class KeptQueryChanged(AssertionError):
    """A kept query's SQL or parameters differ from the query built anew: the query depends
    on something its key does not name."""


@dataclass
class _Kept:
    queryset: QuerySet  # as built with the stand-ins; cloned for each call
    compiler: SQLCompiler  # its state set by compiling; runs the SQL given to it
    sql: str
    params: tuple
    places: tuple[tuple[int, ...], ...]  # where each id goes in params


_generation = 0  # forget_kept_queries() forgets every thread's: each compares its own


def _kept() -> OrderedDict:
    kept = getattr(_local, "kept", None)
    if kept is None or _local.generation != _generation:
        kept = _local.kept = OrderedDict()
        _local.generation = _generation
    return kept


def _flat(ids) -> list[int]:
    flat = []
    for value in ids:
        items = value if type(value) is tuple else (value,)
        for item in items:
            if type(item) is not int:
                raise TypeError(f"kept_rows() takes ids as whole numbers, not {item!r}")
        if len(set(items)) != len(items):  # the ORM drops repeated ones from an IN list
            raise ValueError(f"kept_rows() takes distinct ids in a tuple, not {value!r}")
        flat.extend(items)
    return flat


def _shape(ids) -> tuple:
    return tuple(len(value) if type(value) is tuple else None for value in ids)


def kept_rows(key: Hashable, build: Callable[..., QuerySet], *ids) -> list:
    """The rows of ``build(*ids)``, its SQL compiled once per key, language, thread and shape
    of the ids (how many a tuple holds)."""
    flat = _flat(ids)
    kept = _kept()
    key = (key, _shape(ids), get_language(), timezone.get_current_timezone_name())
    entry = kept.get(key)
    if entry is None:
        entry = _compile(build, ids)
        if entry is None:  # no SQL to keep (e.g. pk__in=[])
            return list(build(*ids))
        kept[key] = entry
        if len(kept) > KEPT_PER_THREAD:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    params = list(entry.params)
    for value, places in zip(flat, entry.places, strict=True):
        for place in places:
            params[place] = value
    compiled = (entry.sql, tuple(params))
    if settings.KEPT_QUERIES_CHECK:
        _check(key, build, ids, compiled)
    entry.compiler.as_sql = lambda *args, **kwargs: compiled  # this call's SQL: run it
    queryset = entry.queryset._chain()  # a fresh result cache; this one query runs it
    queryset.query.get_compiler = lambda *args, **kwargs: entry.compiler
    return list(queryset)


def _compile(build, ids) -> _Kept | None:
    stand_ins = itertools.count(_STAND_IN)
    marked = [
        tuple(itertools.islice(stand_ins, len(value))) if type(value) is tuple else next(stand_ins)
        for value in ids
    ]
    queryset = build(*marked)
    if queryset._known_related_objects:  # a related manager's: its instance would be kept
        raise ValueError("kept_rows() takes a query of a model's manager, not a related one's")
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    marks = _flat(marked)
    places = tuple(
        tuple(place for place, param in enumerate(params) if type(param) is int and param == mark)
        for mark in marks
    )
    if not all(places) or any(str(mark) in sql for mark in marks):
        raise ValueError(
            "kept_rows(): each id must go into the query as a parameter of its own "
            f"(an id's place not found in {params!r})"
        )
    compiler.get_converters = _converters_kept(compiler.get_converters)
    return _Kept(queryset, compiler, sql, tuple(params), places)


def _converters_kept(get_converters):
    """The compiler's converters for its columns (the database's and the fields', worked out
    column by column on every run) kept: the same columns, the same connection's."""
    kept = {}

    def converters(expressions):
        key = tuple(map(id, expressions))
        found = kept.get(key)
        if found is None:
            found = kept[key] = (get_converters(expressions), list(expressions))  # kept alive
        return found[0]

    return converters


def _check(key, build, ids, compiled) -> None:
    queryset = build(*ids)
    try:
        now = queryset.query.get_compiler(using=queryset.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        now = None
    if now is None or (now[0], tuple(now[1])) != compiled:
        raise KeptQueryChanged(
            f"The query kept as {key!r} is not the query built anew: it depends on something "
            f"its key does not name.\nkept: {compiled!r}\nnow:  {now!r}"
        )


def forget_kept_queries(**kwargs) -> None:
    """Every thread's kept queries forgotten (a setting changed in a test: the database's
    vendor, the languages), each at its next kept query."""
    global _generation
    _generation += 1


setting_changed.connect(forget_kept_queries, dispatch_uid="core.kept_queries")
