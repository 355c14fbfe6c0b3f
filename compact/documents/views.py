"""The sealed PDFs on the web: served from the storage as issued, never rendered here.

A document not issued yet (a new version, a signature made a moment ago, a prefilled form
asked for the first time) gets a page that says it is being prepared; the signed-in pages
queue its task and look again every few seconds (htmx), then open the PDF.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from redis import RedisError

from compact.documents.forms import VerifyForm
from compact.documents.issuing import application_form_is_current, verify_document
from compact.models import Agreement, IssuedDocument, Signature
from compact.tasks import issue_application_form_document, queue_certificate
from core.access import public
from core.public_cache import cached_public_page, content_version
from core.sealing import SealNotConfigured
from core.security import client_address, security_event
from organisations.access import for_organisation

Kind = IssuedDocument.Kind
logger = logging.getLogger(__name__)


def _public_agreement(agreement_pk) -> Agreement:
    return get_object_or_404(
        Agreement.objects.exclude(status=Agreement.Status.DRAFT).prefetch_related("public_parties"),
        pk=agreement_pk,
    )


def serve(document: IssuedDocument, filename: str) -> FileResponse:
    """The stored edition as it was issued: streamed from the storage (the server's
    sendfile when it has one), shown in the browser, named for saving."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=filename,
        content_type="application/pdf",
    )
    response["ETag"] = f'"{document.sha256}"'
    response["Last-Modified"] = document.issued_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    return response


def pending(request, *, title: str, poll: bool = False, back_url: str = ""):
    """The page for a document not issued yet. Signed-in pages poll: htmx asks the same
    URL again, and is sent on to it (the PDF) when it is ready."""
    if request.htmx:
        return HttpResponse(status=204)  # not yet: htmx keeps asking
    return render(
        request,
        "compact/document_pending.html",
        {"title": title, "poll": poll, "back_url": back_url},
    )


def _ready(request, document, filename):
    if request.htmx:
        return HttpResponseClientRedirect(request.get_full_path())
    return serve(document, filename)


@public
@cached_public_page
def agreement_document(request, agreement_pk):
    """The agreement version's PDF in this page's language: when it was issued, how many
    signatories it lists, its SHA-256, the download; and the other languages' editions."""
    agreement = _public_agreement(agreement_pk)
    editions = {
        language: IssuedDocument.objects.latest_edition(
            kind=Kind.AGREEMENT, agreement=agreement, language=language
        )
        for language, _name in settings.LANGUAGES
    }
    language = translation.get_language()
    others = []
    for code, name in settings.LANGUAGES:
        if code != language and editions.get(code):
            with translation.override(code):
                others.append(
                    {"code": code, "name": translation.gettext(name), "document": editions[code]}
                )
    return render(
        request,
        "compact/agreement_document.html",
        {"agreement": agreement, "document": editions.get(language), "others": others},
    )


