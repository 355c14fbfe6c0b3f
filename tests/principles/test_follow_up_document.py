"""The PDF edition of a year's follow-up (principles/followup_documents.py): issued by a
task on commit when the follow-up is published and when a correction is added, not again
when nothing changed; each commitment's status in the edition's language; sealed (pyHanko
finds the seal intact); accepted by the verification; served from the storage on the year's
public page, which says it is being prepared until it is issued."""

import io
import itertools
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as validate_in_this_thread
from pyhanko_certvalidator import ValidationContext

from compact.documents.issuing import verify_document
from compact.models import IssuedDocument
from core.sealing import seal_certificate
from principles.followup_documents import issue_follow_up
from principles.followups import (
    EntryChange,
    correction_add,
    entries_record,
    follow_up_create,
    follow_up_publish,
)
from principles.models import Commitment, EntryStatus
from principles.tasks import issue_changed_follow_up_documents, issue_follow_up_document
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db

STATUSES = list(EntryStatus)


@pytest.fixture(autouse=True)
def issue_on_change(settings):
    """The suite turns the hook off (config/settings/test.py); these tests are about it."""
    settings.PDF_ISSUE_ON_CHANGE = True


def text_of(document: IssuedDocument) -> str:
    with document.file.open("rb") as file:
        reader = pypdf.PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def bytes_of(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as file:
        return file.read()


def editions(year):
    return IssuedDocument.objects.filter(kind=IssuedDocument.Kind.FOLLOW_UP, year=year)


@pytest.fixture
def official(compact):
    # The compact's signatures queued its documents for a commit this test never reaches.
    transaction.get_connection().run_on_commit.clear()
    return OfficialFactory()


@pytest.fixture
def recorded(compact, official):
    """The follow-up of 2025, every commitment given a status (the four in turn) and an
    account naming it, every plan item in progress: complete, not yet published."""
    follow_up = follow_up_create(actor=official, year=2025)
    entries = list(follow_up.commitment_entries.select_related("commitment"))
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(entry=entry, status=status, account=f"Redovisning {entry.pk}.")
            for entry, status in zip(entries, itertools.cycle(STATUSES), strict=False)
        ],
    )
    entries_record(
        actor=official,
        follow_up=follow_up,
        plan=True,
        changes=[
            EntryChange(entry=entry, status=EntryStatus.IN_PROGRESS)
            for entry in follow_up.plan_item_entries.all()
        ],
    )
    return follow_up


@pytest.fixture
def published(recorded, official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        follow_up_publish(actor=official, follow_up=recorded)
    # One task a language, queued on commit.
    assert sum("issue_follow_up_document" in repr(callback) for callback in callbacks) == 2
    recorded.refresh_from_db()
    return recorded


def latest(follow_up, language):
    return editions(follow_up.year).filter(language=language).order_by("-issued_at", "-pk")[0]


def test_a_draft_follow_up_has_no_pdf(recorded):
    assert issue_follow_up(recorded, "sv") is None
    assert not editions(2025).exists()


def test_publishing_issues_the_pdf_in_both_languages_with_each_status_in_its_language(
    published,
):
    assert set(editions(2025).values_list("language", flat=True)) == {"sv", "en"}
    entries = list(published.commitment_entries.select_related("commitment"))
    for language in ("sv", "en"):
        document = latest(published, language)
        assert document.agreement_id == published.agreement_id
        text = text_of(document)
        with translation.override(language):
            labels = {status.value: str(status.label) for status in STATUSES}
            page = "Sida" if language == "sv" else "Page"
        # Each commitment's status, in this language, before its own account.
        for entry in entries:
            assert f"{labels[entry.status]}: Redovisning {entry.pk}." in text
        assert f"{page} 1 " in text
        assert "2025" in text
    # The four labels differ between the languages.
    sv, en = text_of(latest(published, "sv")), text_of(latest(published, "en"))
    for status in STATUSES:
        with translation.override("sv"):
            swedish = str(status.label)
        with translation.override("en"):
            english = str(status.label)
        assert swedish != english and swedish in sv and english in en and swedish not in en


def test_the_seal_is_intact_and_valid_and_the_verification_knows_it(client, published, tmp_path):
    document = latest(published, "en")
    data = bytes_of(document)
    reader = PdfFileReader(io.BytesIO(data))
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(
            validate_in_this_thread,
            reader.embedded_signatures[0],
            ValidationContext(trust_roots=[seal_certificate()]),
        ).result()
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"

    result = verify_document(data)
    assert result.authentic and result.document == document and result.is_latest
    path = tmp_path / "follow-up.pdf"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    assert "Authentic" in out.getvalue()
    with translation.override("en"):
        response = client.post(
            reverse("compact:verify"),
            {"document": SimpleUploadedFile("f.pdf", data, content_type="application/pdf")},
        )
    content = response.content.decode()
    assert "Authentic" in content and "Not authentic" not in content
    assert "A year&#x27;s follow-up 2025" in content or "A year's follow-up 2025" in content


def test_a_correction_issues_a_new_edition_and_an_unchanged_one_none(
    published, official, django_capture_on_commit_callbacks
):
    first = latest(published, "sv")
    # Nothing changed: the task issues nothing.
    assert issue_follow_up_document(published.pk, "sv") is None
    assert editions(2025).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        correction_add(actor=official, follow_up=published, text="Siffran rättad i efterhand.")
    assert editions(2025).count() == 4
    second = latest(published, "sv")
    assert second.pk != first.pk
    assert "Siffran rättad i efterhand." in text_of(second)
    assert "Siffran rättad i efterhand." not in text_of(first)
    # The older edition stays verifiable, no longer the latest.
    check = verify_document(bytes_of(first))
    assert check.authentic and check.is_latest is False


def test_the_year_page_says_the_pdf_is_being_prepared_then_serves_the_issued_one(
    client, recorded, official
):
    with transaction.atomic():  # published without running its tasks
        follow_up_publish(actor=official, follow_up=recorded)
        transaction.get_connection().run_on_commit.clear()
    with translation.override("en"):
        page_url = reverse("principles:follow_up", args=[2025])
        pdf_url = reverse("principles:follow_up_pdf", args=[2025])
    page = client.get(page_url).content.decode()
    assert "being prepared" in page and pdf_url not in page
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert "being prepared" in response.content.decode()

    document = issue_follow_up(recorded, "en")
    page = client.get(page_url).content.decode()
    assert pdf_url in page and "issued" in page
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == bytes_of(document)


def test_a_draft_year_has_no_pdf_url(client, recorded):
    with translation.override("en"):
        assert client.get(reverse("principles:follow_up_pdf", args=[2025])).status_code == 404


def test_a_follow_up_edition_must_name_its_year(compact):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(
            kind=IssuedDocument.Kind.FOLLOW_UP,
            agreement=compact,
            language="sv",
            size=1,
            sha256="0" * 64,
            source_digest="0" * 64,
        )


def test_the_hourly_sweep_issues_a_year_again_after_an_edit_no_signal_told(published):
    entry = published.commitment_entries.select_related("commitment").first()
    # As an edit in the admin of the version's text would: no follow-up signal.
    Commitment.objects.filter(pk=entry.commitment_id).update(text_sv="En omskriven åtagandetext.")
    issue_changed_follow_up_documents()
    assert editions(2025).count() == 3  # Swedish again; English shows the English text
    assert "En omskriven åtagandetext." in text_of(latest(published, "sv"))
    issue_changed_follow_up_documents()
    assert editions(2025).count() == 3  # nothing changed since
