"""The sealed PDFs' pages in a real Chromium, in Swedish and English: the agreement's PDF page,
the page that says a PDF is being prepared, the verification page with each answer, and a
representative's certificate of signing, which the page fetches by itself once issued
(htmx polling). Each passes axe (WCAG 2.1 AA) with one h1."""

from pathlib import Path

import pytest

from compact.documents.issuing import issue_agreement
from tests.e2e.test_signed_in_pages import audit, sign_in, urls
from tests.factories import OrganisationFactory, RepresentativeFactory, SignatureFactory

LANGUAGES = ["sv", "en"]
AUTHENTIC = {"sv": "Äkta", "en": "Authentic"}
NOT_AUTHENTIC = {"sv": "Inte äkta", "en": "Not authentic"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_document_pages_pass_axe(page, compact, language, tmp_path):
    other = "en" if language == "sv" else "sv"
    document = issue_agreement(compact, language)
    [page_url, pdf_url, verify_url] = urls(
        language,
        ("compact:agreement_document", compact.pk),
        ("compact:agreement_pdf", compact.pk),
        ("compact:verify",),
    )
    response = page.goto(page_url)
    assert response.status == 200
    audit(page, language)
    assert page.locator("main").get_by_text(document.sha256).count() == 1

    # The other language's edition is not issued yet: its address says it is being prepared.
    [other_pdf] = urls(other, ("compact:agreement_pdf", compact.pk))
    assert page.goto(other_pdf).status == 200
    audit(page, other)

    # The verification page: empty, then an issued PDF, then a file that is not a PDF.
    page.goto(verify_url)
    audit(page, language)
    issued = tmp_path / "agreement.pdf"
    with document.file.open("rb") as file:
        issued.write_bytes(file.read())
    page.set_input_files("input[type=file]", str(issued))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main [role=status] h2").inner_text() == AUTHENTIC[language]
    audit(page, language)

    text = tmp_path / "not-a-pdf.pdf"
    text.write_text("Hello")
    page.set_input_files("input[type=file]", str(text))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main [role=status] h2").inner_text() == NOT_AUTHENTIC[language]
    audit(page, language)

    # The PDF itself, as stored.
    response = page.request.get(pdf_url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == Path(document.file.path).read_bytes()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_representative_waits_for_the_certificate_and_gets_it(page, compact, language):
    representative = RepresentativeFactory(organisation__name="Föreningen Intygad")
    organisation = representative.organisation
    signature = SignatureFactory(organisation=organisation, agreement=compact)
    unverified = RepresentativeFactory(
        user=representative.user,
        organisation=OrganisationFactory(name="Föreningen Overifierad", verification="unverified"),
    ).organisation
    waiting = SignatureFactory(organisation=unverified, agreement=compact)
    sign_in(page, language, representative.user.email)

    # Not verified yet: no certificate, and the page says when there will be one.
    [pending_unverified, certificate] = urls(
        language,
        ("compact:certificate_pdf", unverified.pk, waiting.pk),
        ("compact:certificate_pdf", organisation.pk, signature.pk),
    )
    page.goto(pending_unverified)
    audit(page, language)

    # The first visit queues the certificate (here the task runs when the request's
    # transaction commits) and says it is being prepared; htmx looks again every 3 s and,
    # once the certificate is issued, opens it.
    page.goto(certificate)
    audit(page, language)
    with page.expect_request(
        lambda request: request.url.endswith(certificate) and "hx-request" not in request.headers,
        timeout=30_000,
    ):
        pass  # the page navigates to the certificate by itself (a PDF: the browser saves it)
    response = page.request.get(certificate)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
