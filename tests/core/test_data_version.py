"""The data version: a new token with every committed write to a portal table (PostgreSQL
triggers on all of them), none inside a transaction that has written; what is kept under it
is computed once per key, language and token, and the lists show a committed write at once.
The list tests run as production does (KEPT_QUERIES_CHECK off)."""

import re

import pytest
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
    Organisation.objects.filter(pk__in=[]).update(name="x")  # a statement changing no row
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
def test_the_test_settings_check_what_was_kept():
    data_version_module.forget_kept()
    values = iter([1, 1, 2])
    kept_by_data_version("test.checked", "v1", lambda: next(values))
    kept_by_data_version("test.checked", "v1", lambda: next(values))  # the same: passes
    with pytest.raises(DataVersionStale):
        kept_by_data_version("test.checked", "v1", lambda: next(values))


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
def test_the_check_compares_model_instances_by_their_fields():
    data_version_module.forget_kept()
    organisation = OrganisationFactory(name="Före")
    kept_by_data_version("test.instances", "v1", lambda: [Organisation.objects.get()])
    organisation.name = "Efter"
    organisation.save(update_fields=["name"])
    with pytest.raises(DataVersionStale):  # the same primary key, another name
        kept_by_data_version("test.instances", "v1", lambda: [Organisation.objects.get()])
