"""The sealed PDFs through the real parts: a signature made or withdrawn commits, the
services' on-commit hook queues the tasks in Redis, a Celery worker (a subprocess,
tests/worker.py) renders, seals and stores a new edition in the test database and storage;
the receipt e-mail reaches the SMTP server with the certificate of signing attached."""

import io
import time

import pypdf
import pytest

from compact.documents.issuing import verify_document
from compact.models import IssuedDocument, Signature
from compact.services import signature_sign_online, signature_withdraw
from tests.factories import RepresentativeFactory, UserFactory, build_compact

pytest_plugins = ["tests.worker"]
pytestmark = pytest.mark.worker

PATIENCE = 90  # seconds: the worker renders a few PDFs of about a second each


def wait_for_edition(agreement, language, *, after, worker):
    """The first agreement edition issued after ``after`` (a pk), once the worker made it."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        edition = (
            IssuedDocument.objects.filter(
                kind="agreement", agreement=agreement, language=language, pk__gt=after
            )
            .order_by("-pk")
            .first()
        )
        if edition is not None:
            return edition
        time.sleep(0.3)
    raise AssertionError(f"No new edition within {PATIENCE} s:\n{worker.log_tail()}")


def latest_pk(agreement, language) -> int:
    latest = IssuedDocument.objects.latest_edition(
        kind="agreement", agreement=agreement, language=language
    )
    return latest.pk if latest else 0


def text_of(document) -> str:
    with document.file.open("rb") as file:
        reader = pypdf.PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def settle(agreement, worker):
    """Wait until the worker has done what the setup queued (no queued message, and the
    latest editions stay as they are)."""
    deadline = time.monotonic() + PATIENCE
    seen = None
    while time.monotonic() < deadline:
        now = (worker.queued(), IssuedDocument.objects.count())
        if now[0] == 0 and now == seen:
            return
        seen = now
        time.sleep(1.5)
    raise AssertionError(f"The worker did not settle:\n{worker.log_tail()}")


def test_signing_and_withdrawing_each_issue_a_new_edition_through_the_worker(
    celery_worker, mailbox, settings
):
    # The suite turns the hook off (config/settings/test.py); this test is about it. This
    # process queues the tasks (on commit), the worker runs them.
    agreement = build_compact()
    settings.PDF_ISSUE_ON_CHANGE = True
    representative = RepresentativeFactory(
        organisation__name="Föreningen Nattviolen", user=UserFactory(email="ordf@example.org")
    )
    settle(agreement, celery_worker)
    before = latest_pk(agreement, "sv")

    signature = signature_sign_online(
        organisation=representative.organisation,
        agreement=agreement,
        actor=representative.user,
        signer_name="Nora Nattsson",
        signer_role="Ordförande",
        authority=Signature.Authority.AUTHORISED_SIGNATORY,
    )
    signed = wait_for_edition(agreement, "sv", after=before, worker=celery_worker)
    assert "Föreningen Nattviolen" in text_of(signed)
    assert signed.signatory_count == 4
    assert verify_document(signed.file.open("rb").read()).authentic

    # The receipt, over SMTP, carries the certificate of signing: sealed and on record.
    (receipt,) = [m for m in mailbox.wait_for(1, timeout=PATIENCE) if "ordf@example.org" in m.to]
    (attachment,) = [
        part
        for part in receipt.message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
    certificate = verify_document(attachment.get_content())
    assert certificate.authentic
    assert (certificate.document.kind, certificate.document.signature_id) == (
        "certificate",
        signature.pk,
    )

    settle(agreement, celery_worker)
    before = latest_pk(agreement, "en")
    signature_withdraw(signature=signature, actor=representative.user, reason="Vi har slutat")
    withdrawn = wait_for_edition(agreement, "en", after=before, worker=celery_worker)
    assert "Föreningen Nattviolen" not in text_of(withdrawn)
    assert withdrawn.signatory_count == 3
