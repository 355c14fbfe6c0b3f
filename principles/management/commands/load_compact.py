"""Load one version of the compact's text from a YAML file (safe in production).

    python manage.py load_compact compact-2024.yaml [--status draft|adopted|superseded]

The file holds the version's title and preamble, its public parties, its principles with
the commitments of each party, and its development areas with plan items, in Swedish and
English (the format: ``principles/loading.py``; an example: ``demo/data/compact-2024.yaml``).
Running it again with the same file changes nothing; with a corrected file it brings the
text to the file's wording. A new version is created as a draft unless ``--status`` says
otherwise; the status of an existing version is changed in the admin, not here. It
creates no users and no signatures.
"""

from django.core.management.base import BaseCommand, CommandError

from compact.models import Agreement
from principles.loading import CompactDataError, load_compact, read_compact_file
from principles.models import Commitment, PlanItem


class Command(BaseCommand):
    help = (
        "Load one version of the compact's text (principles, commitments, development "
        "areas, plan items) from a YAML file. Idempotent; creates no users."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the YAML file of one compact version")
        parser.add_argument(
            "--status",
            choices=Agreement.Status.values,
            help=(
                "the status a new version is created with (default: draft). Adopted "
                "supersedes the version in force. An existing version keeps its status."
            ),
        )

    def handle(self, *args, path, status, **options):
        try:
            result = load_compact(read_compact_file(path), status=status)
        except CompactDataError as error:
            raise CommandError(str(error)) from error

        agreement = result.agreement
        if status and agreement.status != status:
            self.stderr.write(
                self.style.WARNING(
                    f"Version {agreement.version_label} already exists and stays "
                    f"{agreement.get_status_display()}; change its status in the admin."
                )
            )
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        principles = agreement.principles.count()
        commitments = Commitment.objects.filter(principle__agreement=agreement).count()
        areas = agreement.development_areas.count()
        items = PlanItem.objects.filter(area__agreement=agreement).count()
        self.stdout.write(
            f"Compact {agreement.version_label} ({agreement.get_status_display()}): "
            f"{principles} principles, {commitments} commitments, "
            f"{areas} development areas, {items} plan items. "
            f"{result.created} rows created, {result.updated} updated."
        )
