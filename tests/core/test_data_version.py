"""The data version: a new token with every committed write to a portal table (PostgreSQL
triggers on all of them), none inside a transaction that has written; what is kept under it
is computed once per key, language, time zone and token, and the lists show a committed
write at once.
The list tests run as production does (KEPT_QUERIES_CHECK off)."""

import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core import data_version as data_version_module
from core.data_version import (
    DataVersionStale,
    data_version,
    install_triggers,
    kept_by_data_version,
    portal_tables,
    tables_without_triggers,
)
from organisations.models import Organisation
from tests.factories import (
    AgreementFactory,
    OfficialFactory,
    OrganisationFactory,
    SignatureFactory,
)
from tests.signin import sign_in_with_second_factor


@pytest.mark.django_db
def test_every_portal_table_is_followed():
    tables = portal_tables()
    assert {"compact_signature", "core_actionrecord", "accounts_user"} <= set(tables)
    assert "accounts_user_groups" in tables  # many-to-many tables too
    assert "django_session" not in tables and "core_dataversion" not in tables
    assert tables_without_triggers() == []


@pytest.mark.django_db
def test_a_trigger_missing_or_turned_off_is_put_back():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_data_version ON compact_signature")
        cursor.execute("ALTER TABLE compact_agreement DISABLE TRIGGER core_data_version")
    missing = {"compact_signature", "compact_agreement"}
    assert set(tables_without_triggers()) == missing
    assert set(install_triggers()) == missing
    assert tables_without_triggers() == []


def _write():
    OrganisationFactory()


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_gives_a_new_version_and_a_writing_transaction_none():
    _write()
    first = data_version()
    assert first is not None
    assert data_version() == first  # reading changes nothing
    with transaction.atomic():
        assert data_version() == first  # nothing written yet in this transaction
        _write()
        assert data_version() is None  # its own write is not in the version yet
    second = data_version()
    assert second not in (None, first)
    try:
        with transaction.atomic():
            _write()
            raise RuntimeError
    except RuntimeError:
        pass
    assert data_version() == second  # rolled back: nothing changed
    with transaction.atomic():
        assert list(Organisation.objects.select_for_update()[:1])  # a lock writes nothing
    assert data_version() == second
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE compact_signature CASCADE")
    assert data_version() not in (None, second)


@pytest.mark.django_db
@override_settings(KEPT_QUERIES_CHECK=False)
def test_kept_per_key_language_and_version():
    data_version_module.forget_kept()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with translation.override("sv"):
        assert kept_by_data_version("test.kept", "v1", compute) == 1
        assert kept_by_data_version("test.kept", "v1", compute) == 1  # kept
        assert kept_by_data_version("test.kept", "v2", compute) == 2  # another version
        assert kept_by_data_version("test.kept", "v2", compute) == 2
        assert kept_by_data_version("test.kept", "v1", compute) == 3  # forgotten with v2
        with translation.override("en"):
            assert kept_by_data_version("test.kept", "v1", compute) == 4  # another language
        assert kept_by_data_version("test.kept", "v1", compute) == 3
        with timezone.override("Europe/London"):
            assert kept_by_data_version("test.kept", "v1", compute) == 5  # another time zone
        assert kept_by_data_version("test.kept", None, compute) == 6  # no version: not kept
        assert kept_by_data_version("test.kept", None, compute) == 7


@pytest.mark.django_db
def test_the_test_settings_check_what_was_kept(monkeypatch):
    data_version_module.forget_kept()
    monkeypatch.setattr(data_version_module, "data_version", lambda using=None: "v1")
    values = iter([1, 1, 2])
    kept_by_data_version("test.checked", "v1", lambda: next(values))
    kept_by_data_version("test.checked", "v1", lambda: next(values))  # the same: passes
    with pytest.raises(DataVersionStale):
        kept_by_data_version("test.checked", "v1", lambda: next(values))
    # Computed under a token that has changed meanwhile (a write while computing): newer
    # than what was kept, not a fault.
    monkeypatch.setattr(data_version_module, "data_version", lambda using=None: "v2")
    kept_by_data_version("test.checked", "v1", lambda: 3)


def _without_tokens(response):
    """A page without what differs on every request (its CSRF token, its CSP nonce)."""
    return re.sub(r'(value|nonce)="[^"]*"', "", response.content.decode())


def _count(html):
    return int(re.search(r'<p class="result-count" role="status">(\d+)', html).group(1))


@pytest.mark.django_db(transaction=True)
@override_settings(KEPT_QUERIES_CHECK=False)
def test_the_lists_show_a_committed_write_at_once(client):
    """Read twice (the second time kept), then a write: counts, rows and a filter's choices
    are read again."""
    data_version_module.forget_kept()
    official = OfficialFactory(totp=True)
    SignatureFactory(organisation__name="Första")
    sign_in_with_second_factor(client, official)
    with translation.override("en"):
        signatures, log = reverse("backoffice:signatures"), reverse("backoffice:log")
    for _ in range(2):
        html = client.get(signatures).content.decode()
    assert _count(html) == 1 and "Första" in html
    for _ in range(2):
        assert "<td>Andra</td>" not in client.get(log).content.decode()
    added = AgreementFactory(version_label="7.5", status="superseded")
    SignatureFactory(organisation__name="Andra", agreement=added)
    html = client.get(signatures).content.decode()
    assert _count(html) == 2 and "Andra" in html
    assert f'<option value="{added.pk}">' in html  # the filter's new choice
    organisation = Organisation.objects.get(name="Andra")
    organisation.log_action("organisations.organisation.verified", actor=official)
    assert "<td>Verified the organisation</td><td>Andra</td>" in client.get(log).content.decode()
    organisation.name = "Omdöpt"  # a write to another table than the list's own
    organisation.save(update_fields=["name"])
    html = client.get(signatures).content.decode()
    assert "Omdöpt" in html and "Andra" not in html


