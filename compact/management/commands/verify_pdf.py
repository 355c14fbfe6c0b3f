"""Check a PDF as the verification page does: is it a document this portal issued, unaltered?

    python manage.py verify_pdf FILE

Prints what the document is and when it was issued, and exits 0; or the reason it is not
authentic, and exits 1.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from compact.documents.issuing import verify_document


class Command(BaseCommand):
    help = "Check whether a PDF is a document this portal issued (sealed, and unaltered)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        translation.activate("en")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        if len(data) > settings.PDF_VERIFY_MAX_BYTES:
            raise CommandError(
                f"Not authentic: {file} is larger than {settings.PDF_VERIFY_MAX_BYTES} bytes; "
                "no document the portal issues is."
            )
        result = verify_document(data)
        if not result.authentic:
            raise CommandError(f"Not authentic: {result.reason}")
        document = result.document
        about = document.signature.organisation.name if document.signature else ""
        about = about or (document.organisation.name if document.organisation else "")
        lines = [
            f"Authentic: {document.get_kind_display()}{f' ({about})' if about else ''}",
            f"  version:  {document.agreement} [{document.agreement.get_status_display()}]",
            f"  language: {document.language}",
            f"  issued:   {timezone.localtime(document.issued_at):%Y-%m-%d %H:%M:%S %Z}",
            f"  sha-256:  {document.sha256}",
        ]
        if document.signatory_count is not None:
            lines.append(f"  signatories listed: {document.signatory_count}")
        if not result.is_latest:
            lines.append("  A newer edition of this document has been issued since.")
        self.stdout.write("\n".join(lines))