def latest_agreement_edition(agreement_pk, language) -> IssuedDocument | None:
    """The latest issued edition of a public version's agreement PDF: one query, or none,
    from the public page cache (each process's memory, keyed by the content version that a
    new edition replaces, as public pages are: core/public_cache.py)."""
    key = None
    if settings.PUBLIC_PAGE_CACHE:
        try:
            key = f"agreement-pdf:{content_version()}:{agreement_pk}:{language}"
        except RedisError:
            key = None
        else:
            if (cached := caches["public_pages"].get(key)) is not None:
                return cached
    document = (
        IssuedDocument.objects.filter(
            kind=Kind.AGREEMENT, agreement_id=agreement_pk, language=language
        )
        .exclude(agreement__status=Agreement.Status.DRAFT)
        .select_related("agreement")
        .only("file", "sha256", "issued_at", "agreement__version_label")
        .order_by("-issued_at", "-pk")
        .first()
    )
    if key and document is not None:
        caches["public_pages"].set(key, document, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return document


def serve_agreement(document: IssuedDocument, language: str) -> FileResponse:
    return serve(document, f"agreement-{document.agreement.version_label}-{language}.pdf")


@public
def agreement_pdf(request, agreement_pk):
    """The latest issued edition of the agreement PDF in this language. (An issued edition
    is usually served before the request gets here: compact.documents.middleware.)"""
    language = translation.get_language()
    document = latest_agreement_edition(agreement_pk, language)
    if document is None:
        _public_agreement(agreement_pk)  # a draft or no such version: 404
        return pending(request, title=_("The agreement as a PDF"))
    return serve_agreement(document, language)


@public
def application_form_pdf(request, agreement_pk):
    """The blank application form of the version in force."""
    agreement = get_object_or_404(Agreement.objects.in_force(), pk=agreement_pk)
    language = translation.get_language()
    document = IssuedDocument.objects.latest_edition(
        kind=Kind.APPLICATION_FORM, agreement=agreement, language=language
    )
    if document is None:
        return pending(request, title=_("The application form"))
    return serve(document, f"application-form-{agreement.version_label}-{language}.pdf")


@for_organisation("compact.submit_application")
def application_form_prefilled(request, organisation):
    """The application form prefilled with the organisation's name and number: the stored
    one if it shows the organisation as it is now, else issued by a task while the page
    waits."""
    agreement = Agreement.objects.current_or_404()
    language = translation.get_language()
    document = IssuedDocument.objects.latest_edition(
        kind=Kind.APPLICATION_FORM,
        agreement=agreement,
        language=language,
        organisation=organisation,
    )
    filename = f"application-form-{organisation.organisation_number}-{language}.pdf"
    if application_form_is_current(document, agreement, language, organisation):
        return _ready(request, document, filename)
    if not request.htmx:  # the first look queues it; polling only looks
        issue_application_form_document.delay_on_commit(agreement.pk, language, organisation.pk)
    return pending(
        request,
        title=_("The application form for %(name)s") % {"name": organisation.name},
        poll=True,
        back_url=_back(organisation),
    )


@for_organisation()
def certificate_pdf(request, organisation, signature_pk):
    """The certificate of signing, for the organisation's representatives and officials."""
    signature = get_object_or_404(
        Signature.objects.select_related("agreement"), pk=signature_pk, organisation=organisation
    )
    language = translation.get_language()
    document = IssuedDocument.objects.latest_edition(
        kind=Kind.CERTIFICATE,
        agreement=signature.agreement,
        language=language,
        signature=signature,
    )
    if document is not None:
        return _ready(request, document, f"certificate-{signature.pk}-{language}.pdf")
    if not organisation.is_verified:
        return render(
            request,
            "compact/document_pending.html",
            {
                "title": _("Certificate of signing"),
                "unverified": True,
                "back_url": _back(organisation),
            },
        )
    if not request.htmx:
        queue_certificate(signature.pk, language)
    return pending(
        request, title=_("Certificate of signing"), poll=True, back_url=_back(organisation)
    )


def _back(organisation) -> str:
    return reverse("organisations:dashboard", kwargs={"organisation_pk": organisation.pk})


def _verifications_allowed(request) -> bool:
    """At most PDF_VERIFICATIONS_PER_MINUTE checks a minute from one client address,
    counted in the default cache (Redis in production: shared by every process)."""
    key = f"portal:pdf-verifications:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count == settings.PDF_VERIFICATIONS_PER_MINUTE + 1:
        security_event("pdf_verifications_limited", request)
    return count <= settings.PDF_VERIFICATIONS_PER_MINUTE


@public
def verify(request):
    """Upload a PDF and learn whether the portal issued it, unaltered."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if not _verifications_allowed(request):
                form.add_error(
                    None, _("Too many checks from your address: wait a minute and try again.")
                )
                status = 429
            else:
                upload = form.cleaned_data["document"]
                result = verify_document(upload.read())
        except (RedisError, SealNotConfigured):
            # Redis (the count of checks) down, or the seal's certificate missing: the
            # portal's fault, said as such, never a 500 page; nothing was kept to lose.
            logger.exception("PDF verification unavailable")
            form.add_error(
                None,
                _(
                    "Checking PDFs is not possible right now because of a fault in the "
                    "portal. Try again later; the file was not kept."
                ),
            )
            status = 503
    return render(request, "compact/verify.html", {"form": form, "result": result}, status=status)
