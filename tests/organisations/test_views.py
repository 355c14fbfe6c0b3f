import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from organisations.models import Organisation, Representative, RepresentativeInvitation
from tests.factories import (
    ActivityAreaFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def registration(**overrides):
    data = {
        "name": "Idrottsföreningen Framåt",
        "organisation_number": "8020024538",
        "kind": "association",
        "description": "Fotboll för alla åldrar.",
        "website": "https://framat.example.org",
        "postal_town": "Exempelstad",
        "contact_name": "Kim Kontakt",
        "contact_email": "kim@example.org",
        "contact_phone": "070-000 00 00",
        "public_email": "info@example.org",
        "publish_email": "",
    }
    data.update(overrides)
    return data


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_register_organisation_makes_the_user_its_first_representative(client):
    user = UserFactory()
    area = ActivityAreaFactory()
    client.force_login(user)
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("organisations:register"),
        registration(activity_areas=[area.pk], logo=logo),
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:dashboard", args=[organisation.pk])
    assert organisation.organisation_number == "802002-4538"
    assert organisation.verification == Organisation.Verification.UNVERIFIED
    assert list(organisation.activity_areas.all()) == [area]
    assert organisation.logo.name.startswith("logos/")
    representation = Representative.objects.get()
    assert (representation.user, representation.is_contact_person, representation.may_sign) == (
        user,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organisation_number": "802002-4539"}, "organisation_number", "check digit"),
        ({"organisation_number": "12345"}, "organisation_number", "NNNNNN-NNNN"),
        ({"name": ""}, "name", "required"),
        ({"kind": "sect"}, "kind", "valid choice"),
        ({"contact_email": "not-an-address"}, "contact_email", "valid email"),
        ({"website": "javascript:alert(1)"}, "website", "valid URL"),
    ],
)
def test_register_bad_input_gets_a_clear_error_and_saves_nothing(client, overrides, field, message):
    client.force_login(UserFactory())
    response = client.post(reverse("organisations:register"), registration(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert Organisation.objects.count() == 0
    assert Representative.objects.count() == 0


def test_register_errors_in_swedish_by_default(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register").replace("/en/", "/sv/"),
        registration(organisation_number="802002-4539"),
    )
    assert response.status_code == 200
    assert "kontrollsiffra" in " ".join(response.context["form"].errors["organisation_number"])


def test_register_duplicate_organisation_number_is_refused(client):
    OrganisationFactory(organisation_number="802002-4538")
    client.force_login(UserFactory())
    response = client.post(reverse("organisations:register"), registration())
    assert "already registered" in " ".join(response.context["form"].errors["organisation_number"])
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not an image", "logo.png", "PNG, JPEG or WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "logo.svg", "PNG, JPEG or WebP"),
    ],
)
def test_register_fake_logo_is_refused(client, content, name, message):
    client.force_login(UserFactory())
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("organisations:register"), registration(logo=logo))
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert Organisation.objects.count() == 0


def test_register_too_large_logo_is_refused(client, settings):
    settings.LOGO_MAX_BYTES = 100
    client.force_login(UserFactory())
    logo = SimpleUploadedFile("logo.png", png_bytes((64, 64)), content_type="image/png")
    response = client.post(reverse("organisations:register"), registration(logo=logo))
    assert "too large" in " ".join(response.context["form"].errors["logo"])
    assert Organisation.objects.count() == 0


