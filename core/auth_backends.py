from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import connections, router

HAS_TOTP = "_has_totp_authenticator"  # on a user read by OneQueryBackend.get_user


def _column(quote_name, meta, name):
    return f"{quote_name(meta.db_table)}.{quote_name(meta.get_field(name).column)}"


def _granted_sql(quote_name):
    """The ids of the permissions granted to the user %s, their own and their groups'."""
    q, user = quote_name, get_user_model()
    own = user.user_permissions.through._meta
    member = user.groups.through._meta
    granted = Group.permissions.through._meta
    return (
        f"SELECT {_column(q, own, 'permission')} FROM {q(own.db_table)} "  # noqa: S608
        f"WHERE {_column(q, own, 'user')} = %s"
        " UNION "
        f"SELECT {_column(q, granted, 'permission')} FROM {q(granted.db_table)} "
        f"INNER JOIN {q(member.db_table)} "
        f"ON {_column(q, granted, 'group')} = {_column(q, member, 'group')} "
        f"WHERE {_column(q, member, 'user')} = %s"
    )


def _permissions_sql(quote_name):
    """The user's own and their groups' permissions as (app_label, codename), in one
    statement, from the models' tables and columns."""
    q = quote_name
    permission, content_type = Permission._meta, ContentType._meta
    # Table and column names from the models, quoted; the user's id is a parameter.
    return (
        f"SELECT {_column(q, content_type, 'app_label')}, {_column(q, permission, 'codename')} "  # noqa: S608
        f"FROM {q(permission.db_table)} INNER JOIN {q(content_type.db_table)} "
        f"ON {_column(q, permission, 'content_type')} = {_column(q, content_type, 'id')} "
        f"WHERE {_column(q, permission, 'id')} IN ({_granted_sql(q)})"
    )


def _user_sql(quote_name):
    """The user (every column), whether they have a TOTP authenticator, and their permissions
    as (app_label, codename): a row per permission, one row with NULLs for a user who holds
    none; no row for an unknown id. Parameters: the TOTP type, then the user's id three
    times (the permissions' subquery takes it as a parameter rather than from the user's
    row, so that PostgreSQL runs it once, not once per row). Plain SQL, for PostgreSQL and
    SQLite."""
    q, user = quote_name, get_user_model()
    meta = user._meta
    permission, content_type, totp = Permission._meta, ContentType._meta, Authenticator._meta
    columns = ", ".join(_column(q, meta, field.name) for field in meta.concrete_fields)
    user_id = _column(q, meta, meta.pk.name)
    return (
        f"SELECT {columns}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {q(totp.db_table)} WHERE {_column(q, totp, 'user')} = {user_id} "
        f"AND {_column(q, totp, 'type')} = %s), "
        f"{_column(q, content_type, 'app_label')}, {_column(q, permission, 'codename')} "
        f"FROM {q(meta.db_table)} "
        f"LEFT OUTER JOIN {q(permission.db_table)} "
        f"ON {_column(q, permission, 'id')} IN ({_granted_sql(q)}) "
        f"LEFT OUTER JOIN {q(content_type.db_table)} "
        f"ON {_column(q, permission, 'content_type')} = {_column(q, content_type, 'id')} "
        f"WHERE {user_id} = %s"
    )


_statements: dict = {}


def _statement(build, connection) -> str:
    """The statement ``build`` writes, once per database vendor (not per connection: each
    thread has its own)."""
    key = (build.__name__, connection.vendor)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build(connection.ops.quote_name)
    return statement


_user_converters: dict = {}


def _forget_statements(**kwargs):
    _statements.clear()
    _user_converters.clear()


setting_changed.connect(_forget_statements, dispatch_uid="core.auth_backends")


def _converters(connection) -> list:
    """The user's columns that the ORM converts as it reads them (SQLite's booleans and
    datetimes, for one), with their converters: (index, column, converters), once per
    database vendor."""
    converters = _user_converters.get(connection.vendor)
    if converters is None:
        meta = get_user_model()._meta
        converters = []
        for index, field in enumerate(meta.concrete_fields):
            column = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, column, found))
        _user_converters[connection.vendor] = converters
    return converters


class OneQueryBackend(AuthenticationBackend):
    """allauth's backend (Django's ModelBackend, signing in by e-mail address), with who a signed-in person is read in one short SQL statement:
    the user, their permissions (their own and their groups') and whether they have set up a
    TOTP authenticator, instead of three ORM queries on every signed-in request.

    Every request of an official needs all three (the idle timeout in core.security and the
    officials' area check ``accounts.official``; core.access checks the second factor), and
    building the ORM's queries cost more than running them (a quarter of a millisecond of
    CPU each). The permissions are kept where ModelBackend keeps them (``user._perm_cache``); the second factor's flag on the
    user (``HAS_TOTP``), where ``core.access.has_second_factor`` finds it. Both are read
    afresh on every request: a permission taken away or an authenticator removed counts from
    the next one. Signing in is allauth's (a password is checked once, also for an unknown
    address), and allauth's login names the first backend of its class in the session: this
    one, so every signed-in request comes back through ``get_user`` here.
    """

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a session holding something that is no id
            return None
        database = router.db_for_read(User)
        connection = connections[database]
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    _statement(_user_sql, connection),
                    [Authenticator.Type.TOTP, user_id, user_id, user_id],
                )
            except OverflowError:  # SQLite: an id beyond 64 bits is nobody's
                return None
            rows = cursor.fetchall()
        if not rows:
            return None
        fields = User._meta.concrete_fields
        values = list(rows[0][: len(fields)])
        for index, column, converters in _converters(connection):
            value = values[index]
            for convert in converters:
                value = convert(value, column, connection)
            values[index] = value
        user = User.from_db(database, [field.attname for field in fields], values)
        if not self.user_can_authenticate(user):
            return None
        setattr(user, HAS_TOTP, bool(rows[0][len(fields)]))
        if not user.is_superuser:  # a superuser holds every permission: read when asked
            user._perm_cache = {
                f"{app}.{codename}" for *_, app, codename in rows if codename is not None
            }
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                user_obj._perm_cache = super().get_all_permissions(user_obj)
            else:
                connection = connections[router.db_for_read(Permission)]
                with connection.cursor() as cursor:
                    cursor.execute(
                        _statement(_permissions_sql, connection), [user_obj.pk, user_obj.pk]
                    )
                    user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor}
        return user_obj._perm_cache
