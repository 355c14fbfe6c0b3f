"""Check the action log's hash chain: every record, in order, must carry the hash of the one
before it, and its own hash must still match what it says (core/hashchain.py)."""

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

    def handle(self, *args, database, **options):
        records = ActionRecord.objects.using(database).order_by("at", "pk")
        previous = None
        count = 0
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
        self.stdout.write(self.style.SUCCESS(f"The action log is intact: {count} records."))

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
