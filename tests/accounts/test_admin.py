import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
    build_compact,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_add_page_opens_for_an_administrator(client):
    build_compact()
    administrator = UserFactory(is_staff=True, is_superuser=True, totp=True)
    sign_in_with_second_factor(client, administrator)
    opened = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, info
        request = response.wsgi_request
        if model_admin.has_add_permission(request):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
        opened.append(info)
    assert ("principles", "commitment") in opened
    assert ("compact", "signature") in opened


def test_signatures_cannot_be_rewritten_or_deleted_in_the_admin(client):
    build_compact()
    signature = SignatureFactory()
    sign_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True, totp=True))
    response = client.post(
        reverse("admin:compact_signature_delete", args=[signature.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert type(signature).objects.filter(pk=signature.pk).exists()
    change = reverse("admin:compact_signature_change", args=[signature.pk])
    client.post(change, {"signer_name": "Someone else"})
    signature.refresh_from_db()
    assert signature.signer_name != "Someone else"


def test_the_admin_needs_the_second_factor_too(client):
    administrator = UserFactory(is_staff=True, is_superuser=True, totp=True)
    # The admin's own login form is not a way round allauth and its second factor.
    response = client.post(
        reverse("admin:login"), {"username": administrator.email, "password": "pw"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("admin:index")).status_code == 302
    # A session that used only the password is sent to confirm the second factor.
    client.force_login(administrator)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))


@pytest.mark.usefixtures("english")
def test_an_invalid_organisation_number_is_refused_on_the_edit_page(client):
    # The admin shows the number read-only (tests/organisations/test_admin.py): it changes on
    # the representatives' edit page, which records the change.
    representative = RepresentativeFactory()
    organisation = representative.organisation
    client.force_login(representative.user)
    edit = reverse("organisations:edit", args=[organisation.pk])
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
    }
    number = organisation.organisation_number
    for typed, error in (("123", "ten digits"), ("802002-4539", "check digit")):
        response = client.post(edit, {**data, "organisation_number": typed})
        assert response.status_code == 200
        assert error in str(response.context["form"].errors["organisation_number"])
    organisation.refresh_from_db()
    assert organisation.organisation_number == number  # unchanged
    response = client.post(edit, {**data, "organisation_number": "8020024538"})
    assert response.status_code == 302, response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.organisation_number == "802002-4538"  # normalised on the way in


def test_an_invalid_organisation_number_is_refused_by_full_clean():
    from django.core.exceptions import ValidationError

    organisation = OrganisationFactory.build(organisation_number="123")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "organisation_number" in error.value.message_dict


@pytest.mark.usefixtures("english")
def test_an_invalid_organisation_number_is_refused_when_added_in_the_admin(client):
    from organisations.models import Organisation

    sign_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True, totp=True))
    add = reverse("admin:organisations_organisation_add")
    page = client.get(add).context
    data = {
        "name": "Föreningen i admin",
        "kind": "association",
        "contact_name": "A",
        "contact_email": "a@example.org",
    }
    for inline in page["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    for number, error in (("123", "ten digits"), ("802002-4539", "check digit")):
        response = client.post(add, {**data, "organisation_number": number})
        assert response.status_code == 200
        assert error in str(response.context["adminform"].form.errors["organisation_number"])
    assert not Organisation.objects.filter(name="Föreningen i admin").exists()
    response = client.post(add, {**data, "organisation_number": "8020024538"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Organisation.objects.get(name="Föreningen i admin")
    assert (added.organisation_number, added.verification) == ("802002-4538", "unverified")
