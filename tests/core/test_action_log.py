"""The action log is append-only: each record carries the hash of the one before it, the
database refuses to change or remove a record (PostgreSQL), and verify_log finds the first
record that was changed or removed behind the database's back."""

import io
import json
import re
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.hashchain import GENESIS_HASH
from core.models import ActionRecord
from tests.factories import OfficialFactory, OrganisationFactory

TRIGGER = "core_actionrecord_append_only"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def log(organisation, official, n):
    return [
        organisation.log_action(
            "organisations.organisation.changed",
            actor=official,
            data={"name": [f"Namn {i}", f"Namn {i + 1}"], "note": "åäö", "score": 1.0, "n": i},
        )
        for i in range(n)
    ]


def verify_log():
    out = io.StringIO()
    call_command("verify_log", stdout=out)
    return out.getvalue()


def broken_at(excinfo) -> int:
    return int(re.search(r"broken at record (\d+)", str(excinfo.value))[1])


@pytest.fixture
def records(db):
    assert not ActionRecord.objects.exists()
    return log(OrganisationFactory(), OfficialFactory(), 4)


def test_each_record_carries_the_hash_of_the_one_before(records):
    first, second, *_ = records
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert re.fullmatch(r"[0-9a-f]{64}", first.hash)
    assert first.at <= second.at
    # What reads back from the database hashes as it did when it was written.
    stored = ActionRecord.objects.get(pk=second.pk)
    assert stored.data == {"name": ["Namn 1", "Namn 2"], "note": "åäö", "score": 1.0, "n": 1}
    assert stored.compute_hash() == stored.hash == second.hash


def test_records_created_together_are_linked_in_order(records):
    organisation, official = OrganisationFactory(), OfficialFactory()
    created = ActionRecord.objects.bulk_create(
        ActionRecord(
            actor=official,
            action_type="organisations.organisation.verified",
            subject=organisation,
        )
        for _ in range(3)
    )
    assert created[0].previous_hash == records[-1].hash
    assert [r.previous_hash for r in created[1:]] == [r.hash for r in created[:-1]]
    assert verify_log().splitlines()[0] == "The action log is intact: 7 records."


