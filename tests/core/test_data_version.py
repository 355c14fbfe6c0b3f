"""The data version: a new token with every committed write to a portal table (PostgreSQL
triggers on all of them), none inside a transaction that has written; what is kept under it
is computed once per key, language and token, and the lists show a committed write at once.
The list tests run as production does (KEPT_QUERIES_CHECK off)."""

import re
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core import data_version as data_version_module
from core.data_version import (
    DataVersionStale,
    data_version,
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
    assert Organisation.objects.filter(pk=-1).update(name="x") == 0  # a statement, no row
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
        assert kept_by_data_version("test.kept", None, compute) == 5  # no version: not kept
        assert kept_by_data_version("test.kept", None, compute) == 6


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
    """Two writers: the second locks an organisation, the first then refers to it (its foreign
    key is checked at commit and waits). The version's row is taken after every check, so
    both commit; taken at the first write, they deadlocked."""
    organisation = OrganisationFactory()
    official = OfficialFactory()
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    outcome = {}

    def locking():
        with psycopg.connect(url) as other:
            other.execute(
                "SELECT 1 FROM organisations_organisation WHERE id = %s FOR UPDATE",
                [organisation.pk],
            )
            other.execute(
                "UPDATE accounts_user SET last_login = now() WHERE id = %s", [official.pk]
            )
            time.sleep(1.5)
            other.commit()
            outcome["locking"] = "committed"

    thread = threading.Thread(target=locking)
    thread.start()
    time.sleep(0.4)
    with transaction.atomic():
        OrganisationFactory()  # a write first: the version's row, if it were taken now
        SignatureFactory(organisation=organisation)  # refers to the locked organisation
    thread.join()
    assert outcome == {"locking": "committed"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_dataversion_pending")
        assert cursor.fetchone()[0] == 0  # each commit's pending row is gone with it


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
