"""One-line text fields refuse control characters, on every path that saves them: the
forms people use and ``full_clean`` (the admin, scripts)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from compact.forms import SignForm
from compact.models import PublicParty
from core.validators import no_control_characters
from organisations.models import Organisation
from principles.models import DevelopmentArea, Principle
from tests.factories import (
    AgreementFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("english")

PHISHING = "Föreningen Exempel\r\n\r\nYour account is locked: log in at https://evil.example"
REFUSED = [
    "two\r\nlines",
    "line\nfeed",
    "carriage\rreturn",
    "tab\there",
    "null\x00byte",
    "delete\x7f",
    "escape\x1b[31m",
    "next line\x85",
    "right-to-left \u202eoverride",
    "embedding \u202a",
    "isolate \u2066",
    "pop isolate \u2069",
    "zero\u200bwidth",
    "line\u2028separator",
    "paragraph\u2029separator",
]


@pytest.mark.parametrize("text", REFUSED)
def test_no_control_characters_refuses(text):
    with pytest.raises(ValidationError) as error:
        no_control_characters(text)
    assert error.value.code == "control_characters"


@pytest.mark.parametrize(
    "text",
    ["", "Idrottsföreningen Framåt", "Ågrenska – Göteborg", "Kör & Co (ideell) ✓", "O'Brien's"],
)
def test_no_control_characters_accepts_ordinary_text(text):
    no_control_characters(text)


@pytest.mark.django_db
def test_organisation_name_with_a_line_break_is_refused_by_the_registration_form(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register"),
        {
            "name": PHISHING,
            "organisation_number": "8020024538",
            "kind": "association",
            "postal_town": "Exempelstad",
            "contact_name": "Kim Kontakt",
            "contact_email": "kim@example.org",
        },
    )
    assert response.status_code == 200
    assert "line breaks" in " ".join(response.context["form"].errors["name"])
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "postal_town", "contact_name", "contact_phone"])
def test_organisation_one_line_fields_with_a_line_break_are_refused_by_full_clean(field):
    organisation = OrganisationFactory.build(**{field: "Exempel\r\nmer text"})
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert list(error.value.error_dict) == [field]


@pytest.mark.django_db
def test_organisation_name_with_a_bidi_override_is_refused_by_the_edit_form(client):
    rep = RepresentativeFactory()
    organisation = rep.organisation
    client.force_login(rep.user)
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        {
            "name": "Föreningen \u202eelpmaxE",
            "organisation_number": organisation.organisation_number,
            "kind": organisation.kind,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    name = organisation.name
    organisation.refresh_from_db()
    assert organisation.name == name


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["signer_name", "signer_role"])
def test_signature_signer_fields_with_a_line_break_are_refused(field):
    form = SignForm(
        {
            "signer_name": "Alex Andersson",
            "signer_role": "Ordförande",
            "authority": "signatory",
            "confirm": "on",
            field: "Alex\r\nBcc: everyone@example.org",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == [field]

    signature = SignatureFactory.build(
        organisation=OrganisationFactory(), agreement=AgreementFactory(), **{field: "a\nb"}
    )
    with pytest.raises(ValidationError) as error:
        signature.full_clean()
    assert list(error.value.error_dict) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("instance", "field"),
    [
        (lambda: User(email="a@example.org", full_name="Alex\nAndersson"), "full_name"),
        (lambda: PublicParty(name="Exempelstads\r\nkommun"), "name"),
        (lambda: Principle(agreement=AgreementFactory(), title_sv="Titel\x00", title_en="T"), None),
        (
            lambda: DevelopmentArea(
                agreement=AgreementFactory(), title_sv="T", title_en="Title\u2066", aim_sv="Mål"
            ),
            None,
        ),
    ],
    ids=["user", "public_party", "principle", "development_area"],
)
def test_other_one_line_fields_refuse_control_characters(instance, field):
    with pytest.raises(ValidationError) as error:
        instance().full_clean(exclude=["password"])
    messages = " ".join(str(m) for ms in error.value.message_dict.values() for m in ms)
    assert "line breaks" in messages
    if field:
        assert field in error.value.message_dict


@pytest.mark.django_db
def test_the_error_is_in_swedish_on_swedish_pages(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register").replace("/en/", "/sv/"),
        {"name": PHISHING, "organisation_number": "8020024538", "kind": "association"},
    )
    assert "radbrytningar" in " ".join(response.context["form"].errors["name"])
