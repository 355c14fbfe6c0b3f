"""Check the action log's hash chain: every record, in order, must carry the hash of the one
before it, and its own hash must still match what it says (core/hashchain.py).

The chain cannot tell that its newest records were removed, or that the whole log was: the
records left still link up. So the command prints the count and the last record's hash; kept
somewhere the database's owner cannot reach (a ticket, the operations log, an e-mail), they are
given back to a later run with ``--expect-count N --expect-last-hash H``, which fails unless the
log still has at least N records and its Nth carries that hash."""

from django.core.management.base import BaseCommand, CommandError

from core.hashchain import GENESIS_HASH
from core.models import ActionRecord


class Command(BaseCommand):
    help = (
        "Walk the action log in order, recompute each record's hash and check its link to "
        "the record before it. Exits non-zero at the first broken record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to check.")
        parser.add_argument(
            "--expect-count",
            type=int,
            metavar="N",
            help="The count an earlier run printed: the log must still have at least N records.",
        )
        parser.add_argument(
            "--expect-last-hash",
            metavar="H",
            help=(
                "The last record's hash an earlier run printed: the record at that place "
                "(the Nth, with --expect-count) must still carry it."
            ),
        )

    def handle(self, *args, database, expect_count=None, expect_last_hash=None, **options):
        if expect_count is not None and expect_count < 0:
            raise CommandError("--expect-count is a number of records, 0 or more.")
        records = ActionRecord.objects.using(database).order_by("at", "pk")
        previous = None
        count = 0
        expected_seen = None  # the record that carries expect_last_hash, once walked past
        for record in records.iterator(chunk_size=2000):
            problem = self.problem(record, previous)
            if problem:
                raise CommandError(
                    f"The action log is broken at record {record.pk} "
                    f"({record.at.isoformat(timespec='microseconds')}, {record.action_type}): "
                    f"{problem}. The {count} records before it are intact."
                )
            previous = record
            count += 1
            if expect_count is not None and count == expect_count and expect_last_hash:
                if record.hash != expect_last_hash:
                    raise CommandError(
                        f"The action log's record number {count} (record {record.pk}, "
                        f"{record.at.isoformat(timespec='microseconds')}) has the hash "
                        f"{record.hash}, not {expect_last_hash} as the earlier run printed: "
                        f"the log up to it was replaced."
                    )
                expected_seen = count
            elif expect_count is None and record.hash == expect_last_hash:
                expected_seen = count
        self.check_expectations(count, expect_count, expect_last_hash, expected_seen)
        self.stdout.write(self.style.SUCCESS(f"The action log is intact: {count} records."))
        if previous is None:
            self.stdout.write("Last record: none (the log is empty).")
        else:
            self.stdout.write(
                f"Last record: {previous.pk}, {previous.at.isoformat(timespec='microseconds')}, "
                f"hash {previous.hash}."
            )
            self.stdout.write(
                "Keep these elsewhere; a later run checks that none was removed with: "
                f"manage.py verify_log --expect-count {count} --expect-last-hash {previous.hash}"
            )
        if expect_count is not None or expect_last_hash:
            self.stdout.write(
                "As an earlier run left it: "
                + (f"at least {expect_count} records" if expect_count is not None else "")
                + (", " if expect_count is not None and expect_last_hash else "")
                + (f"record {expected_seen} carries {expect_last_hash}" if expect_last_hash else "")
                + "."
            )

    @staticmethod
    def check_expectations(count, expect_count, expect_last_hash, expected_seen) -> None:
        """What the chain cannot show: fewer records than an earlier run counted (the newest
        removed, or the log emptied), or the hash it printed no longer in the log."""
        if expect_count is not None and count < expect_count:
            emptied = " (the log is empty)" if count == 0 else ""
            raise CommandError(
                f"The action log has {count} records{emptied}, fewer than the {expect_count} "
                f"an earlier run counted: its newest {expect_count - count} were removed."
            )
        if expect_last_hash and expected_seen is None:
            raise CommandError(
                f"No record of the action log carries the hash {expect_last_hash} that an "
                f"earlier run printed: records were removed or the log was replaced."
            )

    @staticmethod
    def problem(record, previous) -> str | None:
        expected = previous.hash if previous else GENESIS_HASH
        if record.previous_hash != expected:
            before = (
                f"the hash of record {previous.pk}, the one before it"
                if previous
                else "the start of the log (it is the first record)"
            )
            return (
                f"its previous_hash {record.previous_hash or '(empty)'} is not {before}, "
                f"{expected}: a record before it was removed, changed or inserted"
            )
        actual = record.compute_hash()
        if record.hash != actual:
            return (
                f"its hash {record.hash or '(empty)'} does not match its content, which hashes "
                f"to {actual}: it was changed after it was written"
            )
        return None
