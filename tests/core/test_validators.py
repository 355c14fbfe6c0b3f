"""One-line text fields refuse control characters, on every path that saves them: the
forms people use and ``full_clean`` (the admin, scripts)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse

from accounts.forms import AddEmailForm, SignupForm
from accounts.models import User
from compact.forms import SignForm
from compact.models import PublicParty
from core.validators import no_control_characters, plain_email_address
from dialogues.attendance_forms import WalkInForm
from dialogues.models import Invitation, Registration
from dialogues.registration_forms import RegistrationForm
from organisations.forms import InviteRepresentativeForm
from organisations.models import Organisation, RepresentativeInvitation
from principles.models import DevelopmentArea, Principle
from tests.factories import (
    AgreementFactory,
    MeetingFactory,
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
    assert "Skriv in den igen på en rad" in " ".join(response.context["form"].errors["name"])


@pytest.mark.django_db
def test_the_error_asks_to_type_the_text_again(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:register"),
        {"name": "Föreningen\u200bExempel", "organisation_number": "8020024538"},
    )
    (error,) = response.context["form"].errors["name"]
    assert "Type it again on one line" in error


QUOTED = '"a\x1b[31mb"@example.org'
REFUSED_ADDRESSES = [
    QUOTED,
    '"two words"@example.org',
    '"a\\"b"@example.org',
    "a\u200b@example.org",
    "kim@exa\u202emple.org",
]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_plain_email_address_refuses_quoted_local_parts_and_control_characters(address):
    with pytest.raises(ValidationError):
        plain_email_address(address)


def test_djangos_email_validator_alone_accepts_a_quoted_local_part_with_an_escape():
    validate_email(QUOTED)  # why plain_email_address is needed


@pytest.mark.parametrize(
    "address", ["", "kim@example.org", "kim.kontakt+forum@example.org", "o'brien@example.org"]
)
def test_plain_email_address_accepts_ordinary_addresses(address):
    plain_email_address(address)


def our_models():
    for app in ("accounts", "compact", "core", "dialogues", "organisations", "principles"):
        yield from apps.get_app_config(app).get_models()


def test_every_email_and_url_field_of_our_models_has_the_validator():
    checked = []
    for model in our_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.EmailField):
                assert plain_email_address in field.validators, field
                checked.append(f"{model._meta.label}.{field.name}")
            elif isinstance(field, models.URLField):
                assert no_control_characters in field.validators, field
                checked.append(f"{model._meta.label}.{field.name}")
    assert sorted(checked) == [
        "accounts.User.email",
        "compact.PublicParty.website",
        "dialogues.Invitation.email",
        "dialogues.Meeting.online_link",
        "dialogues.Meeting.organiser_email",
        "dialogues.Registration.email",
        "organisations.Organisation.contact_email",
        "organisations.Organisation.public_email",
        "organisations.Organisation.website",
        "organisations.RepresentativeInvitation.email",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("website", ["https://exa\u202emple.org/", "https://example.org/\u200bx"])
def test_an_organisations_website_with_invisible_characters_is_refused_by_the_edit_form(
    client, website
):
    rep = RepresentativeFactory()
    organisation = rep.organisation
    client.force_login(rep.user)
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        {
            "name": organisation.name,
            "organisation_number": organisation.organisation_number,
            "kind": organisation.kind,
            "website": website,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["website"]
    organisation.refresh_from_db()
    assert organisation.website == ""


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["contact_email", "public_email"])
def test_an_organisations_addresses_with_a_quoted_local_part_are_refused_by_the_edit_form(
    client, field
):
    rep = RepresentativeFactory()
    organisation = rep.organisation
    client.force_login(rep.user)
    data = {
        "name": organisation.name,
        "organisation_number": organisation.organisation_number,
        "kind": organisation.kind,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
    }
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]), {**data, field: QUOTED}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("instance", "field"),
    [
        (
            lambda: PublicParty(name="Exempelstads kommun", website="https://a\u202eb.se/"),
            "website",
        ),
        (lambda: MeetingFactory.build(online_link="https://meet.example/\u200bx"), "online_link"),
        (lambda: MeetingFactory.build(organiser_email=QUOTED), "organiser_email"),
        (lambda: Invitation(meeting=MeetingFactory(), email=QUOTED), "email"),
        (
            lambda: Registration(meeting=MeetingFactory(), name="Kim", email=QUOTED),
            "email",
        ),
        (lambda: User(email=QUOTED), "email"),
        (
            lambda: RepresentativeInvitation(
                organisation=OrganisationFactory(), email=QUOTED, invited_by=UserFactory()
            ),
            "email",
        ),
    ],
    ids=[
        "public_party_website",
        "meeting_online_link",
        "meeting_organiser_email",
        "invitation_email",
        "registration_email",
        "user_email",
        "representative_invitation_email",
    ],
)
def test_other_fields_refuse_invisible_characters_and_quoted_addresses(instance, field):
    with pytest.raises(ValidationError) as error:
        instance().full_clean(exclude=["password", "token", "public_parties"])
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_our_forms_refuse_a_quoted_local_part():
    organisation = OrganisationFactory()
    forms = [
        InviteRepresentativeForm(
            {"email": QUOTED}, organisation=organisation, may_grant_signing=False
        ),
        RegistrationForm(
            {"organisation_name": "", "name": "Kim", "email": QUOTED, "participants": 1}
        ),
        WalkInForm({"name": "Kim", "email": QUOTED, "participants": 1}),
        SignupForm({"email": QUOTED, "password1": "ett-långt-lösenord", "password2": "x"}),
        AddEmailForm(user=UserFactory(), data={"email": QUOTED}),
    ]
    for form in forms:
        assert not form.is_valid()
        assert "email" in form.errors, type(form)
    assert not User.objects.filter(email=QUOTED).exists()
