"""core/sealing.py: a sealed PDF checks out against the configured certificate; anything
else (changed, re-saved, sealed by someone else, encrypted, cut short, not a PDF) does not,
with a reason, and never raises."""

import io
from concurrent.futures import ThreadPoolExecutor

import pypdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as validate_in_this_thread
from pyhanko_certvalidator import ValidationContext

from core import sealing

pytestmark = pytest.mark.usefixtures("english")  # the reasons read in English


def validate_pdf_signature(*args):
    """pyHanko's validation runs an event loop of its own: in a thread, whatever an earlier
    test left running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_in_this_thread, *args).result()


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Ett dokument"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def sealed(plain_pdf) -> bytes:
    return sealing.seal_pdf(plain_pdf, reason="Test")


def test_a_sealed_pdf_is_valid_and_trusted_against_the_configured_certificate(sealed):
    check = sealing.check_seal(sealed)
    assert (check.valid, check.reason) == (True, "")
    # And pyHanko itself, with the certificate as the only trust root, agrees.
    embedded = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[sealing.seal_certificate()])
    )
    assert (status.intact, status.valid, status.trusted) == (True, True, True)


def test_the_test_certificate_says_it_is_a_test_seal():
    assert sealing.is_test_seal()


def test_one_byte_changed_is_reported_as_changed(sealed):
    changed = bytearray(sealed)
    position = sealed.index(b"/Title") + 8  # inside the signed bytes
    changed[position] ^= 0x01
    check = sealing.check_seal(bytes(changed))
    assert not check.valid
    assert "changed" in str(check.reason)


def test_a_pdf_resaved_by_another_tool_is_not_valid(sealed):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(sealed)))
    out = io.BytesIO()
    writer.write(out)
    check = sealing.check_seal(out.getvalue())
    assert not check.valid


def test_an_incremental_update_after_sealing_is_not_valid(sealed):
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    check = sealing.check_seal(out.getvalue())
    assert not check.valid


def test_a_pdf_sealed_with_another_certificate_is_foreign(plain_pdf, tmp_path, settings):
    ours = settings.PDF_SEAL_CERTIFICATE, settings.PDF_SEAL_KEY
    other = tmp_path / "other.pem", tmp_path / "other-key.pem"
    sealing.create_test_certificate(*other, name="Someone else")
    settings.PDF_SEAL_CERTIFICATE, settings.PDF_SEAL_KEY = map(str, other)
    foreign = sealing.seal_pdf(plain_pdf, reason="Not ours")
    settings.PDF_SEAL_CERTIFICATE, settings.PDF_SEAL_KEY = ours
    check = sealing.check_seal(foreign)
    assert not check.valid
    assert "another certificate" in str(check.reason)


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, world", b"PK\x03\x04 a zip file", b"%PDF-1.7\n garbage \x00\xff" * 10],
)
def test_what_is_not_a_sealed_pdf_gets_a_reason_not_an_exception(data):
    check = sealing.check_seal(data)
    assert not check.valid
    assert str(check.reason)


def test_an_unsealed_pdf_has_no_seal(plain_pdf):
    assert str(sealing.check_seal(plain_pdf).reason) == "The PDF has no seal."


def test_a_truncated_pdf_is_not_valid(sealed):
    for length in (len(sealed) // 2, len(sealed) - 10, 100):
        assert not sealing.check_seal(sealed[:length]).valid


def test_an_encrypted_pdf_is_not_valid(sealed):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(sealed)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    check = sealing.check_seal(out.getvalue())
    assert not check.valid
    assert "encrypted" in str(check.reason)