@postgresql_only
def test_the_database_refuses_to_update_or_delete_a_record(records):
    record = records[1]
    refused = []
    attempts = [
        lambda: ActionRecord.objects.filter(pk=record.pk).update(data={"name": "forged"}),
        lambda: ActionRecord.objects.get(pk=record.pk).save(),
        lambda: ActionRecord.objects.filter(pk=record.pk).delete(),
        lambda: ActionRecord.objects.get(pk=record.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
            attempt()
        refused.append(str(excinfo.value))
    assert all("append-only" in message for message in refused)
    stored = ActionRecord.objects.get(pk=record.pk)
    assert (stored.data, stored.hash, stored.at) == (record.data, record.hash, record.at)
    assert ActionRecord.objects.count() == 4


def test_verify_log_passes_on_an_intact_log(records):
    assert verify_log().splitlines()[0] == "The action log is intact: 4 records."


def test_verify_log_passes_on_an_empty_log(db):
    assert verify_log().splitlines()[0] == "The action log is intact: 0 records."


def behind_the_triggers_back(change):
    """Change the table with the append-only trigger disabled, in this test's transaction.
    (The table can be altered only with no deferred foreign-key checks pending.)"""
    connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE core_actionrecord DISABLE TRIGGER {TRIGGER}")
        change(cursor)
        connection.check_constraints()
        cursor.execute(f"ALTER TABLE core_actionrecord ENABLE TRIGGER {TRIGGER}")


@postgresql_only
def test_verify_log_reports_the_first_changed_record(records):
    def forge(cursor):
        for record in records[1:3]:
            cursor.execute(
                "UPDATE core_actionrecord SET data = %s WHERE id = %s",
                ['{"name": "forged"}', record.pk],
            )

    behind_the_triggers_back(forge)

    with pytest.raises(CommandError) as excinfo:
        verify_log()
    assert broken_at(excinfo) == records[1].pk
    assert "organisations.organisation.changed" in str(excinfo.value)
    assert "does not match its content" in str(excinfo.value)
    assert "The 1 records before it are intact" in str(excinfo.value)


@postgresql_only
def test_verify_log_reports_the_record_after_a_removed_one(records):
    behind_the_triggers_back(
        lambda cursor: cursor.execute(
            "DELETE FROM core_actionrecord WHERE id = %s", [records[1].pk]
        )
    )

    with pytest.raises(CommandError) as excinfo:
        verify_log()
    assert broken_at(excinfo) == records[2].pk
    assert f"is not the hash of record {records[0].pk}" in str(excinfo.value)


@postgresql_only
def test_verify_log_reports_a_record_rehashed_after_a_change(records):
    """A forger who also rewrites the changed record's hash breaks the next record's link."""

    def forge(cursor):
        record = ActionRecord.objects.get(pk=records[1].pk)
        record.data = {"name": "forged"}
        cursor.execute(
            "UPDATE core_actionrecord SET data = %s, hash = %s WHERE id = %s",
            ['{"name": "forged"}', record.compute_hash(), record.pk],
        )

    behind_the_triggers_back(forge)

    with pytest.raises(CommandError) as excinfo:
        verify_log()
    assert broken_at(excinfo) == records[2].pk


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_make_one_unbroken_chain():
    organisation, official = OrganisationFactory(), OfficialFactory()
    writers, each = 8, 5
    start = threading.Barrier(writers)
    errors = []

    def write():
        try:
            start.wait()
            for _ in range(each):
                with transaction.atomic():
                    log(organisation, official, 1)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert verify_log().splitlines()[0] == f"The action log is intact: {writers * each} records."


@pytest.mark.django_db(transaction=True)
def test_records_written_before_the_chain_are_linked_by_the_migration():
    """core 0003 links the records already there (those copied from accounts' old log among
    them) in their order; going back to 0002 drops the trigger, forward creates it again."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_actionrecord_hash")])
    try:
        executor.loader.build_graph()
        old = executor.loader.project_state([("core", "0002_actionrecord_hash")]).apps
        Record = old.get_model("core", "ActionRecord")
        User = old.get_model("accounts", "User")
        official = User.objects.create(email="official@example.org")
        for n in range(3):
            Record.objects.create(
                actor=official, action_type="accounts.legacy.old", data={"subject": f"Old {n}"}
            )
        # The trigger is gone with 0004: an old record's time can still be set.
        Record.objects.filter(data__subject="Old 0").update(at="2020-01-01T00:00:00Z")
        assert set(Record.objects.values_list("hash", flat=True)) == {""}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert verify_log().splitlines()[0] == "The action log is intact: 3 records."
    chain = list(ActionRecord.objects.order_by("at", "pk"))
    assert chain[0].data == {"subject": "Old 0"}
    assert chain[0].previous_hash == GENESIS_HASH
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            ActionRecord.objects.filter(pk=chain[0].pk).delete()


def run_verify_log(*args):
    out = io.StringIO()
    call_command("verify_log", *args, stdout=out)
    return out.getvalue()


def test_verify_log_prints_the_count_and_the_last_hash(records):
    lines = run_verify_log().splitlines()
    last = records[-1]
    assert lines[0] == "The action log is intact: 4 records."
    assert lines[1].startswith(f"Last record: {last.pk}, ") and lines[1].endswith(
        f", hash {last.hash}."
    )
    assert lines[2].endswith(f"verify_log --expect-count 4 --expect-last-hash {last.hash}")


def test_verify_log_with_the_earlier_count_and_hash_passes_as_the_log_grows(records):
    earlier = records[-1].hash
    out = run_verify_log("--expect-count", "4", "--expect-last-hash", earlier)
    assert (
        out.splitlines()[-1]
        == f"As an earlier run left it: at least 4 records, record 4 carries {earlier}."
    )
    log(OrganisationFactory(), OfficialFactory(), 2)
    assert run_verify_log("--expect-count", "4", "--expect-last-hash", earlier).startswith(
        "The action log is intact: 6 records."
    )
    assert run_verify_log("--expect-last-hash", earlier).startswith(
        "The action log is intact: 6 records."
    )


@postgresql_only
def test_verify_log_finds_the_newest_records_removed(records):
    earlier = records[-1].hash
    behind_the_triggers_back(
        lambda cursor: cursor.execute(
            "DELETE FROM core_actionrecord WHERE id IN (%s, %s)", [records[2].pk, records[3].pk]
        )
    )
    assert run_verify_log().startswith("The action log is intact: 2 records.")  # the chain holds

    with pytest.raises(CommandError) as excinfo:
        run_verify_log("--expect-count", "4", "--expect-last-hash", earlier)
    assert "fewer than the 4 an earlier run counted: its newest 2 were removed" in str(
        excinfo.value
    )
    with pytest.raises(CommandError) as excinfo:
        run_verify_log("--expect-last-hash", earlier)
    assert f"No record of the action log carries the hash {earlier}" in str(excinfo.value)


@postgresql_only
def test_verify_log_finds_an_emptied_log(records):
    earlier = records[-1].hash
    behind_the_triggers_back(lambda cursor: cursor.execute("DELETE FROM core_actionrecord"))
    assert run_verify_log().splitlines()[:2] == [
        "The action log is intact: 0 records.",
        "Last record: none (the log is empty).",
    ]

    with pytest.raises(CommandError) as excinfo:
        run_verify_log("--expect-count", "4", "--expect-last-hash", earlier)
    assert "The action log has 0 records (the log is empty), fewer than the 4" in str(excinfo.value)


@postgresql_only
def test_verify_log_finds_a_log_replaced_by_another_chain(records):
    """Someone who rewrites the whole chain (every hash again) keeps it intact, but not the
    hash an earlier run printed for its 4th record."""
    earlier = records[-1].hash

    def rewrite(cursor):
        previous = GENESIS_HASH
        for record in ActionRecord.objects.order_by("at", "pk"):
            record.previous_hash = previous
            if record.pk == records[1].pk:
                record.data = {"name": "forged"}
            record.hash = record.compute_hash()
            cursor.execute(
                "UPDATE core_actionrecord SET data = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [json.dumps(record.data), record.previous_hash, record.hash, record.pk],
            )
            previous = record.hash

    behind_the_triggers_back(rewrite)
    assert run_verify_log().startswith("The action log is intact: 4 records.")

    with pytest.raises(CommandError) as excinfo:
        run_verify_log("--expect-count", "4", "--expect-last-hash", earlier)
    assert f"not {earlier} as the earlier run printed: the log up to it was replaced" in str(
        excinfo.value
    )


@pytest.mark.django_db
def test_a_change_is_summed_up_as_people_read_it():
    """Fields by their names, choices by their labels, check boxes as yes or no, nothing as
    "–", in the page's language; other values as they are."""
    from django.utils import translation

    from tests.factories import MeetingFactory

    official, organisation = OfficialFactory(), OrganisationFactory()
    changed = organisation.log_action(
        "organisations.organisation.changed",
        actor=official,
        data={"kind": ["association", "foundation"], "organisation_number": [None, "802002-4538"]},
    )
    meeting = MeetingFactory()
    moved = meeting.log_action(
        "dialogues.meeting.changed",
        actor=official,
        data={"waiting_list": ["False", "True"], "capacity": ["40", "60"], "unknown": ["a", "b"]},
    )
    with translation.override("en"):
        assert changed.summary == (
            "kind: Association → Foundation; organisation number: – → 802002-4538"
        )
        assert moved.summary.startswith("waiting list: No → Yes; places: 40 → 60; unknown: a → b")
    with translation.override("sv"):
        assert "Förening → Stiftelse" in changed.summary
        assert "väntelista: Nej → Ja" in moved.summary
    related = organisation.log_action(  # a key naming a relation, not a field: as it is
        "organisations.organisation.changed", actor=official, data={"signatures": ["1", "2"]}
    )
    assert related.summary == "signatures: 1 → 2"
