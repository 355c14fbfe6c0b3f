"""What the portal's e-mail says about an organisation officials have not verified: its
number, never the text its people typed (a name or a signer's "role" can read as phishing)."""

import pytest

from compact.models import Signature
from compact.services import application_reject, signature_sign_online
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    WrittenApplicationFactory,
    agreement_in_force,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHISHING = "Your BankID is locked, log in at https://evil.example"


@pytest.fixture
def unverified_rep():
    return RepresentativeFactory(
        organisation__verification="unverified", organisation__name=PHISHING
    )


def test_signature_receipt_of_an_unverified_organisation_leaves_out_typed_text(
    unverified_rep, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signature_sign_online(
            organisation=unverified_rep.organisation,
            agreement=agreement_in_force(),
            actor=unverified_rep.user,
            signer_name="Call +46 8 000 00 00 now",
            signer_role="https://evil.example/login",
            authority=Signature.Authority.AUTHORISED_SIGNATORY,
        )
    mail = mailoutbox[0]
    text = f"{mail.subject}\n{mail.body}"
    assert "evil.example" not in text
    assert "Call +46" not in text
    assert mail.subject.startswith("An organisation registered in the portal, not yet verified")
    assert unverified_rep.organisation.organisation_number in mail.subject
    assert f"{unverified_rep.user.email} signed" in mail.body


def test_application_decision_of_an_unverified_organisation_leaves_out_its_name(
    unverified_rep, mailoutbox, django_capture_on_commit_callbacks
):
    application = WrittenApplicationFactory(
        organisation=unverified_rep.organisation, submitted_by=unverified_rep.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, actor=OfficialFactory(), reason="Unsigned.")
    body = mailoutbox[0].body
    assert "evil.example" not in body
    assert unverified_rep.organisation.organisation_number in body
    assert "Reason: Unsigned." in body
