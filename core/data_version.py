"""The database's data version: what is worked out from the portal's tables, kept under a
token that changes with every committed write to them, so that what is kept stays exact.

On PostgreSQL a trigger on every table of the portal's own apps (their models, the
many-to-many tables included) sets ``core_dataversion``'s one row to a new random token
when a transaction that wrote to any of them commits: a deferred constraint trigger (run at
commit, once per transaction, after the transaction's own locks: it waits for no one but
another committing transaction, so it adds no deadlock), and one for TRUNCATE. The token is
committed with the writes: a reader that sees a token sees every write before it.

``data_version()`` reads the token, or None where nothing may be kept: on another database
(SQLite: ``make run``), before any write since the triggers were put in place, or in a
transaction that has written (its own writes are not in the token until it commits).
``kept_by_data_version(key, version, compute)`` keeps ``compute()`` per key, language and
token in the process (at most KEPT, of the latest token only): read under a token, it holds
at least what the database held when the token was read, which is what a reader asking
afterwards is owed.

Not covered, by design: tables of other apps (sessions, allauth's), which nothing kept
reads; writes with triggers turned off (``session_replication_role = replica``, e.g. a
``pg_restore --disable-triggers``): restart the portal after such a restore. The test
settings (``KEPT_QUERIES_CHECK``) compute anew on every call and fail on a difference.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.utils.translation import get_language

KEPT = 200  # entries per process, the least recently used forgotten first
TRIGGER = "core_data_version"
TRUNCATE_TRIGGER = "core_data_version_truncate"
_VERSION_SQL = (
    "SELECT version FROM core_dataversion WHERE id = 1 AND txid_current_if_assigned() IS NULL"
)


class DataVersionStale(AssertionError):
    """What was kept under a data version differs from what is computed now: a write to a
    table without the trigger, or a computation reading something the token does not follow."""


def portal_tables(apps=global_apps) -> list[str]:
    """The tables of the portal's own apps (those in the project's directory, not installed
    packages), many-to-many tables included; not the data version's own."""
    root = Path(settings.BASE_DIR).resolve()
    tables = []
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if not path.is_relative_to(root) or {"site-packages", "dist-packages"} & set(path.parts):
            continue
        for model in app_config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table == "core_dataversion":
                continue
            tables.append(meta.db_table)
    return sorted(set(tables))


def install_triggers(using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> list[str]:
    """The data version's triggers on every portal table that lacks them (PostgreSQL only):
    run after every migrate (core.apps), so a new table gets them too. Returns the tables it
    put them on."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    added = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND pg_catalog.pg_table_is_visible(c.oid)",
            [TRIGGER],
        )
        done = {name for (name,) in cursor.fetchall()}
        for table in portal_tables(apps):
            if table not in existing or table in done:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {quoted} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION core_bump_data_version()"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {quoted} "
                "FOR EACH STATEMENT EXECUTE FUNCTION core_bump_data_version()"
            )
            added.append(table)
    return added


def tables_without_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Portal tables the data version does not follow (PostgreSQL): none, after a migrate."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname IN (%s, %s) AND pg_catalog.pg_table_is_visible(c.oid) "
            "GROUP BY c.relname HAVING count(*) = 2",
            [TRIGGER, TRUNCATE_TRIGGER],
        )
        followed = {name for (name,) in cursor.fetchall()}
    return [table for table in portal_tables() if table not in followed]


def data_version(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The current token, or None: nothing may be kept (see the module's docstring)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


_kept: OrderedDict = OrderedDict()
_kept_version = None  # the version of what is kept: a newer one forgets it all
_lock = threading.Lock()
_MISSING = object()


def kept_by_data_version(key: Hashable, version: str | None, compute: Callable):
    """``compute()``, kept per key, language and data version (``version``: data_version(),
    read before). A version of None: computed, not kept. What is kept is shared by every
    request of the process: it must not be changed by its callers."""
    if version is None:
        return compute()
    full_key = (key, get_language(), version)
    with _lock:
        kept = _kept.get(full_key, _MISSING)
        if kept is not _MISSING:
            _kept.move_to_end(full_key)
    if kept is not _MISSING and not settings.KEPT_QUERIES_CHECK:
        return kept
    computed = compute()
    if kept is not _MISSING and _compared(kept) != _compared(computed):  # the test settings' check
        raise DataVersionStale(
            f"Kept under data version {version} as {key!r}, and now otherwise: a write the "
            f"version did not follow.\nkept: {kept!r}\nnow:  {computed!r}"
        )
    global _kept_version
    with _lock:
        if version != _kept_version:  # what was kept under another version is not read again
            _kept.clear()
            _kept_version = version
        _kept[full_key] = computed
        _kept.move_to_end(full_key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return computed


def _compared(value):
    """A kept value as the check compares it: model instances by their fields' values (a
    model instance equals any other with its primary key)."""
    if isinstance(value, list | tuple):
        return [_compared(item) for item in value]
    if isinstance(value, Model):
        return (type(value), {k: v for k, v in value.__dict__.items() if k != "_state"})
    return value


def forget_kept(**kwargs) -> None:
    with _lock:
        _kept.clear()


setting_changed.connect(forget_kept, dispatch_uid="core.data_version")
