"""The sealed PDFs (compact/documents/): what each shows, in which language, sealed and
recorded; issued again only when what it shows changes; served as stored; checked by the
verification page and `manage.py verify_pdf`."""

import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as validate_in_this_thread
from pyhanko_certvalidator import ValidationContext

from compact.documents.issuing import (
    issue_agreement,
    issue_application_form,
    issue_certificate,
    verify_document,
)
from compact.models import Agreement, IssuedDocument, Signature
from compact.services import signature_withdraw
from core.sealing import seal_certificate
from organisations.models import Organisation
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
    build_compact,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def validate_pdf_signature(*args):
    """pyHanko's validation runs an event loop of its own: in a thread, whatever an earlier
    test left running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_in_this_thread, *args).result()


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


@pytest.fixture
def world(db):
    """The compact in force with three public signatures, one of an unverified organisation
    and one withdrawn (neither listed)."""
    agreement = build_compact()
    unverified = SignatureFactory(
        agreement=agreement, organisation=OrganisationFactory(verification="unverified")
    )
    withdrawn = SignatureFactory(agreement=agreement)
    Signature.objects.filter(pk=withdrawn.pk).update(
        withdrawal_reason="Slutat", withdrawn_at=withdrawn.signed_at
    )
    return {"agreement": agreement, "unverified": unverified, "withdrawn": withdrawn}


@pytest.fixture
def issued_en(world):
    return issue_agreement(world["agreement"], "en")


def test_each_edition_shows_every_principle_commitment_and_signatory_in_its_language(world):
    agreement = world["agreement"]
    editions = {language: issue_agreement(agreement, language) for language in ("sv", "en")}
    for language, other in (("sv", "en"), ("en", "sv")):
        text = text_of(editions[language])
        for principle in principles_of(agreement):
            assert getattr(principle, f"title_{language}") in text
            assert getattr(principle, f"title_{other}") not in text
            for commitment in principle.commitments.all():
                assert getattr(commitment, f"text_{language}") in text
                assert getattr(commitment, f"text_{other}") not in text
        for area in agreement.development_areas.prefetch_related("plan_items"):
            assert getattr(area, f"title_{language}") in text
            for item in area.plan_items.all():
                assert getattr(item, f"text_{language}") in text
        listed = agreement.signatures.effective().filter(organisation__verification="verified")
        assert listed.count() == 3
        for signature in listed.select_related("organisation"):
            assert signature.organisation.name in text
            assert signature.organisation.organisation_number in text
        # Not public: an unverified organisation's signature, a withdrawn one.
        assert world["unverified"].organisation.name not in text
        assert world["withdrawn"].organisation.name not in text
        assert getattr(agreement, f"title_{language}") in text
        assert agreement.version_label in text

        # Title, author and language in the PDF's metadata; tagged (PDF/UA).
        reader = pypdf.PdfReader(editions[language].file.path)
        assert reader.metadata.title.startswith(getattr(agreement, f"title_{language}"))
        assert reader.metadata.author == ", ".join(p.name for p in agreement.public_parties.all())
        assert reader.trailer["/Root"]["/Lang"] == language
        assert "/StructTreeRoot" in reader.trailer["/Root"]

        # Recorded with the hash of its bytes and the number of signatories listed.
        data = bytes_of(editions[language])
        assert editions[language].sha256 == hashlib.sha256(data).hexdigest()
        assert (editions[language].size, editions[language].signatory_count) == (len(data), 3)

    sv, en = text_of(editions["sv"]), text_of(editions["en"])
    pages = len(pypdf.PdfReader(editions["sv"].file.path).pages)
    assert f"Sida 2 av {pages}" in sv
    assert re.search(r"Page 2 of \d+", en)
    assert "Undertecknare" in sv and "Signatories" in en
    # The suite's certificate is a test certificate: the document says so.
    assert "TESTSIGILL" in sv and "TEST SEAL" in en

    # Nothing changed: no new edition.
    assert issue_agreement(agreement, "sv") is None


def test_pyhanko_finds_the_seal_intact_and_valid_with_the_configured_trust_root(issued_en):
    reader = PdfFileReader(io.BytesIO(bytes_of(issued_en)))
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[seal_certificate()])
    )
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"


def principles_of(agreement):
    return list(agreement.principles.prefetch_related("commitments"))


def test_a_draft_is_never_issued():
    assert issue_agreement(build_compact(status=Agreement.Status.DRAFT), "sv") is None


def test_a_withdrawal_gives_a_new_edition_without_the_organisation(
    compact, django_capture_on_commit_callbacks
):
    first = issue_agreement(compact, "en")
    signature = compact.signatures.select_related("organisation").first()
    official = OfficialFactory()
    # The setup's own on-commit callbacks (the factories' signatures queued the documents)
    # wait for a commit this test never reaches; the withdrawal must queue its own.
    transaction.get_connection().run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signature_withdraw(signature=signature, actor=official, reason="Vi lägger ner")
    latest = IssuedDocument.objects.latest_edition(
        kind="agreement", agreement=compact, language="en"
    )
    assert latest.pk != first.pk
    assert latest.signatory_count == first.signatory_count - 1
    assert signature.organisation.name in text_of(first)
    assert signature.organisation.name not in text_of(latest)
    # The older edition stays on record: the verification page still knows it.
    assert verify_document(bytes_of(first)).authentic
    assert verify_document(bytes_of(first)).is_latest is False


def test_the_certificate_of_signing_names_the_signature_and_the_principles(compact):
    signature = compact.signatures.select_related("organisation").first()
    with translation.override("en"):
        document = issue_certificate(signature, "en")
    text = text_of(document)
    for expected in (
        "Certificate of signing",
        signature.organisation.name,
        signature.organisation.organisation_number,
        signature.signer_name,
        signature.signer_role,
        "Online",
        compact.version_label,
    ):
        assert expected in text
    for principle in compact.principles.all():
        assert principle.title_en in text
    assert (document.kind, document.signature_id) == ("certificate", signature.pk)


def test_no_certificate_for_an_organisation_officials_have_not_verified(compact):
    signature = SignatureFactory(
        agreement=compact, organisation=OrganisationFactory(verification="unverified")
    )
    assert issue_certificate(signature, "sv") is None


def test_the_prefilled_application_form_has_fillable_fields_with_the_organisation(compact):
    organisation = OrganisationFactory()
    document = issue_application_form(compact, "sv", organisation)
    fields = pypdf.PdfReader(document.file.path).get_fields()
    assert fields["organisation"]["/V"] == organisation.name
    assert fields["organisation_number"]["/V"] == organisation.organisation_number
    assert {"signer_name", "signer_role", "place_and_date"} <= set(fields)
    assert verify_document(bytes_of(document)).authentic
    blank = issue_application_form(compact, "sv")
    assert pypdf.PdfReader(blank.file.path).get_fields()["organisation"].get("/V", "") == ""


# -- the pages -----------------------------------------------------------------------------


def test_the_agreement_pdf_is_served_as_stored_and_its_page_says_when_issued(
    client, world, issued_en
):
    agreement = world["agreement"]
    with translation.override("en"):
        response = client.get(reverse("compact:agreement_pdf", args=[agreement.pk]))
        page = client.get(reverse("compact:agreement_document", args=[agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == bytes_of(issued_en)
    content = page.content.decode()
    assert issued_en.sha256 in content
    assert "Issued" in content
    # No Swedish edition yet: the Swedish URL says it is being prepared.
    with translation.override("sv"):
        response = client.get(reverse("compact:agreement_pdf", args=[agreement.pk]))
    assert response["Content-Type"].startswith("text/html")


def test_before_the_first_edition_the_pdf_url_says_it_is_being_prepared(client, english):
    agreement = build_compact()
    response = client.get(reverse("compact:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "being prepared" in response.content.decode()


def test_a_draft_has_no_pdf_page(client):
    draft = build_compact(status=Agreement.Status.DRAFT)
    assert client.get(reverse("compact:agreement_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("compact:agreement_document", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("pk", ["9" * 30, "9" * 4400, "\u0661"])
def test_an_agreement_pdf_url_with_no_such_version_is_not_found(client, pk):
    """Neither the middleware nor the view fails on a number out of range, one too long for
    Python's int(), or a digit that is not ASCII."""
    assert client.get(f"/sv/agreement/{pk}/agreement.pdf").status_code == 404


