import io

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
        {"document": upload(), "message": "Our board decided to join."},
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


def test_official_approves_an_application(
    client, compact, official, mailoutbox, django_capture_on_commit_callbacks
):
    application = WrittenApplicationFactory()
    RepresentativeFactory(organisation=application.organisation)
    sign_in_with_second_factor(client, official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("officials:application", args=[application.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", official)
    signature = Signature.objects.get(organisation=application.organisation)
    assert (signature.channel, signature.application, signature.approved_by) == (
        "written_application",
        application,
        official,
    )
    assert len(mailoutbox) == 1
    assert "approved" in mailoutbox[0].subject
    listing = client.get(reverse("compact:signatories"))
    assert application.organisation in [s.organisation for s in listing.context["page"]]


def test_official_rejects_an_application_with_a_reason(
    client, compact, official, mailoutbox, django_capture_on_commit_callbacks
):
    application = WrittenApplicationFactory()
    sign_in_with_second_factor(client, official)
    url = reverse("officials:application", args=[application.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "The document is not signed."})
    application.refresh_from_db()
    assert (application.status, application.rejection_reason) == (
        "rejected",
        "The document is not signed.",
    )
    assert not Signature.objects.filter(organisation=application.organisation).exists()
    assert len(mailoutbox) == 1
    assert "The document is not signed." in mailoutbox[0].body


def test_a_decided_application_cannot_be_decided_again(client, compact, official):
    application = WrittenApplicationFactory()
    sign_in_with_second_factor(client, official)
    url = reverse("officials:application", args=[application.pk])
    client.post(url, {"decision": "reject", "reason": "No."})
    client.post(url, {"decision": "approve"})
    application.refresh_from_db()
    assert application.status == "rejected"
    assert not Signature.objects.filter(organisation=application.organisation).exists()


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


def test_official_without_second_factor_is_sent_to_set_it_up(client):
    client.force_login(OfficialFactory())
    response = client.get(reverse("officials:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_official_signed_in_without_the_second_factor_must_confirm_it(client, compact):
    """A password alone (here: a session without the second factor) opens nothing."""
    official = OfficialFactory(totp=True)
    application = WrittenApplicationFactory()
    client.force_login(official)
    for url in (
        reverse("officials:dashboard"),
        reverse("organisations:edit", args=[application.organisation.pk]),
        reverse("compact:application_document", args=[application.organisation.pk, application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), url
    sign_in_with_second_factor(client, official)
    assert client.get(reverse("officials:dashboard")).status_code == 200


def test_non_official_gets_no_officials_area(client):
    client.force_login(RepresentativeFactory().user)
    assert client.get(reverse("officials:dashboard")).status_code == 403


def test_official_actions_are_recorded(client, compact, official):
    from accounts.models import ActionRecord

    organisation = OrganisationFactory(verification="unverified")
    sign_in_with_second_factor(client, official)
    client.post(
        reverse("officials:organisation", args=[organisation.pk]),
        {"decision": "reject", "reason": "Not a civil-society organisation."},
    )
    organisation.refresh_from_db()
    assert (organisation.verification, organisation.verification_note) == (
        "rejected",
        "Not a civil-society organisation.",
    )
    record = ActionRecord.objects.get()
    assert (record.actor, record.action, record.detail) == (
        official,
        "organisation_rejected",
        "Not a civil-society organisation.",
    )
    log = client.get(reverse("officials:log"))
    assert "Rejected the organisation" in log.content.decode()


def test_approving_the_application_of_an_unverified_organisation_verifies_it(
    client, compact, official
):
    application = WrittenApplicationFactory(
        organisation=OrganisationFactory(verification="unverified")
    )
    sign_in_with_second_factor(client, official)
    client.post(reverse("officials:application", args=[application.pk]), {"decision": "approve"})
    organisation = application.organisation
    organisation.refresh_from_db()
    assert (organisation.verification, organisation.verified_by) == ("verified", official)
    assert Signature.objects.public().filter(organisation=organisation).count() == 1


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


def test_an_application_for_a_superseded_version_cannot_be_approved(client, compact, official):
    application = WrittenApplicationFactory()
    compact.status = "superseded"
    compact.save()
    sign_in_with_second_factor(client, official)
    client.post(reverse("officials:application", args=[application.pk]), {"decision": "approve"})
    application.refresh_from_db()
    assert application.status == "pending"
    assert not Signature.objects.filter(organisation=application.organisation).exists()
