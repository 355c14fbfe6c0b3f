"""One rule per permission: who may manage, sign for, and let others sign for an
organisation; what a superuser and an official-who-represents get (and do not get)."""

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from compact.services import signature_sign_online
from organisations.models import Organisation, RepresentativeInvitation
from tests.factories import OfficialFactory, RepresentativeFactory, UserFactory
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_rules_for_each_kind_of_person(compact):
    signer = RepresentativeFactory(may_sign=True)
    organisation = signer.organisation
    colleague = RepresentativeFactory(organisation=organisation, may_sign=False)
    stranger = RepresentativeFactory()
    official = OfficialFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)

    def allowed(perm):
        return {
            name: rules.has_perm(perm, person, organisation)
            for name, person in (
                ("signer", signer.user),
                ("colleague", colleague.user),
                ("stranger", stranger.user),
                ("official", official),
                ("admin", admin),
            )
        }

    assert allowed("organisations.manage_organisation") == {
        "signer": True,
        "colleague": True,
        "stranger": False,
        "official": True,
        "admin": True,
    }
    assert allowed("organisations.sign_for_organisation") == {
        "signer": True,
        "colleague": False,
        "stranger": False,
        "official": False,
        "admin": False,
    }
    assert allowed("organisations.grant_signing") == {
        "signer": True,
        "colleague": False,
        "stranger": False,
        "official": True,
        "admin": True,
    }


def test_an_administrator_cannot_sign_for_an_organisation_they_do_not_represent(client, compact):
    organisation = RepresentativeFactory(may_sign=True).organisation
    admin = UserFactory(is_staff=True, is_superuser=True, totp=True)
    sign_in_with_second_factor(client, admin)
    assert client.get(reverse("compact:sign", args=[organisation.pk])).status_code == 403
    assert client.get(reverse("compact:apply", args=[organisation.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        signature_sign_online(
            organisation=organisation,
            agreement=compact,
            actor=admin,
            signer_name="A",
            signer_role="B",
            authority="signatory",
        )
    assert not organisation.signatures.exists()


def test_an_official_who_represents_without_signing_has_a_representatives_rights_only(compact):
    """Without the second factor the official is a representative like any other: no
    letting others sign, and a rename goes back to review."""
    official = OfficialFactory()  # no TOTP: the back office would send them to set it up
    organisation = RepresentativeFactory(
        may_sign=True, organisation__verification="verified"
    ).organisation
    RepresentativeFactory(organisation=organisation, user=official, may_sign=False)
    client = Client()
    client.force_login(official)
    url = reverse("organisations:representatives", args=[organisation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "may_sign" not in page.context["form"].fields
    client.post(url, {"email": "ny@example.org", "may_sign": "on"})
    assert not RepresentativeInvitation.objects.filter(may_sign=True).exists()

    form = {
        "name": "Nytt namn",
        "organisation_number": organisation.organisation_number,
        "kind": organisation.kind,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
    }
    client.post(reverse("organisations:edit", args=[organisation.pk]), form)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.verification) == ("Nytt namn", "unverified")


def test_the_dashboard_offers_withdraw_and_sign_only_to_a_signer(client, compact):
    from tests.factories import SignatureFactory

    signer = RepresentativeFactory(may_sign=True)
    organisation = signer.organisation
    colleague = RepresentativeFactory(organisation=organisation, may_sign=False)
    sign = reverse("compact:sign", args=[organisation.pk])
    apply = reverse("compact:apply", args=[organisation.pk])
    dashboard = reverse("organisations:dashboard", args=[organisation.pk])
    client.force_login(colleague.user)
    html = client.get(dashboard).content.decode()
    assert sign not in html and apply in html
    client.force_login(signer.user)
    html = client.get(dashboard).content.decode()
    assert sign in html and apply in html

    # Once signed, the signed state takes the buttons' place; only a signer may withdraw.
    signature = SignatureFactory(organisation=organisation, agreement=compact)
    withdraw = reverse("compact:withdraw", args=[organisation.pk, signature.pk])
    html = client.get(dashboard).content.decode()
    assert withdraw in html and sign not in html and apply not in html
    client.force_login(colleague.user)
    html = client.get(dashboard).content.decode()
    assert withdraw not in html and sign not in html and apply not in html
    assert Organisation.objects.count() >= 1