def _check(client, data: bytes, name="document.pdf"):
    with translation.override("en"):
        return client.post(
            reverse("compact:verify"),
            {"document": SimpleUploadedFile(name, data, content_type="application/pdf")},
        )


def test_the_verification_page_accepts_an_issued_pdf_and_rejects_altered_ones(
    client, world, issued_en
):
    original = bytes_of(issued_en)
    content = _check(client, original).content.decode()
    assert "Authentic" in content and "Not authentic" not in content
    assert world["agreement"].title_en in content

    one_byte = bytearray(original)
    one_byte[len(one_byte) // 3] ^= 0x01
    content = _check(client, bytes(one_byte)).content.decode()
    assert "Not authentic" in content and "changed after it was sealed" in content

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(original)))
    resaved = io.BytesIO()
    writer.write(resaved)
    content = _check(client, resaved.getvalue()).content.decode()
    assert "Not authentic" in content


def test_a_pdf_larger_than_every_issued_one_is_not_authentic_and_not_parsed(
    client, issued_en, monkeypatch
):
    def parse(data):
        raise AssertionError("a PDF larger than every issued one was parsed")

    monkeypatch.setattr("compact.documents.issuing.check_seal", parse)
    larger = bytes_of(issued_en) + b"\n%" + b"x" * 100
    content = _check(client, larger).content.decode()
    assert "Not authentic" in content
    assert "larger than every document the portal has issued" in content


