"""Invitations are e-mail the portal sends on a user's behalf: limited per user, per
organisation and per address, and an unverified organisation's own text stays out of them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import RepresentativeInvitation
from tests.factories import OrganisationFactory, RepresentativeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHISHING_NAME = "Kommunen: ditt konto är spärrat, logga in på https://evil.example"
PHISHING_TEXT = "Verifiera ditt BankID på https://evil.example/bankid"


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Post the invitation form as ``rep``; tasks run when the request's transaction commits."""

    def post(rep, email):
        client.force_login(rep.user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("organisations:representatives", args=[rep.organisation.pk]),
                {"email": email},
            )

    return post


def form_errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


@pytest.fixture
def hours_pass(monkeypatch):
    """Move the portal's clock (django.utils.timezone.now) forward, as freezegun would: the
    action log only ever grows, so time moves instead of the records."""
    real_now = timezone.now
    offset = datetime.timedelta()

    def move(hours: int) -> None:
        nonlocal offset
        offset += datetime.timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)

    return move


def test_invitation_mail_of_an_unverified_organisation_leaves_out_its_name_and_text(
    invite, mailoutbox
):
    rep = RepresentativeFactory(
        organisation__verification="unverified",
        organisation__name=PHISHING_NAME,
        organisation__description=PHISHING_TEXT,
        organisation__postal_town="https://evil.example",
        organisation__website="https://evil.example/",
    )
    invite(rep, "target@example.org")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    text = f"{mail.subject}\n{mail.body}"
    assert PHISHING_NAME not in text
    assert "evil.example" not in text
    assert "not yet verified" in text
    assert rep.organisation.organisation_number in text


def test_invitation_mail_of_a_verified_organisation_names_it(invite, mailoutbox):
    rep = RepresentativeFactory(organisation__name="Föreningen Ängsblomman")
    invite(rep, "colleague@example.org")
    assert mailoutbox[0].subject == "You are invited to represent Föreningen Ängsblomman"
    assert "not yet verified" not in mailoutbox[0].body


def test_the_eleventh_invitation_within_the_hour_is_refused_with_a_message_and_no_mail(
    invite, mailoutbox, hours_pass
):
    rep = RepresentativeFactory()
    for n in range(10):
        assert invite(rep, f"colleague{n}@example.org").status_code == 302
    assert len(mailoutbox) == 10

    response = invite(rep, "colleague10@example.org")

    assert response.status_code == 200
    assert "10 invitations in the last hour" in form_errors(response)
    assert len(mailoutbox) == 10
    assert not RepresentativeInvitation.objects.filter(email="colleague10@example.org").exists()

    hours_pass(1)
    assert invite(rep, "colleague10@example.org").status_code == 302
    assert len(mailoutbox) == 11


def test_the_limit_per_user_counts_every_organisation_the_user_invites_for(
    invite, mailoutbox, settings
):
    settings.INVITATIONS_PER_USER_PER_HOUR = 2
    rep = RepresentativeFactory()
    other = RepresentativeFactory(user=rep.user)
    invite(rep, "one@example.org")
    invite(other, "two@example.org")
    response = invite(other, "three@example.org")
    assert "2 invitations in the last hour" in form_errors(response)
    assert len(mailoutbox) == 2


def test_invitations_for_one_organisation_are_limited_per_day(
    invite, mailoutbox, settings, hours_pass
):
    settings.INVITATIONS_PER_ORGANISATION_PER_DAY = 3
    first = RepresentativeFactory()
    second = RepresentativeFactory(organisation=first.organisation)
    for n in range(2):
        invite(first, f"first{n}@example.org")
    invite(second, "second0@example.org")

    response = invite(second, "second1@example.org")

    assert response.status_code == 200
    assert "3 invitations for this organisation in the last 24 hours" in form_errors(response)
    assert len(mailoutbox) == 3
    hours_pass(24)
    assert invite(second, "second1@example.org").status_code == 302
    assert len(mailoutbox) == 4


def test_reinviting_the_same_address_the_same_day_sends_no_second_mail(
    invite, mailoutbox, hours_pass
):
    rep = RepresentativeFactory()
    invite(rep, "colleague@example.org")
    assert len(mailoutbox) == 1

    response = invite(rep, "Colleague@Example.org")

    assert response.status_code == 200
    assert "already sent to colleague@example.org" in form_errors(response)
    assert len(mailoutbox) == 1
    assert RepresentativeInvitation.objects.count() == 1

    hours_pass(24)
    assert invite(rep, "colleague@example.org").status_code == 302
    assert len(mailoutbox) == 2
    assert RepresentativeInvitation.objects.count() == 1  # the open invitation, sent again


def test_one_address_gets_few_invitations_a_day_from_all_organisations(
    invite, mailoutbox, settings
):
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 2
    for _ in range(2):
        invite(RepresentativeFactory(), "popular@example.org")
    response = invite(RepresentativeFactory(), "popular@example.org")
    assert "too many invitations" in form_errors(response)
    assert len(mailoutbox) == 2


def test_each_invitation_sent_is_in_the_organisations_history(invite, hours_pass):
    rep = RepresentativeFactory()
    invite(rep, "colleague@example.org")
    hours_pass(24)
    invite(rep, "colleague@example.org")
    records = rep.organisation.history().filter(
        action_type__in=["organisations.representative.invited", "organisations.invitation.resent"]
    )
    assert [(r.action_type, r.data, r.actor) for r in records] == [
        ("organisations.invitation.resent", {"email": "colleague@example.org"}, rep.user),
        ("organisations.representative.invited", {"email": "colleague@example.org"}, rep.user),
    ]


def test_an_unrelated_organisations_invitations_do_not_count(invite, mailoutbox, settings):
    settings.INVITATIONS_PER_ORGANISATION_PER_DAY = 1
    invite(RepresentativeFactory(organisation=OrganisationFactory()), "a@example.org")
    assert invite(RepresentativeFactory(), "b@example.org").status_code == 302
    assert len(mailoutbox) == 2