def test_representative_edits_own_organisation(client):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    organisation = rep.organisation
    data = registration(
        name="Nytt namn",
        organisation_number=organisation.organisation_number,
    )
    response = client.post(reverse("organisations:edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nytt namn"


def test_the_edit_page_names_the_organisation_as_stored_when_a_new_name_is_refused(client):
    rep = RepresentativeFactory(organisation__name="Föreningen Ängsblomman")
    client.force_login(rep.user)
    organisation = rep.organisation
    refused = "Kommunen: ditt konto är spärrat\u202e"
    data = registration(name=refused, organisation_number=organisation.organisation_number)

    response = client.post(reverse("organisations:edit", args=[organisation.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    page = response.content.decode()
    assert "<h1>Edit Föreningen Ängsblomman</h1>" in page
    assert "<title>Error: Edit Föreningen Ängsblomman" in page  # the form was sent back
    assert "ditt konto är spärrat" not in page.split("<form")[0]


def test_a_select_asks_to_choose_in_swedish_on_swedish_pages(client):
    client.force_login(UserFactory())
    register = reverse("organisations:register")
    english = client.get(register).content.decode()
    swedish = client.get(register.replace("/en/", "/sv/")).content.decode()
    assert '<option value="" selected>Choose …</option>' in english
    assert '<option value="" selected>Välj …</option>' in swedish


def test_representative_cannot_edit_another_organisation(client):
    rep_a = RepresentativeFactory()
    org_b = OrganisationFactory(name="B")
    client.force_login(rep_a.user)
    data = registration(name="Hijacked", organisation_number=org_b.organisation_number)
    response = client.post(reverse("organisations:edit", args=[org_b.pk]), data)
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.name == "B"


def test_representative_invites_and_removes_a_colleague(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    url = reverse("organisations:representatives", args=[rep.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Colleague@Example.org", "may_sign": "on"})
    assert response.status_code == 302
    invitation = RepresentativeInvitation.objects.get()
    assert (invitation.email, invitation.may_sign) == ("colleague@example.org", True)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["colleague@example.org"]

    colleague = UserFactory(email="colleague@example.org")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    path = link[link.index("/", len("http://")) :]
    client.force_login(colleague)
    response = client.post(path)
    assert response.status_code == 302
    colleague_rep = Representative.objects.get(user=colleague)
    assert colleague_rep.may_sign is True

    client.force_login(rep.user)
    response = client.post(
        reverse("organisations:remove_representative", args=[rep.organisation.pk, colleague_rep.pk])
    )
    assert response.status_code == 302
    assert not Representative.objects.filter(user=colleague).exists()


def test_invitation_for_another_address_is_refused(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:representatives", args=[rep.organisation.pk]),
            {"email": "colleague@example.org"},
        )
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    path = link[link.index("/", len("http://")) :]
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    client.post(path)
    assert not Representative.objects.filter(user=intruder).exists()


def test_tampered_invitation_token_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organisations:accept_invitation", args=["abc:def"]))
    assert response.status_code == 302
    assert not Representative.objects.filter(user=user).exists()


def test_last_representative_cannot_be_removed(client):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    client.post(reverse("organisations:remove_representative", args=[rep.organisation.pk, rep.pk]))
    assert Representative.objects.filter(pk=rep.pk).exists()


def test_public_profile_hides_private_data(client):
    organisation = OrganisationFactory(
        contact_email="private@example.org",
        contact_phone="070-123 45 67",
        public_email="hello@example.org",
        publish_email=False,
    )
    response = client.get(reverse("organisations:profile", args=[organisation.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "private@example.org" not in body
    assert "070-123 45 67" not in body
    assert "hello@example.org" not in body

    organisation.publish_email = True
    organisation.save()
    response = client.get(reverse("organisations:profile", args=[organisation.pk]))
    assert "hello@example.org" in response.content.decode()


def test_public_profile_of_unverified_organisation_is_not_found(client):
    organisation = OrganisationFactory(verification="unverified")
    response = client.get(reverse("organisations:profile", args=[organisation.pk]))
    assert response.status_code == 404


def test_representative_who_may_not_sign_cannot_let_others_sign(client):
    rep = RepresentativeFactory(may_sign=False)
    client.force_login(rep.user)
    url = reverse("organisations:representatives", args=[rep.organisation.pk])
    assert "may_sign" not in client.get(url).context["form"].fields
    client.post(url, {"email": "friend@example.org", "may_sign": "on"})
    assert RepresentativeInvitation.objects.get().may_sign is False


def test_logo_is_served_for_a_verified_organisation_only(client):
    organisation = OrganisationFactory()
    organisation.logo.save("logo.png", SimpleUploadedFile("logo.png", png_bytes()))
    response = client.get(reverse("organisations:logo", args=[organisation.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    logo_url = reverse("organisations:logo", args=[organisation.pk])
    profile = client.get(reverse("organisations:profile", args=[organisation.pk]))
    assert f'src="{logo_url}"' in profile.content.decode()
    organisation.verification = "unverified"
    organisation.save()
    assert client.get(reverse("organisations:logo", args=[organisation.pk])).status_code == 404


def test_only_a_signer_can_remove_a_signer(client):
    signer = RepresentativeFactory(may_sign=True)
    helper = RepresentativeFactory(organisation=signer.organisation, may_sign=False)
    client.force_login(helper.user)
    client.post(
        reverse("organisations:remove_representative", args=[signer.organisation.pk, signer.pk])
    )
    assert Representative.objects.filter(pk=signer.pk).exists()


def test_renaming_a_verified_organisation_sends_it_back_to_review(client):
    rep = RepresentativeFactory()
    organisation = rep.organisation
    client.force_login(rep.user)
    data = registration(name="Ett annat namn", organisation_number=organisation.organisation_number)
    client.post(reverse("organisations:edit", args=[organisation.pk]), data)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.verification) == ("Ett annat namn", "unverified")

    unchanged = registration(
        name="Ett annat namn", organisation_number=organisation.organisation_number
    )
    organisation.verification = "verified"
    organisation.save()
    client.post(reverse("organisations:edit", args=[organisation.pk]), unchanged)
    organisation.refresh_from_db()
    assert organisation.verification == "verified"


def test_the_dashboard_for_its_representative_an_official_and_nobody_else(client):
    """organisation_for reads the representation with its organisation; an official who does
    not represent it reaches it after the second factor; anyone else is refused; an unknown
    organisation is not found."""
    from tests.factories import OfficialFactory
    from tests.signin import sign_in_with_second_factor

    representative = RepresentativeFactory(organisation__name="Föreningen Ett")
    organisation = representative.organisation
    url = reverse("organisations:dashboard", args=[organisation.pk])
    client.force_login(representative.user)
    assert "Föreningen Ett" in client.get(url).content.decode()
    missing = reverse("organisations:dashboard", args=[organisation.pk + 1000])
    assert client.get(missing).status_code == 404
    client.force_login(RepresentativeFactory().user)
    assert client.get(url).status_code == 403
    official = OfficialFactory(totp=True)
    client.force_login(official)
    assert reverse("mfa_reauthenticate") in client.get(url)["Location"]
    sign_in_with_second_factor(client, official)
    assert "Föreningen Ett" in client.get(url).content.decode()
