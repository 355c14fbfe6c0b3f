"""Issue 8, item 12: a written application's signature records who signed the paper (name,
role, date signed), given by the representative on upload and confirmed, or corrected, by
the official on approval; not the uploader's account and the approval date."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from compact.models import WRITTEN_APPLICATION_ROLE_SV, Signature, WrittenApplication
from core.models import ActionRecord
from tests.compact.test_written_applications import upload
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    SignatureFactory,
    WrittenApplicationFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

PAPER = {"signatory_name": "Maja Provström", "signatory_role": "Styrelseordförande"}


def apply(client, rep, **fields):
    client.force_login(rep.user)
    data = {"document": upload(), **PAPER, "signed_on": "2026-01-16", **fields}
    with translation.override("en"):
        return client.post(reverse("compact:apply", args=[rep.organisation.pk]), data)


def test_the_representative_gives_who_signed_the_paper(client, compact):
    rep = RepresentativeFactory(user__email="uploader@example.org")
    response = apply(client, rep)
    assert response.status_code == 302
    application = WrittenApplication.objects.get(organisation=rep.organisation)
    assert (application.signatory_name, application.signatory_role, application.signed_on) == (
        "Maja Provström",
        "Styrelseordförande",
        datetime.date(2026, 1, 16),
    )
    record = ActionRecord.objects.get(action_type="compact.application.submitted")
    assert record.data == {
        "signer": "Maja Provström",
        "role": "Styrelseordförande",
        "signed_on": "2026-01-16",
    }


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"signatory_name": ""}, "signatory_name", "This field is required."),
        ({"signatory_role": ""}, "signatory_role", "This field is required."),
        ({"signed_on": ""}, "signed_on", "This field is required."),
        ({"signed_on": "2999-01-01"}, "signed_on", "The date of signing cannot be in the future."),
        ({"signed_on": "16/01/2026x"}, "signed_on", "Enter a valid date."),
    ],
)
def test_a_missing_or_wrong_signatory_is_answered_by_the_field(
    client, compact, fields, field, error
):
    rep = RepresentativeFactory()
    response = apply(client, rep, **fields)
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors[field] == [error]
    assert not WrittenApplication.objects.exists()


def test_the_swedish_form_asks_in_swedish(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    with translation.override("sv"):
        content = client.get(reverse("compact:apply", args=[rep.organisation.pk])).content
    content = content.decode()
    for label in (
        "Undertecknad av",
        "Personens roll eller titel i organisationen",
        "Datum för underskriften",
    ):
        assert label in content


@pytest.fixture
def official():
    return OfficialFactory(totp=True)


def pending(**fields):
    return WrittenApplicationFactory(
        signatory_name="Maja Provström",
        signatory_role="Ordförande",
        signed_on=datetime.date(2026, 1, 16),
        **fields,
    )


def approve(client, application, **data):
    with translation.override("en"):
        url = reverse("backoffice:application_approve", args=[application.pk])
        return client.post(url, {f"signatory-{k}": v for k, v in data.items()})


def test_the_official_sees_the_signatory_given_and_confirms_it(client, compact, official):
    application = pending(submitted_by__email="uploader@example.org")
    sign_in_with_second_factor(client, official)
    with translation.override("en"):
        page = client.get(reverse("backoffice:application", args=[application.pk]))
    form = page.context["accept_form"]
    assert form["signer_name"].value() == "Maja Provström"
    assert form["signer_role"].value() == "Ordförande"
    assert form["signed_on"].value() == datetime.date(2026, 1, 16)

    response = approve(
        client,
        application,
        signer_name="Maja Provström",
        signer_role="Ordförande",
        signed_on="2026-01-16",
    )
    assert response.status_code == 302
    signature = Signature.objects.get(application=application)
    assert (signature.signer_name, signature.signer_role) == ("Maja Provström", "Ordförande")
    assert timezone.localtime(signature.signed_at).date() == datetime.date(2026, 1, 16)
    assert signature.signer_name != "uploader@example.org"
    assert signature.approved_by == official


def test_the_official_corrects_the_signatory_from_the_paper(client, compact, official):
    application = pending()
    sign_in_with_second_factor(client, official)
    approve(
        client,
        application,
        signer_name="Maja Provström",
        signer_role="Kassör",
        signed_on="2026-01-14",
    )
    signature = Signature.objects.get(application=application)
    assert signature.signer_role == "Kassör"
    assert timezone.localtime(signature.signed_at).date() == datetime.date(2026, 1, 14)
    application.refresh_from_db()
    assert application.signatory_role == "Ordförande"  # what the representative gave stays
    record = ActionRecord.objects.get(action_type="compact.application.approved")
    assert record.data == {"signer": "Maja Provström", "role": "Kassör", "signed_on": "2026-01-14"}


def test_approval_without_a_signatory_is_refused_with_nothing_saved(client, compact, official):
    application = WrittenApplicationFactory()  # made before the portal asked: none given
    sign_in_with_second_factor(client, official)
    response = approve(client, application, signer_name="", signer_role="", signed_on="")
    assert response.status_code == 400
    assert set(response.context["accept_form"].errors) == {
        "signer_name",
        "signer_role",
        "signed_on",
    }
    application.refresh_from_db()
    assert application.status == "pending"
    assert not Signature.objects.filter(application=application).exists()
    assert (
        "Not given: the application was made before the portal asked" in response.content.decode()
    )


def test_a_signatory_is_given_whole_or_not_at_all_in_the_database(compact):
    with pytest.raises(IntegrityError), transaction.atomic():
        WrittenApplicationFactory(signatory_name="Maja", signatory_role="", signed_on=None)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("sv", "Undertecknade den skriftliga ansökan"), ("en", "Signed the written application")],
)
def test_an_older_signatures_role_the_portal_wrote_reads_in_the_pages_language(
    client, compact, language, shown
):
    # Approved before the portal asked who signed: the role it wrote, in Swedish, stays.
    application = WrittenApplicationFactory(status="approved")
    signature = SignatureFactory(
        organisation=application.organisation,
        channel=Signature.Channel.WRITTEN_APPLICATION,
        signer_role=WRITTEN_APPLICATION_ROLE_SV,
        application=application,
        approved_by=OfficialFactory(),
    )
    rep = RepresentativeFactory(organisation=signature.organisation)
    client.force_login(rep.user)
    with translation.override(language):
        content = client.get(
            reverse("organisations:dashboard", args=[signature.organisation.pk])
        ).content.decode()
    assert shown in content
    if language == "en":
        assert WRITTEN_APPLICATION_ROLE_SV not in content
    signature.refresh_from_db()
    assert signature.signer_role == WRITTEN_APPLICATION_ROLE_SV  # history as it was
