"""Issue 8, items 8–10: where a person lands after confirming the e-mail address or signing
in, coming back to an invitation through sign-up, and the sign-up e-mail itself (the site's
name, corrected Swedish, a text and an HTML part)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from organisations.invitations import invitation_token
from organisations.models import Representative, RepresentativeInvitation
from tests.factories import (
    PASSWORD,
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett-långt-lösenord-2026"


def url(language, name, *args, **kwargs):
    with translation.override(language):
        return reverse(name, args=args, kwargs=kwargs)


def sign_up(client, email, *, language="sv", next_url=None):
    path = url(language, "account_signup")
    if next_url:
        path = f"{path}?next={next_url}"
    return client.post(path, {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def open_link(client, link):
    """Open a link from an e-mail and press the confirm button (allauth confirms by POST)."""
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    return client.post(path)


def invitation_to(email, *, may_sign=False, inviter_email="kim@example.org"):
    """An open invitation to ``email`` from a representative of a verified association."""
    inviter = User.objects.filter(email=inviter_email).first() or UserFactory(email=inviter_email)
    rep = RepresentativeFactory(organisation__name="Föreningen Lärkan", user=inviter)
    return RepresentativeInvitation.objects.create(
        organisation=rep.organisation, email=email, may_sign=may_sign, invited_by=inviter
    )


# Item 8: after confirming, a newcomer is told what to do next ----------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_newcomer_confirms_and_lands_on_what_next(client, mailoutbox, language):
    response = sign_up(client, "ny@example.org", language=language)
    assert response.status_code == 302
    response = open_link(client, confirmation_link(mailoutbox[-1]))
    assert response.status_code == 302
    assert response["Location"] == url(language, "organisations:start")
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert url(language, "organisations:register") in content
    expected = {
        "sv": ["Välkommen! Vad gör du nu?", "Så fungerar inbjudningar"],
        "en": ["Welcome! What next?", "Invitations work like this"],
    }[language]
    for text in expected:
        assert text in content
    assert "ny@example.org" in content  # the address an invitation must be sent to


def test_a_representative_signs_in_to_the_organisation(client):
    rep = RepresentativeFactory()
    response = client.post(
        url("sv", "account_login"), {"login": rep.user.email, "password": PASSWORD}
    )
    assert response["Location"] == url("sv", "organisations:start")
    response = client.get(response["Location"])
    assert response["Location"] == url(
        "sv", "organisations:dashboard", organisation_pk=rep.organisation.pk
    )


def test_sign_in_goes_to_the_start_that_sends_each_where_they_work(client):
    user = UserFactory()
    response = client.post(url("sv", "account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == url("sv", "organisations:start")


def test_someone_with_several_organisations_goes_to_the_list(client):
    rep = RepresentativeFactory()
    RepresentativeFactory(user=rep.user)
    client.force_login(rep.user)
    response = client.get(url("sv", "organisations:start"))
    assert response["Location"] == url("sv", "organisations:mine")


def test_an_official_goes_to_the_back_office(client):
    client.force_login(OfficialFactory())
    response = client.get(url("en", "organisations:start"))
    assert response["Location"] == url("en", "backoffice:dashboard")


def test_someone_invited_goes_to_the_invitation(client):
    invitation = invitation_to("inbjuden@example.org")
    client.force_login(UserFactory(email="inbjuden@example.org"))
    response = client.get(url("sv", "organisations:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(
        url("sv", "organisations:accept_invitation", token="x")[:-2]
    )
    page = client.get(response["Location"])
    assert "Föreningen Lärkan" in page.content.decode()
    assert invitation.accepted_at is None


def test_several_invitations_are_listed_on_what_next(client):
    invitation_to("inbjuden@example.org")
    invitation_to("inbjuden@example.org")
    client.force_login(UserFactory(email="inbjuden@example.org"))
    response = client.get(url("en", "organisations:start"))
    assert response.status_code == 200
    assert response.content.decode().count("invites you to represent Föreningen Lärkan") == 2


def test_what_next_costs_the_same_few_queries_with_more_invitations(
    client, django_assert_max_num_queries
):
    user = UserFactory(email="inbjuden@example.org")
    client.force_login(user)
    for _ in range(2):
        invitation_to("inbjuden@example.org")
    with django_assert_max_num_queries(12) as small:
        client.get(url("sv", "organisations:start"))
    for _ in range(6):
        invitation_to("inbjuden@example.org")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("sv", "organisations:start"))


# Item 9: an invited colleague signs up from the link and comes back to it -----------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_invited_colleague_signs_up_confirms_and_comes_back_to_the_invitation(
    client, mailoutbox, django_capture_on_commit_callbacks, language
):
    from organisations.tasks import send_representative_invitation

    invitation = invitation_to("kollega@example.org", may_sign=True)
    send_representative_invitation(invitation.pk, language)
    mail = mailoutbox[-1]
    accept_link = re.search(r"https?://\S+/invitations/\S+/", mail.body).group(0)
    signup_link = re.search(r"https?://\S+/accounts/signup/\?next=\S+", mail.body).group(0)
    accept_path = re.sub(r"^https?://[^/]+", "", accept_link)

    # Opening the invitation signed out asks to sign in, keeping the way back.
    response = client.get(accept_path)
    assert response.status_code == 302
    assert response["Location"].startswith(url(language, "account_login"))

    # Sign up from the e-mail's link, confirm in the same browser: back at the invitation.
    response = client.post(
        re.sub(r"^https?://[^/]+", "", signup_link),
        {"email": "kollega@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    response = open_link(client, confirmation_link(mailoutbox[-1]))
    assert response.status_code == 302
    assert response["Location"] == accept_path

    page = client.get(accept_path)
    content = page.content.decode()
    assert "Föreningen Lärkan" in content
    assert "kim@example.org" in content  # who invited
    client.post(accept_path)
    assert Representative.objects.filter(
        user__email="kollega@example.org", organisation=invitation.organisation, may_sign=True
    ).exists()


def test_confirmed_in_another_browser_sign_in_still_leads_to_the_invitation(client, mailoutbox):
    invitation = invitation_to("kollega@example.org")
    sign_up(client, "kollega@example.org")
    other_browser = Client()
    response = open_link(other_browser, confirmation_link(mailoutbox[-1]))
    assert response["Location"] == url("sv", "account_login")
    response = other_browser.post(
        url("sv", "account_login"), {"login": "kollega@example.org", "password": NEW_PASSWORD}
    )
    response = other_browser.get(response["Location"])
    assert response["Location"] == url(
        "sv", "organisations:accept_invitation", token=invitation_token(invitation)
    )


def test_the_accept_page_says_why_it_cannot_be_accepted(client):
    invitation = invitation_to("kollega@example.org")
    client.force_login(UserFactory(email="someone-else@example.org"))
    response = client.get(
        url("en", "organisations:accept_invitation", token=invitation_token(invitation))
    )
    content = response.content.decode()
    assert "This invitation was sent to another e-mail address" in content
    assert 'type="submit">Accept' not in content
    # Nothing of the organisation or of who invited is shown to someone it was not sent to.
    assert "Lärkan" not in content
    assert "kim@example.org" not in content
    response = client.get(url("en", "organisations:accept_invitation", token="not-a-token"))
    assert "This invitation link is not valid." in response.content.decode()


def test_an_unverified_organisations_invitation_page_names_it_by_number(client):
    inviter = RepresentativeFactory(
        organisation=OrganisationFactory(name="Skatteverket: logga in", verification="unverified")
    )
    invitation = RepresentativeInvitation.objects.create(
        organisation=inviter.organisation, email="x@example.org", invited_by=inviter.user
    )
    client.force_login(UserFactory(email="x@example.org"))
    response = client.get(
        url("en", "organisations:accept_invitation", token=invitation_token(invitation))
    )
    content = response.content.decode()
    assert "Skatteverket" not in content
    assert inviter.organisation.organisation_number in content


# Item 10: allauth's e-mail, named after the portal, in Swedish, with an HTML part ----------


@pytest.mark.parametrize(
    ("language", "greeting", "wrong"),
    [
        (
            "sv",
            "Hej från Exempelstads överenskommelse!",
            ["epost", "Epost", "Hej från testserver"],
        ),
        ("en", "Hello from Exempelstads överenskommelse!", ["Hello from testserver"]),
    ],
)
def test_the_confirmation_mail_is_from_the_portal_with_text_and_html(
    client, mailoutbox, settings, language, greeting, wrong
):
    settings.SITE_NAME = "Exempelstads överenskommelse"
    settings.SITE_URL = "https://samverkan.example.se"
    sign_up(client, "ny@example.org", language=language)
    message = mailoutbox[-1]
    assert message.body.startswith(greeting)
    assert "samverkan.example.se" in message.body
    for text in wrong:
        assert text not in message.body
        assert text not in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert greeting in html
    link = confirmation_link(message)
    assert f'<a href="{link}"' in html


def test_the_swedish_of_the_sign_up_pages_and_mail_is_corrected(client, mailoutbox):
    sign_up(client, "ny@example.org")
    message = mailoutbox[-1]
    assert "e-postadress" in message.body
    assert "epost-adress" not in message.body
    response = client.get(url("sv", "account_email_verification_sent"))
    content = response.content.decode()
    assert "epost" not in content.lower().replace("e-post", "")
    assert "Verifierings-mail" not in content


def test_without_a_site_name_the_portal_is_named_in_the_mails_language(client, mailoutbox):
    sign_up(client, "ny@example.org")
    assert mailoutbox[-1].body.startswith("Hej från Överenskommelsen med idéburen sektor!")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/"]
)
def test_signing_in_never_leads_to_another_site(client, next_url):
    UserFactory(email="kollega@example.org")
    response = client.post(
        f"{url('en', 'account_login')}?next={next_url}",
        {"login": "kollega@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == url("en", "organisations:start")
