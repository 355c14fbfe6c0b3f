"""Issuing the sealed PDFs, and checking one that comes back.

An edition is issued when what the document shows has changed: the HTML is rendered with a
placeholder for the issue date and hashed (``source_digest``); the same digest as the
latest edition means nothing changed, and nothing is rendered. Otherwise the PDF is
rendered, sealed, stored in the private storage and recorded, in one transaction that
holds the agreement version's row, so two workers never record the same content twice.
Called by the tasks in compact/tasks.py, never in a request.
"""

import hashlib
import logging
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compact.documents.rendering import html_to_pdf
from compact.models import Agreement, IssuedDocument, Signature
from core.sealing import check_seal, is_pdf, is_test_seal, seal_pdf

Kind = IssuedDocument.Kind
logger = logging.getLogger(__name__)
ISSUED_AT = "@@ISSUED-AT@@"  # replaced by the issue date once the content is known to be new


# -- what each document shows ------------------------------------------------------------


def signatory_rows(agreement):
    """The version's signatories at the time of issue: effective signatures of verified
    organisations (those the public list shows), by organisation name."""
    return list(
        agreement.signatures.effective()
        .filter(organisation__verification="verified")
        .order_by("organisation__name", "pk")
        .values_list(
            "organisation__name", "organisation__organisation_number", "signed_at", "channel"
        )
    )


def _principles(agreement):
    """Each principle with its commitments grouped by party, in the parties' order."""
    principles = list(agreement.principles.prefetch_related("commitments"))
    grouped = []
    for principle in principles:
        commitments = list(principle.commitments.all())
        if commitments:
            party_field = commitments[0]._meta.get_field("party")
            order = {value: index for index, (value, _label) in enumerate(party_field.choices)}
            commitments.sort(key=lambda c: (order.get(c.party, 99), c.position, c.pk))
        groups = [
            {"label": items[0].get_party_display(), "party": party, "commitments": items}
            for party, items in ((p, list(i)) for p, i in groupby(commitments, lambda c: c.party))
        ]
        grouped.append({"principle": principle, "groups": groups})
    return grouped


def _agreement_context(agreement):
    rows = signatory_rows(agreement)
    channels = dict(Signature.Channel.choices)
    return {
        "agreement": agreement,
        "public_parties": list(agreement.public_parties.all()),
        "principles": _principles(agreement),
        "development_areas": list(agreement.development_areas.prefetch_related("plan_items")),
        "signatories": [
            {
                "name": name,
                "number": number,
                "signed_on": formats.date_format(
                    timezone.localtime(signed_at), "SHORT_DATE_FORMAT"
                ),
                "channel": channels.get(channel, ""),
            }
            for name, number, signed_at, channel in rows
        ],
    }


def _certificate_context(signature):
    agreement = signature.agreement
    meeting_link = getattr(signature, "meeting_link", None)  # a forum's (dialogues)
    return {
        "agreement": agreement,
        "public_parties": list(agreement.public_parties.all()),
        "signature": signature,
        "organisation": signature.organisation,
        "principles": list(agreement.principles.only("pk", "title", "position")),
        "meeting": meeting_link.meeting if meeting_link else None,
    }


def _application_form_context(agreement, organisation):
    return {
        "agreement": agreement,
        "public_parties": list(agreement.public_parties.all()),
        "organisation": organisation,
        "authorities": Signature.Authority.choices,
    }


# -- issuing ------------------------------------------------------------------------------


def _render_html(template: str, context: dict, language: str) -> tuple[str, str]:
    """The HTML with the issue date as a placeholder, and its digest."""
    with translation.override(language):
        verify_url = settings.SITE_URL.rstrip("/") + reverse("compact:verify")
        html = render_to_string(
            template,
            {
                **context,
                "issued_at": ISSUED_AT,
                "language": language,
                "test_seal": is_test_seal(),
                "verify_url": verify_url,
            },
        )
    return html, hashlib.sha256(html.encode()).hexdigest()


def _issue(
    *,
    kind: str,
    agreement: Agreement,
    language: str,
    template: str,
    context: dict,
    signature=None,
    organisation=None,
    year: int | None = None,
    signatory_count=None,
    forms: bool = False,
    force: bool = False,
) -> IssuedDocument | None:
    html, digest = _render_html(template, context, language)
    edition = {
        "kind": kind,
        "agreement": agreement,
        "language": language,
        "signature": signature,
        "organisation": organisation,
        "year": year,
    }
    latest = IssuedDocument.objects.latest_edition(**edition)
    if latest is not None and latest.source_digest == digest and not force:
        return None
    issued_at = timezone.now()
    with translation.override(language):
        stamp = formats.date_format(timezone.localtime(issued_at), "DATETIME_FORMAT")
        reason = _("Issued by the compact portal on behalf of the public party")
    sealed = seal_pdf(
        html_to_pdf(html.replace(ISSUED_AT, stamp), forms=forms),
        reason=reason,
        allow_form_filling=forms,
    )
    sha256 = hashlib.sha256(sealed).hexdigest()
    stored = None
    try:
        with transaction.atomic():
            Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
            latest = IssuedDocument.objects.latest_edition(**edition)
            if latest is not None and latest.source_digest == digest and not force:
                return None  # another worker issued the same content meanwhile
            document = IssuedDocument(
                **edition,
                size=len(sealed),
                sha256=sha256,
                source_digest=digest,
                issued_at=issued_at,
                signatory_count=signatory_count,
            )
            document.file.save(_file_name(document), ContentFile(sealed), save=False)
            stored = document.file
            document.save()
            document.log_action(
                "compact.document.issued",
                actor=None,
                data={"kind": kind, "language": language, "sha256": sha256, "size": len(sealed)},
            )
    except BaseException:
        if stored is not None:  # no record, no file: the storage is not in the transaction
            _delete_quietly(stored)
        raise
    return document


