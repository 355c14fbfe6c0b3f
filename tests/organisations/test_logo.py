"""Uploaded files are stored under names the portal makes up, with the extension of what
the content is; a logo is served as the image it is, and a replaced logo's file is gone."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from tests.factories import OrganisationFactory, RepresentativeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def png_bytes(colour="blue") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def polyglot() -> bytes:
    """A PNG that is a PDF too: PDF readers find "%PDF-" anywhere in the first kilobyte."""
    return png_bytes() + pdf_bytes()


@pytest.fixture
def rep():
    return RepresentativeFactory()


@pytest.fixture
def edit_logo(client, rep, django_capture_on_commit_callbacks):
    """Post the edit form with a logo (or ``clear=True``); on-commit work runs."""
    organisation = rep.organisation

    def post(logo=None, clear=False):
        client.force_login(rep.user)
        data = {
            "name": organisation.name,
            "organisation_number": organisation.organisation_number,
            "kind": organisation.kind,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        }
        if logo is not None:
            data["logo"] = logo
        if clear:
            data["logo-clear"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("organisations:edit", args=[organisation.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
        organisation.refresh_from_db()
        return organisation

    return post


def test_a_png_pdf_polyglot_named_pdf_is_stored_and_served_as_the_png_it_is(client, edit_logo):
    upload = SimpleUploadedFile("evil.pdf", polyglot(), content_type="application/pdf")

    organisation = edit_logo(upload)

    assert organisation.logo.name.endswith(".png")
    assert "evil" not in organisation.logo.name
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", organisation.logo.name)
    response = client.get(reverse("organisations:logo", args=[organisation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="logo.png"'


def test_a_stored_logo_that_is_no_image_is_not_served(client):
    organisation = OrganisationFactory()
    organisation.logo = default_storage.save("logos/old.png", ContentFile(pdf_bytes()))
    organisation.save()
    response = client.get(reverse("organisations:logo", args=[organisation.pk]))
    assert response.status_code == 404


def test_a_logo_whose_file_is_gone_is_not_found(client):
    organisation = OrganisationFactory(logo="logos/never-stored.png")
    assert client.get(reverse("organisations:logo", args=[organisation.pk])).status_code == 404


def test_replacing_the_logo_deletes_the_old_file(edit_logo):
    old = edit_logo(SimpleUploadedFile("a.png", png_bytes("blue"))).logo.name
    assert default_storage.exists(old)

    new = edit_logo(SimpleUploadedFile("b.png", png_bytes("red"))).logo.name

    assert new != old
    assert default_storage.exists(new)
    assert not default_storage.exists(old)


def test_clearing_the_logo_deletes_its_file(edit_logo):
    old = edit_logo(SimpleUploadedFile("a.png", png_bytes())).logo.name

    organisation = edit_logo(clear=True)

    assert organisation.logo.name == ""
    assert not default_storage.exists(old)


def test_saving_without_a_new_logo_keeps_the_file(edit_logo):
    old = edit_logo(SimpleUploadedFile("a.png", png_bytes())).logo.name
    assert edit_logo().logo.name == old
    assert default_storage.exists(old)