@pytest.mark.parametrize("data", [b"Hello, this is text.", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64])
def test_the_verification_page_rejects_what_is_not_a_pdf(client, data):
    response = _check(client, data, name="file.pdf")
    assert response.status_code == 200
    assert "The file is not a PDF." in response.content.decode()


def test_the_verification_page_refuses_a_file_over_the_limit(client, settings):
    settings.PDF_VERIFY_MAX_BYTES = 1000
    response = _check(client, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()


def test_the_verification_page_counts_checks_per_address(client, settings):
    settings.PDF_VERIFICATIONS_PER_MINUTE = 2
    statuses = [_check(client, b"not a pdf").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_verification_page_with_redis_down_says_it_cannot_check_now(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    response = _check(client, b"%PDF-1.7\n")
    assert response.status_code == 503
    content = response.content.decode()
    assert "not possible right now because of a fault in the portal" in content
    assert 'type="file"' in content  # the form is there to try again


@pytest.mark.django_db
def test_the_verification_page_without_the_seal_certificate_says_it_cannot_check_now(
    client, issued_en, settings
):
    settings.PDF_SEAL_CERTIFICATE = "/nonexistent/seal-certificate.pem"
    settings.PDF_SEAL_CREATE_TEST_CERTIFICATE = False
    response = _check(client, bytes_of(issued_en))
    assert response.status_code == 503
    assert "not possible right now" in response.content.decode()


def test_the_verification_page_without_a_file_says_so(client, english):
    response = client.post(reverse("compact:verify"), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_verify_pdf_command_agrees_with_the_page(issued_en, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(bytes_of(issued_en))
    out = io.StringIO()
    call_command("verify_pdf", str(good), stdout=out)
    assert "Authentic" in out.getvalue()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(CommandError, match="Not authentic: The file is not a PDF."):
        call_command("verify_pdf", str(bad))


# -- the signed-in pages -------------------------------------------------------------------


def test_a_representative_gets_the_certificate_once_issued(client, compact, english):
    signature = compact.signatures.select_related("organisation").first()
    representative = RepresentativeFactory(organisation=signature.organisation)
    client.force_login(representative.user)
    url = reverse("compact:certificate_pdf", args=[signature.organisation_id, signature.pk])
    response = client.get(url)
    assert "being prepared" in response.content.decode()
    # htmx asks again: nothing yet (the task runs on commit, which this test never reaches).
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204
    document = issue_certificate(signature, "en")
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == url
    response = client.get(url)
    assert b"".join(response.streaming_content) == bytes_of(document)


def test_the_certificate_waits_for_the_organisation_to_be_verified(client, compact, english):
    organisation = OrganisationFactory(verification=Organisation.Verification.UNVERIFIED)
    signature = SignatureFactory(agreement=compact, organisation=organisation)
    client.force_login(RepresentativeFactory(organisation=organisation).user)
    response = client.get(reverse("compact:certificate_pdf", args=[organisation.pk, signature.pk]))
    assert "when officials have verified the organisation" in response.content.decode()


def test_another_organisations_representative_gets_no_certificate(client, compact):
    signature = compact.signatures.first()
    client.force_login(RepresentativeFactory().user)
    url = reverse("compact:certificate_pdf", args=[signature.organisation_id, signature.pk])
    assert client.get(url).status_code == 403


def test_the_prefilled_form_is_issued_by_a_task_and_served_when_current(
    client, compact, english, django_capture_on_commit_callbacks
):
    representative = RepresentativeFactory()
    organisation = representative.organisation
    client.force_login(representative.user)
    url = reverse("compact:application_form_prefilled", args=[organisation.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    assert "being prepared" in response.content.decode()
    assert len(callbacks) == 1  # the task, queued on commit
    callbacks[0]()  # the worker's turn (eager here)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    served = b"".join(response.streaming_content)
    fields = pypdf.PdfReader(io.BytesIO(served)).get_fields()
    assert fields["organisation"]["/V"] == organisation.name
    # Renamed: the stored form no longer shows the organisation as it is, a new one is made.
    Organisation.objects.filter(pk=organisation.pk).update(name="Nya namnet")
    response = client.get(url)
    assert "being prepared" in response.content.decode()


def test_a_new_edition_is_served_at_once_with_the_page_cache_on(client, world, settings):
    """The download's lookup is kept in the public page cache, keyed by the content version
    that a new edition replaces: the next download is the new edition."""
    settings.PUBLIC_PAGE_CACHE = True
    agreement = world["agreement"]
    first = issue_agreement(agreement, "en")
    with translation.override("en"):
        url = reverse("compact:agreement_pdf", args=[agreement.pk])
    assert b"".join(client.get(url).streaming_content) == bytes_of(first)
    with CaptureQueriesContext(connection) as queries:
        assert b"".join(client.get(url).streaming_content) == bytes_of(first)
    assert not [q for q in queries if "compact_issueddocument" in q["sql"]]
    second = issue_agreement(agreement, "en", force=True)
    assert b"".join(client.get(url).streaming_content) == bytes_of(second)


def test_administrators_read_the_issued_documents_in_the_admin_and_change_none(client, issued_en):
    sign_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True, totp=True))
    listing = client.get(reverse("admin:compact_issueddocument_changelist"))
    assert listing.status_code == 200
    assert issued_en.sha256 in listing.content.decode()
    page = client.get(reverse("admin:compact_issueddocument_change", args=[issued_en.pk]))
    assert page.status_code == 200
    assert issued_en.file.name in page.content.decode()
    assert 'name="sha256"' not in page.content.decode()  # read, not edited
    assert client.get(reverse("admin:compact_issueddocument_add")).status_code == 403
    delete = reverse("admin:compact_issueddocument_delete", args=[issued_en.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert IssuedDocument.objects.filter(pk=issued_en.pk).exists()


def test_an_edition_that_fails_to_be_recorded_leaves_no_file_behind(world, monkeypatch):
    """The database refuses the record (a trigger, as a constraint or a lost connection
    would): the file stored for it is taken out of the storage again."""
    stored = []
    save = FileSystemStorage.save

    def save_and_note(storage, name, content, **kwargs):
        stored.append((storage, saved := save(storage, name, content, **kwargs)))
        return saved

    monkeypatch.setattr(FileSystemStorage, "save", save_and_note)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(
            "CREATE FUNCTION refuse_issue() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the database refuses'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_issue BEFORE INSERT ON compact_issueddocument "
            "FOR EACH ROW EXECUTE FUNCTION refuse_issue()"
        )
    with pytest.raises(DatabaseError, match="the database refuses"):
        issue_agreement(world["agreement"], "sv", force=True)
    assert len(stored) == 1  # the file was stored, then taken away again
    storage, name = stored[0]
    assert not storage.exists(name)
