"""The database's data version: what is worked out from the portal's tables, kept under a
token that changes with every committed write to them, so that what is kept stays exact.

On PostgreSQL a trigger on every table of the portal's own apps (their models, the
many-to-many tables included), after each statement that writes to it (TRUNCATE too),
marks the transaction once; at its commit, after every other deferred check (foreign keys
included), ``core_dataversion``'s one row gets a new random token (migration core 0005).
The token is committed with the writes: a reader that sees a token sees every write before
it. A transaction holds that row only at the very end of its commit, waiting for nothing
else, so committing writers queue there briefly (the portal's rate of writes is far below
what that allows) and no deadlock comes of it, unless the transaction makes its deferred
checks immediate first (``SET CONSTRAINTS ALL IMMEDIATE``: Django's ``check_constraints()``
in tests and loaddata), which sets the token then. A REPEATABLE READ or SERIALIZABLE
transaction that writes would fail at commit after another's write: the portal uses READ
COMMITTED.

``data_version()`` reads the token, or None where nothing may be kept: on another database
(SQLite: ``make run``), before any write since the triggers were put in place, or in a
transaction that has written (its own writes are not in the token until it commits).
``kept_by_data_version(key, version, compute)`` keeps ``compute()`` per key, language, time
zone and token in the process (at most KEPT entries, of one token: another forgets them).
Read under a token, what is kept holds at least what the database held when the token was
read, which is what a reader asking afterwards is owed. What is computed must depend on
nothing but the portal's tables and the key (not on who asks, not on the clock).

Not followed, by design: tables of other apps (sessions, allauth's, content types: these
change only in a migrate, after which the portal restarts); writes with triggers turned off
(``session_replication_role = replica``, as a restore may do): restart the portal after
restoring a database. The test settings (``KEPT_QUERIES_CHECK``) compute anew on every call
and fail on a difference under a token that has not changed meanwhile.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import get_language

KEPT = 200  # entries per process, the least recently used forgotten first
TRIGGER = "core_data_version"
_VERSION_SQL = (
    "SELECT version FROM core_dataversion WHERE id = 1 AND txid_current_if_assigned() IS NULL"
)


class DataVersionStale(AssertionError):
    """What was kept under a data version differs from what is computed now: a write to a
    table without the trigger, or a computation reading something the token does not follow."""


def portal_tables() -> list[str]:
    """The tables of the portal's own apps (those in the project's directory, not installed
    packages), many-to-many tables included; not the data version's own."""
    root = Path(settings.BASE_DIR).resolve()
    tables = []
    for app_config in global_apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if not path.is_relative_to(root) or {"site-packages", "dist-packages"} & set(path.parts):
            continue
        for model in app_config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table == "core_dataversion":
                continue
            tables.append(meta.db_table)
    return sorted(set(tables))


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The data version's trigger on every portal table that lacks it, or has it turned off
    (PostgreSQL, once migration core 0005 has made its function), in one transaction: run
    after every migrate (core.apps), so a new table gets it too. Returns those tables."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('core_bump_data_version') IS NOT NULL")
        if not cursor.fetchone()[0]:  # core migrated below 0005
            return []
        existing = set(connection.introspection.table_names(cursor))
        followed = _followed(cursor)
        changed = [table for table in portal_tables() if table in existing - followed]
        for table in changed:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {connection.ops.quote_name(table)} FOR EACH STATEMENT "
                "EXECUTE FUNCTION core_bump_data_version()"
            )
    return changed


def _followed(cursor) -> set[str]:
    """The tables whose data version trigger exists and is on."""
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s AND t.tgenabled <> 'D' AND pg_catalog.pg_table_is_visible(c.oid)",
        [TRIGGER],
    )
    return {name for (name,) in cursor.fetchall()}


def tables_without_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Portal tables the data version does not follow (on PostgreSQL: none after a migrate;
    elsewhere it follows none)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return portal_tables()
    with connection.cursor() as cursor:
        followed = _followed(cursor)
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


def kept_by_data_version(
    key: Hashable, version: str | None, compute: Callable, *, using: str = DEFAULT_DB_ALIAS
):
    """``compute()``, kept per key, language, time zone and data version (``version``:
    data_version(using), read before). A version of None: computed, not kept. What is kept
    is shared by every request of the process: its callers must not change it."""
    if version is None:
        return compute()
    full_key = (key, get_language(), timezone.get_current_timezone_name(), version)
    with _lock:
        kept = _kept.get(full_key, _MISSING)
        if kept is not _MISSING:
            _kept.move_to_end(full_key)
    if kept is not _MISSING and not settings.KEPT_QUERIES_CHECK:
        return kept
    computed = compute()
    if (
        kept is not _MISSING
        and _compared(kept) != _compared(computed)
        and data_version(using) == version  # the test settings' check, if nothing was written
    ):
        raise DataVersionStale(
            f"Kept under data version {version} as {key!r}, and now otherwise: a write the "
            f"version did not follow.\nkept: {kept!r}\nnow:  {computed!r}"
        )
    global _kept_version
    with _lock:
        if version != _kept_version:  # what was kept under another token is not read again
            _kept.clear()
            _kept_version = version
        _kept[full_key] = computed
        _kept.move_to_end(full_key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return computed


def _compared(value):
    """A kept value as the check compares it: model instances by their fields' values and
    the related instances read with them (an instance equals any other with its primary
    key)."""
    if isinstance(value, list | tuple):
        return [_compared(item) for item in value]
    if isinstance(value, dict):
        return {name: _compared(item) for name, item in value.items()}
    if isinstance(value, Model):
        fields = {name: item for name, item in value.__dict__.items() if name != "_state"}
        return (type(value), _compared(fields), _compared(value._state.fields_cache))
    return value


def forget_kept(**kwargs) -> None:
    with _lock:
        _kept.clear()


setting_changed.connect(forget_kept, dispatch_uid="core.data_version")
