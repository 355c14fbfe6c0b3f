"""An official frees an organisation number that an unverified or rejected registration
holds, so the organisation it belongs to can register; a verified organisation keeps its."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from compact.services import SigningError, application_approve
from core.models import ActionRecord
from organisations.models import Organisation
from organisations.services import (
    DecisionError,
    organisation_release_number,
    organisation_verify,
)
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
    WrittenApplicationFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NUMBER = "802002-4538"
OTHER_NUMBER = "802479-8590"


@pytest.fixture
def official(client):
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    return official


SIGNATORY = {
    "signer_name": "Robin Ros",
    "signer_role": "Ordförande",
    "signed_on": datetime.date(2026, 1, 5),
}


def release(client, organisation, confirm="on"):
    return client.post(
        reverse("backoffice:organisation_release_number", args=[organisation.pk]),
        {"confirm": confirm} if confirm else {},
    )


@pytest.mark.parametrize("verification", ["unverified", "rejected"])
def test_official_releases_the_number_of_an_unverified_or_rejected_registration(
    client, official, verification
):
    squatter = OrganisationFactory(organisation_number=NUMBER, verification=verification)
    page = client.get(reverse("backoffice:organisation", args=[squatter.pk])).content.decode()
    assert "Release the organisation number" in page

    response = release(client, squatter)

    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:organisation", args=[squatter.pk])
    squatter.refresh_from_db()
    assert (squatter.organisation_number, squatter.verification) == (None, verification)
    record = ActionRecord.objects.about(squatter).get()
    assert (record.action_type, record.actor, record.data) == (
        "organisations.organisation.number_released",
        official,
        {"number": NUMBER},
    )
    page = client.get(response["Location"]).content.decode()
    assert f"The organisation number {NUMBER} is released." in page
    assert "Released the organisation number" in page  # the history

    # The organisation the number belongs to can register it now.
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register"),
        {
            "name": "Den riktiga föreningen",
            "organisation_number": NUMBER,
            "kind": "association",
            "contact_name": "Kim Kontakt",
            "contact_email": "kim@example.org",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(organisation_number=NUMBER).name == "Den riktiga föreningen"


def test_releasing_asks_the_official_to_confirm(client, official):
    squatter = OrganisationFactory(organisation_number=NUMBER, verification="unverified")
    page = client.get(reverse("backoffice:organisation", args=[squatter.pk])).content.decode()
    assert 'name="confirm" id="release-confirm" required' in page
    assert f"I have checked that {NUMBER} is not this registration" in page
    assert "btn-outline-secondary" in page  # not styled like the decision's buttons

    response = release(client, squatter, confirm=None)

    assert response.status_code == 302
    assert "Nothing was released." in client.get(response["Location"]).content.decode()
    squatter.refresh_from_db()
    assert squatter.organisation_number == NUMBER
    assert not ActionRecord.objects.exists()


def test_a_verified_organisations_number_cannot_be_released(client, official):
    organisation = OrganisationFactory(organisation_number=NUMBER)
    page = client.get(reverse("backoffice:organisation", args=[organisation.pk])).content.decode()
    assert "Release the organisation number" not in page

    response = release(client, organisation)

    assert response.status_code == 302
    assert "cannot be released" in client.get(response["Location"]).content.decode()
    organisation.refresh_from_db()
    assert organisation.organisation_number == NUMBER
    assert not ActionRecord.objects.exists()
    with pytest.raises(DecisionError):
        organisation_release_number(organisation=organisation, actor=official)


def test_only_officials_release_numbers(client):
    rep = RepresentativeFactory(organisation__verification="unverified")
    with pytest.raises(PermissionDenied):
        organisation_release_number(organisation=rep.organisation, actor=rep.user)
    client.force_login(rep.user)
    assert release(client, rep.organisation).status_code == 403
    rep.organisation.refresh_from_db()
    assert rep.organisation.organisation_number is not None


def test_releasing_takes_a_post(client, official):
    organisation = OrganisationFactory(verification="unverified")
    url = reverse("backoffice:organisation_release_number", args=[organisation.pk])
    response = client.get(url)  # back to the organisation's page; nothing released
    assert response["Location"] == reverse("backoffice:organisation", args=[organisation.pk])
    organisation.refresh_from_db()
    assert organisation.organisation_number


def test_a_registration_without_a_number_cannot_be_verified(client, official, compact):
    organisation = OrganisationFactory(verification="unverified")
    organisation_release_number(organisation=organisation, actor=official)
    with pytest.raises(DecisionError):
        organisation_verify(organisation=organisation, actor=official)
    application = WrittenApplicationFactory(organisation=organisation)
    with pytest.raises(SigningError):
        application_approve(application=application, actor=official, **SIGNATORY)
    organisation.refresh_from_db()
    assert organisation.verification == "unverified"


def test_a_released_registration_cannot_take_its_number_back(client, official):
    rep = RepresentativeFactory(
        organisation__verification="rejected", organisation__organisation_number=NUMBER
    )
    organisation = rep.organisation
    organisation_release_number(organisation=organisation, actor=official)
    client.force_login(rep.user)
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
    }
    edit = reverse("organisations:edit", args=[organisation.pk])
    response = client.post(edit, data)
    assert "organisation_number" in response.context["form"].errors

    # The number released from it, however it is typed: refused, with a message.
    response = client.post(edit, {**data, "organisation_number": "8020024538"})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["organisation_number"]
    assert error.startswith("Officials released this number from the registration; contact")
    organisation.refresh_from_db()
    assert organisation.organisation_number is None

    # Another number is fine.
    response = client.post(edit, {**data, "organisation_number": OTHER_NUMBER})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.organisation_number == OTHER_NUMBER


def test_a_number_released_from_one_registration_is_free_for_another(client, official):
    squatter = OrganisationFactory(organisation_number=NUMBER, verification="unverified")
    organisation_release_number(organisation=squatter, actor=official)
    rep = RepresentativeFactory(organisation__verification="unverified")
    client.force_login(rep.user)
    organisation = rep.organisation
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        {
            "name": organisation.name,
            "organisation_number": NUMBER,
            "kind": organisation.kind,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.organisation_number == NUMBER
