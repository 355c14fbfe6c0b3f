"""Sealing PDFs (PAdES, with pyHanko) and checking a seal. Generic: no app's knowledge.

The seal is the public party's certificate and private key, read from the paths in
``PDF_SEAL_CERTIFICATE`` and ``PDF_SEAL_KEY`` (PEM; ``PDF_SEAL_KEY_PASSPHRASE`` if the key is
encrypted). A sealed PDF carries one certification signature over the whole file: a PDF
changed afterwards, or re-saved by another program, no longer checks out.

Locally (``PDF_SEAL_CREATE_TEST_CERTIFICATE``), a self-signed *test* certificate is made on
first use. Its subject says so (``TEST_SEAL_MARK``), and ``is_test_seal()`` lets a document
say visibly that its seal is a test seal.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TEST_SEAL_MARK = "TEST SEAL - not for real use"
SEAL_FIELD = "Seal"

_lock = threading.Lock()
_loaded: dict[tuple, object] = {}


class SealNotConfigured(Exception):
    """No certificate or key where the settings say."""


def create_test_certificate(certificate_path: Path, key_path: Path, *, name: str) -> None:
    """A self-signed certificate and its key (PEM) for sealing test documents: valid for
    ten years, marked as a test seal in its subject. The key file is readable by its owner
    only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_SEAL_MARK),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.touch(mode=0o600)
    key_path.write_bytes(key_bytes)
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous calls run an event loop of their own (asyncio.run), which fails
    in a thread that already runs one (an async caller, a browser test's Playwright): there
    the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _paths() -> tuple[Path, Path]:
    certificate = settings.PDF_SEAL_CERTIFICATE
    key = settings.PDF_SEAL_KEY
    if not certificate or not key:
        raise SealNotConfigured("PDF_SEAL_CERTIFICATE and PDF_SEAL_KEY are not set.")
    return Path(certificate), Path(key)


def _ensure_files() -> tuple[Path, Path]:
    certificate, key = _paths()
    if not certificate.exists() or not key.exists():
        if not settings.PDF_SEAL_CREATE_TEST_CERTIFICATE:
            raise SealNotConfigured(f"No seal certificate or key at {certificate} and {key}.")
        logger.warning("Creating a self-signed TEST seal certificate at %s.", certificate)
        create_test_certificate(certificate, key, name=settings.PDF_SEAL_TEST_NAME)
    return certificate, key


def _signer():
    """The pyHanko signer, loaded once per process (and again when the files change)."""
    from pyhanko.sign import signers

    certificate, key = _ensure_files()
    stamp = (certificate, key, certificate.stat().st_mtime_ns, key.stat().st_mtime_ns)
    with _lock:
        signer = _loaded.get(stamp)
        if signer is None:
            passphrase = settings.PDF_SEAL_KEY_PASSPHRASE
            signer = signers.SimpleSigner.load(
                str(key),
                str(certificate),
                key_passphrase=passphrase.encode() if passphrase else None,
            )
            if signer is None:
                raise SealNotConfigured(f"The seal's key or certificate could not be read ({key}).")
            _loaded[stamp] = signer
        return signer


def seal_certificate():
    """The configured certificate (an asn1crypto certificate)."""
    return _signer().signing_cert


def is_test_seal() -> bool:
    """Is the configured certificate a test certificate made by ``create_test_certificate``?
    Read with ``cryptography`` (cheap: a web process need not load pyHanko to know)."""
    from cryptography import x509

    certificate, _key = _ensure_files()
    stamp = ("test", certificate, certificate.stat().st_mtime_ns)
    with _lock:
        if stamp not in _loaded:
            subject = x509.load_pem_x509_certificate(certificate.read_bytes()).subject
            _loaded[stamp] = TEST_SEAL_MARK in subject.rfc4514_string()
        return _loaded[stamp]


def seal_pdf(
    pdf: bytes, *, reason: str, location: str = "", allow_form_filling: bool = False
) -> bytes:
    """The PDF with a PAdES certification seal over all of it. A form may be sealed so that
    filling its fields in later does not break the seal (``allow_form_filling``)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS
        if allow_form_filling
        else fields.MDPPerm.NO_CHANGES,
        reason=reason,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer)
    return output.getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a seal check found: ``valid`` with the time the seal says it was made, or not,
    with the reason for a person (translated lazily)."""

    valid: bool
    reason: str = ""
    sealed_at: datetime.datetime | None = None
    sha256: str = ""


def _not(reason, sha256: str = "") -> SealCheck:
    return SealCheck(valid=False, reason=reason, sha256=sha256)


def is_pdf(data: bytes) -> bool:
    """Does ``data`` begin as a PDF does? (Nothing parsed: cheap for anything.)"""
    return data.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-")


def check_seal(data: bytes) -> SealCheck:
    """Is ``data`` a PDF sealed with the configured certificate, unaltered since? Never
    raises for bad input: any PDF, or anything else, gets an answer with a reason."""
    sha256 = hashlib.sha256(data).hexdigest()
    if not is_pdf(data):
        return _not(_("The file is not a PDF."), sha256)
    try:
        return _check_pdf(data, sha256)
    except SealNotConfigured:
        raise
    except Exception:  # a hostile or broken PDF can make a parser fail in any way
        logger.info("Seal check: the PDF could not be read.", exc_info=True)
        return _not(_("The PDF is damaged or incomplete and cannot be checked."), sha256)


def _check_pdf(data: bytes, sha256: str) -> SealCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        return _not(_("The PDF is encrypted: the portal never issues encrypted PDFs."), sha256)
    signatures = reader.embedded_signatures
    if not signatures:
        return _not(_("The PDF has no seal."), sha256)
    if len(signatures) > 1:
        return _not(_("The PDF has more than one signature: it was signed again after issue."))
    embedded = signatures[0]
    ours = seal_certificate()
    if embedded.signer_cert is None or embedded.signer_cert.sha256 != ours.sha256:
        return _not(_("The PDF is sealed with another certificate than the portal's."), sha256)
    status = _outside_event_loop(
        validate_pdf_signature,
        embedded,
        ValidationContext(trust_roots=[ours], allow_fetching=False),
    )
    if not status.intact:
        return _not(_("The PDF has been changed after it was sealed."), sha256)
    if not status.valid or not status.trusted:
        return _not(_("The seal is not valid."), sha256)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return _not(
            _("Something was added to the PDF after it was sealed (it was edited or re-saved)."),
            sha256,
        )
    return SealCheck(valid=True, sealed_at=status.signer_reported_dt, sha256=sha256)