@pytest.mark.django_db
def test_the_check_compares_model_instances_by_their_fields(monkeypatch):
    data_version_module.forget_kept()
    monkeypatch.setattr(data_version_module, "data_version", lambda using=None: "v1")
    organisation = OrganisationFactory(name="Före")
    kept_by_data_version("test.instances", "v1", lambda: [Organisation.objects.get()])
    organisation.name = "Efter"
    organisation.save(update_fields=["name"])
    with pytest.raises(DataVersionStale):  # the same primary key, another name
        kept_by_data_version("test.instances", "v1", lambda: [Organisation.objects.get()])


@pytest.mark.django_db(transaction=True)
def test_a_commit_waiting_on_a_foreign_key_does_not_deadlock_with_the_version():
    """Two writers: the other locks an organisation and writes; this one writes, then refers
    to that organisation (its foreign key is checked at commit, and waits for the other).
    The version's row is taken after every check of a commit, so both commit; taken at the
    first write, they deadlocked."""
    organisation = OrganisationFactory()
    official = OfficialFactory()
    locked, outcome = threading.Event(), {}

    def other_writer():
        other = connections[DEFAULT_DB_ALIAS]  # this thread's own connection
        try:
            with transaction.atomic(), other.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM organisations_organisation WHERE id = %s FOR UPDATE",
                    [organisation.pk],
                )
                cursor.execute(
                    "UPDATE accounts_user SET last_login = now() WHERE id = %s", [official.pk]
                )
                locked.set()
                # Commit once the other commit waits for this lock (at most 10 s).
                for _ in range(200):
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock' "
                        "AND pid <> pg_backend_pid()"
                    )
                    if cursor.fetchone()[0]:
                        outcome["waited"] = True
                        break
                    time.sleep(0.05)
            outcome["committed"] = True
        finally:
            locked.set()
            other.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert locked.wait(10)
    with transaction.atomic():
        OrganisationFactory()  # a write first: the version's row, if it were taken now
        SignatureFactory(organisation=organisation)  # refers to the locked organisation
    thread.join(15)
    assert outcome == {"waited": True, "committed": True}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_dataversion_pending")
        assert cursor.fetchone()[0] == 0  # each commit's pending rows are gone with it


@pytest.mark.django_db(transaction=True)
def test_a_write_leaves_no_pending_event_on_its_table():
    """A migration may write rows and then alter their table in one transaction: the
    version's trigger queues nothing on the portal's tables (a deferred one per row did,
    and PostgreSQL refused the ALTER TABLE)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organisations_activityarea (name, name_sv, name_en, slug) "
            "VALUES ('x', 'x', 'x', 'x')"
        )
        cursor.execute("ALTER TABLE organisations_activityarea ADD COLUMN scratch integer")
        cursor.execute("ALTER TABLE organisations_activityarea DROP COLUMN scratch")
    assert data_version() is not None


@pytest.mark.django_db(transaction=True)
def test_the_lists_kept_are_what_they_read_again():
    """The test settings' check on kept lists: each list, filtered and paged, read twice
    with nothing written between (the second time compared with what was kept)."""
    data_version_module.forget_kept()
    official = OfficialFactory(totp=True)
    for number in range(60):
        SignatureFactory(organisation__name=f"Förening {number}")
    Organisation.objects.first().log_action("organisations.organisation.verified", actor=official)
    client = Client()
    sign_in_with_second_factor(client, official)
    client.get(reverse("backoffice:dashboard"))  # the message of signing in, shown
    for name, query in (
        ("backoffice:signatures", ""),
        ("backoffice:signatures", "?page=2&state=effective"),
        ("backoffice:organisations", "?q=F%C3%B6rening"),
        ("backoffice:log", ""),
    ):
        for language in ("sv", "en"):
            with translation.override(language):
                url = reverse(name) + query
            first = client.get(url)
            assert first.status_code == 200
            again = client.get(url)  # kept, and checked
            assert _without_tokens(again) == _without_tokens(first)
    assert data_version_module._kept  # kept (and so checked), not computed each time


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth():
    try:
        call_command("migrate", "core", "0004", verbosity=0)  # its post_migrate hook too
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass('core_dataversion'), to_regproc('core_bump_data_version')"
            )
            assert cursor.fetchone() == (None, None)
    finally:
        call_command("migrate", verbosity=0)
    assert tables_without_triggers() == []
    _write()
    assert data_version() is not None


@pytest.mark.django_db(transaction=True)
@override_settings(KEPT_QUERIES_CHECK=False)
def test_a_list_read_again_without_a_write_reads_only_the_version(
    client, django_assert_num_queries
):
    data_version_module.forget_kept()
    official = OfficialFactory(totp=True)
    SignatureFactory()
    sign_in_with_second_factor(client, official)
    with translation.override("en"):
        signatures = reverse("backoffice:signatures")
    client.get(signatures)
    # The signed-in official (one statement), the version for the list and for the filter's
    # choices: no count, no rows, no choices read.
    with django_assert_num_queries(3) as captured:
        client.get(signatures)
    assert sum("core_dataversion" in query["sql"] for query in captured) == 2
