"""The admin shows what the services own and never changes it: an organisation's
verification, its representatives and who may sign, invitations. Those go through the
officials' area and the organisation's own pages, which record every action."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import ActionRecord
from organisations.models import Organisation, Representative, RepresentativeInvitation
from tests.admin_pages import change_form_data
from tests.factories import OfficialFactory, OrganisationFactory, RepresentativeFactory, UserFactory
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NUMBER = "802002-4538"
OTHER_NUMBER = "802479-8590"


def administrator():
    return UserFactory(is_staff=True, is_superuser=True, totp=True)


def official_allowed_to_change_organisations():
    """An official whom an administrator gave the admin's change permission after all."""
    official = OfficialFactory(is_staff=True, totp=True)
    official.user_permissions.add(
        Permission.objects.get(codename="change_organisation"),
        Permission.objects.get(codename="change_representative"),
        Permission.objects.get(codename="add_representative"),
    )
    return official


def test_an_official_sees_an_organisation_in_the_admin_but_cannot_change_it(client):
    organisation = OrganisationFactory(verification=Organisation.Verification.UNVERIFIED)
    sign_in_with_second_factor(client, OfficialFactory(is_staff=True, totp=True))
    change = reverse("admin:organisations_organisation_change", args=[organisation.pk])

    assert client.get(reverse("admin:organisations_organisation_changelist")).status_code == 200
    response = client.get(change)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(
        change, {**change_form_data(client, change), "verification": "verified", "name": "New"}
    )

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert (organisation.name, organisation.verification) != ("New", "verified")
    assert organisation.verification == Organisation.Verification.UNVERIFIED


@pytest.mark.parametrize("who", [administrator, official_allowed_to_change_organisations])
def test_verification_is_read_only_in_the_admin(client, who):
    organisation = OrganisationFactory(verification=Organisation.Verification.UNVERIFIED)
    user = who()
    sign_in_with_second_factor(client, user)
    change = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    page = client.get(change)
    assert "Organisations are verified or rejected in the officials' area" in page.text

    response = client.post(
        change,
        {
            **change_form_data(client, change),
            "verification": "verified",
            "verification_note": "Looks fine",
            "verified_by": user.pk,
            "postal_town": "Nyköping",
        },
    )

    assert response.status_code == 302  # the rest of the organisation is saved
    organisation.refresh_from_db()
    assert organisation.postal_town == "Nyköping"
    assert organisation.verification == Organisation.Verification.UNVERIFIED
    assert (organisation.verification_note, organisation.verified_by) == ("", None)
    assert not ActionRecord.objects.filter(action_type__startswith="organisations.").exists()


@pytest.mark.parametrize("who", [administrator, official_allowed_to_change_organisations])
def test_representatives_are_not_added_removed_or_allowed_to_sign_in_the_admin(client, who):
    representative = RepresentativeFactory(may_sign=False, is_contact_person=True)
    organisation = representative.organisation
    newcomer = UserFactory()
    sign_in_with_second_factor(client, who())
    change = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    data = change_form_data(client, change)
    prefix = "representatives"

    response = client.post(
        change,
        {
            **data,
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-0-may_sign": "on",
            f"{prefix}-0-DELETE": "on",
            f"{prefix}-1-organisation": organisation.pk,
            f"{prefix}-1-user": newcomer.pk,
            f"{prefix}-1-may_sign": "on",
            f"{prefix}-1-is_contact_person": "on",
        },
    )

    assert response.status_code == 302
    assert list(Representative.objects.values_list("user", "may_sign")) == [
        (representative.user_id, False)
    ]


def test_invitations_are_read_only_in_the_admin(client):
    representative = RepresentativeFactory()
    invitation = RepresentativeInvitation.objects.create(
        organisation=representative.organisation,
        email="colleague@example.org",
        invited_by=representative.user,
    )
    sign_in_with_second_factor(client, administrator())
    change = reverse("admin:organisations_representativeinvitation_change", args=[invitation.pk])

    assert client.get(change).status_code == 200  # readable
    response = client.post(
        change,
        {
            "organisation": invitation.organisation_id,
            "email": "someone-else@example.org",
            "may_sign": "on",
            "invited_by": invitation.invited_by_id,
        },
    )
    assert response.status_code == 403
    add = reverse("admin:organisations_representativeinvitation_add")
    assert client.get(add).status_code == 403
    delete = reverse("admin:organisations_representativeinvitation_delete", args=[invitation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    invitation.refresh_from_db()
    assert (invitation.email, invitation.may_sign) == ("colleague@example.org", False)


@pytest.mark.parametrize("who", [administrator, official_allowed_to_change_organisations])
def test_name_and_number_are_read_only_in_the_admin(client, who):
    organisation = OrganisationFactory(name="Föreningen Exempel", organisation_number=NUMBER)
    sign_in_with_second_factor(client, who())
    change = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    page = client.get(change)
    assert "name" not in page.context["adminform"].form.fields
    assert "organisation_number" not in page.context["adminform"].form.fields
    assert "Föreningen Exempel" in page.text  # shown

    response = client.post(
        change,
        {
            **change_form_data(client, change),
            "name": "Kommunen: logga in på https://evil.example",
            "organisation_number": OTHER_NUMBER,
            "postal_town": "Nyköping",
        },
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.organisation_number, organisation.postal_town) == (
        "Föreningen Exempel",
        NUMBER,
        "Nyköping",
    )


def test_organisations_are_never_deleted_in_the_admin(client):
    representative = RepresentativeFactory(organisation__verification="unverified")
    organisation = representative.organisation
    RepresentativeInvitation.objects.create(
        organisation=organisation, email="colleague@example.org", invited_by=representative.user
    )
    sign_in_with_second_factor(client, administrator())
    changelist = reverse("admin:organisations_organisation_changelist")

    action_form = client.get(changelist).context["action_form"]
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    delete = reverse("admin:organisations_organisation_delete", args=[organisation.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403

    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert Representative.objects.filter(organisation=organisation).exists()
    assert RepresentativeInvitation.objects.filter(organisation=organisation).exists()


def test_the_admins_of_what_the_services_own_share_one_read_only_mixin():
    from django.contrib import admin

    from compact.models import Signature, WrittenApplication
    from core.admin import ReadOnlyAdminMixin

    for model in (ActionRecord, RepresentativeInvitation, Signature, WrittenApplication):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdminMixin), model
