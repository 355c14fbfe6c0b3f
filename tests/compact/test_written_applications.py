import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from compact.models import Signature, WrittenApplication
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    WrittenApplicationFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def official():
    return OfficialFactory(totp=True)


# Who signed the application's paper, as the representative gives it on upload.
SIGNATORY = {"signatory_name": "Robin Ros", "signatory_role": "Chair", "signed_on": "2026-01-05"}


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content=None, name="ansokan.pdf"):
    return SimpleUploadedFile(name, real_pdf() if content is None else content, "application/pdf")


def test_apply_in_writing_creates_a_pending_application(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.post(
        reverse("compact:apply", args=[rep.organisation.pk]),
        {"document": upload(), **SIGNATORY, "message": "Our board decided to join."},
    )
    assert response.status_code == 302
    application = WrittenApplication.objects.get(organisation=rep.organisation)
    assert (application.status, application.submitted_by) == ("pending", rep.user)
    assert application.document.read().startswith(b"%PDF-")
    assert not Signature.objects.filter(organisation=rep.organisation).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "ansokan.pdf", "not a PDF"),
        (b"%PDF-1.7\n garbage that is no PDF at all", "ansokan.pdf", "cannot be read"),
        (b"", "ansokan.pdf", "empty"),
    ],
)
def test_apply_with_a_fake_pdf_is_refused(client, compact, content, name, message):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.post(
        reverse("compact:apply", args=[rep.organisation.pk]),
        {"document": upload(content, name)},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["document"])
    assert WrittenApplication.objects.count() == 0


def test_apply_with_a_too_large_pdf_is_refused(client, compact, settings):
    settings.UPLOAD_MAX_BYTES = 200
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.post(
        reverse("compact:apply", args=[rep.organisation.pk]),
        {"document": upload(real_pdf() + b" " * 300)},
    )
    assert "too large" in " ".join(response.context["form"].errors["document"])
    assert WrittenApplication.objects.count() == 0


def test_apply_for_another_organisation_is_refused(client, compact):
    rep_a = RepresentativeFactory()
    org_b = OrganisationFactory()
    client.force_login(rep_a.user)
    response = client.post(reverse("compact:apply", args=[org_b.pk]), {"document": upload()})
    assert response.status_code == 403
    assert WrittenApplication.objects.count() == 0


def test_application_document_only_for_its_organisation_and_officials(client, compact, official):
    application = WrittenApplicationFactory()
    rep = RepresentativeFactory(organisation=application.organisation)
    other = RepresentativeFactory()
    url = reverse(
        "compact:application_document", args=[application.organisation.pk, application.pk]
    )
    client.force_login(other.user)
    assert client.get(url).status_code == 403
    client.force_login(rep.user)
    signed_in_official = sign_in_with_second_factor(Client(), official)
    for visitor in (client, signed_in_official):
        response = visitor.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_self_referencing_pdf_is_refused_not_a_crash(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    looping = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    response = client.post(
        reverse("compact:apply", args=[rep.organisation.pk]), {"document": upload(looping)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    assert WrittenApplication.objects.count() == 0


def test_apply_page_help_text_is_in_the_page_language(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    english = client.get(reverse("compact:apply", args=[rep.organisation.pk]))
    assert "A PDF document of at most" in english.content.decode()
    swedish = client.get(
        reverse("compact:apply", args=[rep.organisation.pk]).replace("/en/", "/sv/")
    )
    assert "A PDF document of at most" not in swedish.content.decode()


def test_apply_stores_the_document_under_a_generated_name(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    client.post(
        reverse("compact:apply", args=[rep.organisation.pk]),
        {"document": upload(name="../../Vår ansökan.pdf"), **SIGNATORY},
    )
    document = WrittenApplication.objects.get(organisation=rep.organisation).document
    assert re.fullmatch(r"applications/\d{4}/[0-9a-f]{32}\.pdf", document.name)
    assert document.storage.exists(document.name)