def _delete_quietly(file) -> None:
    try:
        file.storage.delete(file.name)
    except OSError:
        logger.exception("An issued file without its record was left in the storage: %s", file.name)


def _file_name(document) -> str:
    parts = [document.kind, f"v{document.agreement_id}", document.language]
    if document.signature_id:
        parts.append(f"s{document.signature_id}")
    if document.organisation_id:
        parts.append(f"o{document.organisation_id}")
    if document.year is not None:
        parts.append(f"y{document.year}")
    return "-".join([*parts, document.sha256[:16]]) + ".pdf"


def issue_document(
    *,
    kind: str,
    agreement: Agreement,
    language: str,
    template: str,
    context: dict,
    year: int | None = None,
    force: bool = False,
) -> IssuedDocument | None:
    """A new edition of a sealed document prepared by an app above compact (a year's
    follow-up: principles/followup_documents.py), rendered from ``template`` with
    ``context`` (plus the issue date, language, test-seal flag and verification address),
    if what it shows has changed since the latest edition of the same kind, version,
    language and year."""
    return _issue(
        kind=kind,
        agreement=agreement,
        language=language,
        template=template,
        context=context,
        year=year,
        force=force,
    )


def issue_agreement(agreement: Agreement, language: str, *, force=False) -> IssuedDocument | None:
    """A new edition of the agreement in ``language``, if anything it shows has changed
    (a signature, a withdrawal, the text, the version's status). Drafts are not issued."""
    agreement = Agreement.objects.prefetch_related("public_parties").get(pk=agreement.pk)
    if not agreement.is_public:
        return None
    with translation.override(language):
        context = _agreement_context(agreement)
    return _issue(
        kind=Kind.AGREEMENT,
        agreement=agreement,
        language=language,
        template="pdf/agreement.html",
        context=context,
        signatory_count=len(context["signatories"]),
        force=force,
    )


def issue_certificate(signature: Signature, language: str) -> IssuedDocument | None:
    """The certificate of signing of ``signature`` in ``language``: issued once the
    organisation is verified (a sealed document names only what officials have checked),
    again if the signature is withdrawn."""
    signature = Signature.objects.select_related("organisation", "agreement").get(pk=signature.pk)
    if not signature.organisation.is_verified:
        return None
    with translation.override(language):
        context = _certificate_context(signature)
    return _issue(
        kind=Kind.CERTIFICATE,
        agreement=signature.agreement,
        language=language,
        template="pdf/certificate.html",
        context=context,
        signature=signature,
    )


def issue_application_form(agreement: Agreement, language: str, organisation=None):
    """The application form of the written route: blank, or prefilled with
    ``organisation``'s name and number. Its fields can be filled in on screen; filling
    them in does not break the seal."""
    agreement = Agreement.objects.prefetch_related("public_parties").get(pk=agreement.pk)
    if agreement.status != Agreement.Status.ADOPTED:
        return None  # only the version in force can be joined
    return _issue(
        kind=Kind.APPLICATION_FORM,
        agreement=agreement,
        language=language,
        template="pdf/application_form.html",
        context=_application_form_context(agreement, organisation),
        organisation=organisation,
        forms=True,
    )


def application_form_is_current(document, agreement, language, organisation) -> bool:
    """Does ``document`` show what a form issued now would? (A template is rendered, no
    PDF: cheap enough for the request that decides whether to issue one.)"""
    _html, digest = _render_html(
        "pdf/application_form.html",
        _application_form_context(agreement, organisation),
        language,
    )
    return document is not None and document.source_digest == digest


# -- checking one that comes back ------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    authentic: bool
    reason: str = ""
    document: IssuedDocument | None = None
    is_latest: bool | None = None  # no newer edition of the same document


def verify_document(data: bytes) -> Verification:
    """Is ``data`` a document this portal issued, unaltered? The seal must be valid against
    the configured certificate and cover the whole file, and its SHA-256 must be that of an
    issued edition. Never raises for bad input.

    A PDF larger than every issued document is none of them, and is not parsed: a hostile
    PDF's cost to parse grows with its size (one with 500,000 form fields in 3 MB keeps a
    web process busy for seconds), and the largest issued document bounds what one check
    here costs."""
    if is_pdf(data):
        largest = IssuedDocument.objects.aggregate(largest=Max("size"))["largest"] or 0
        if len(data) > largest:
            return Verification(
                authentic=False,
                reason=str(
                    gettext_lazy(
                        "The PDF is larger than every document the portal has issued, so it "
                        "is none of them as issued: it was changed, re-saved or made elsewhere."
                    )
                ),
            )
    check = check_seal(data)
    if not check.valid:
        return Verification(authentic=False, reason=str(check.reason))
    document = (
        IssuedDocument.objects.select_related(
            "agreement", "signature__organisation", "organisation"
        )
        .filter(sha256=check.sha256)
        .first()
    )
    if document is None:
        return Verification(
            authentic=False,
            reason=str(
                gettext_lazy(
                    "The seal is valid, but the portal has no record of issuing this document."
                )
            ),
        )
    latest = IssuedDocument.objects.latest_edition(
        kind=document.kind,
        agreement=document.agreement,
        language=document.language,
        signature=document.signature,
        organisation=document.organisation,
        year=document.year,
    )
    return Verification(authentic=True, document=document, is_latest=latest.pk == document.pk)


def agreement_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
