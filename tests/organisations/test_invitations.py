"""Invitations are e-mail the portal sends on a user's behalf: limited per user, per
organisation and per address, and an unverified organisation's own text stays out of them."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import ActionRecord
from organisations.invitations import invitation_token
from organisations.models import Representative, RepresentativeInvitation
from organisations.services import address_for_limits
from organisations.tasks import send_representative_invitation
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.signin import sign_in_with_second_factor

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
    assert f"{rep.user.email} invites you to represent" in mailoutbox[0].body


def test_invitation_mail_of_an_unverified_organisation_leaves_out_the_senders_address(
    invite, mailoutbox
):
    # An address is text its owner chose too: "bankid-spärrat-logga-in@evil.example".
    rep = RepresentativeFactory(
        organisation__verification="unverified", user__email="konto-sparrat@evil.example"
    )
    invite(rep, "target@example.org")
    body = mailoutbox[0].body
    assert "evil.example" not in body
    assert "A representative invites you to represent an organisation registered" in body


def test_the_senders_address_is_left_out_in_swedish_too(client, mailoutbox):
    rep = RepresentativeFactory(
        organisation__verification="unverified", user__email="konto-sparrat@evil.example"
    )
    invitation = invitation_from(rep, "target@example.org")
    send_representative_invitation(invitation.pk, "sv")
    body = mailoutbox[0].body
    assert "evil.example" not in body
    assert "En företrädare bjuder in dig att företräda" in body


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


def test_the_limit_per_address_counts_every_tag_and_case_of_it(invite, mailoutbox, settings):
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 2
    invite(RepresentativeFactory(), "kim+one@example.org")
    invite(RepresentativeFactory(), "Kim@Example.org")
    for variant in ("kim+two@example.org", "KIM+three@EXAMPLE.ORG", "kim@example.org"):
        response = invite(RepresentativeFactory(), variant)
        assert "too many invitations" in form_errors(response), variant
    assert len(mailoutbox) == 2
    # Another mailbox at the domain, and another domain, are other addresses.
    assert invite(RepresentativeFactory(), "kimberly@example.org").status_code == 302
    assert invite(RepresentativeFactory(), "kim@example.net").status_code == 302
    assert len(mailoutbox) == 4


def test_address_for_limits():
    assert address_for_limits("Kim+Forum@Example.ORG") == "kim@example.org"
    assert address_for_limits(" kim@example.org ") == "kim@example.org"
    assert address_for_limits("kim+a+b@example.org") == "kim@example.org"


@pytest.mark.django_db(transaction=True)
def test_parallel_invitations_to_one_address_count_each_other(settings):
    """Concurrent requests on PostgreSQL: eight organisations invite tags of one address at
    the same moment; the limit per address holds."""
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 3
    reps = [RepresentativeFactory() for _ in range(8)]
    barrier = threading.Barrier(len(reps))
    statuses = []

    def invite_as(n, rep):
        try:
            client = Client()
            client.force_login(rep.user)
            url = reverse("organisations:representatives", args=[rep.organisation.pk])
            barrier.wait(timeout=10)
            statuses.append(client.post(url, {"email": f"target+{n}@example.org"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=invite_as, args=(n, rep)) for n, rep in enumerate(reps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200] * 5 + [302] * 3
    assert RepresentativeInvitation.objects.count() == 3
    assert (
        ActionRecord.objects.filter(action_type="organisations.representative.invited").count() == 3
    )


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


# Revoked and void invitations (issue 7): an invitation can be revoked, and is void when its
# inviter can no longer invite (or, for one that lets its recipient sign, let others sign).


def invitation_from(rep, email, *, may_sign=False, **fields):
    fields.setdefault("sent_at", timezone.now())  # the clock hours_pass moves
    return RepresentativeInvitation.objects.create(
        organisation=rep.organisation,
        email=email,
        may_sign=may_sign,
        invited_by=rep.user,
        **fields,
    )


def revoke(client, user, invitation, organisation=None):
    client.force_login(user)
    organisation = organisation or invitation.organisation
    return client.post(
        reverse("organisations:revoke_invitation", args=[organisation.pk, invitation.pk])
    )


def accept(client, invitation, user=None):
    """Post the invitation's link as its recipient (a new user with its address)."""
    user = user or UserFactory(email=invitation.email)
    client.force_login(user)
    response = client.post(
        reverse("organisations:accept_invitation", args=[invitation_token(invitation)])
    )
    return user, response


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def listed(client, rep) -> list[str]:
    client.force_login(rep.user)
    response = client.get(reverse("organisations:representatives", args=[rep.organisation.pk]))
    return [invitation.email for invitation in response.context["invitations"]]


def test_a_revoked_invitation_cannot_be_accepted_and_the_revocation_is_recorded(
    client, invite, mailoutbox
):
    rep = RepresentativeFactory()
    invite(rep, "colleague@example.org")
    invitation = RepresentativeInvitation.objects.get()
    page = client.get(reverse("organisations:representatives", args=[rep.organisation.pk]))
    revoke_url = reverse(
        "organisations:revoke_invitation", args=[rep.organisation.pk, invitation.pk]
    )
    assert revoke_url in page.content.decode()

    response = revoke(client, rep.user, invitation)

    assert response.status_code == 302
    assert "is revoked" in messages_of(response)
    invitation.refresh_from_db()  # kept, with who revoked it and when
    assert invitation.revoked_at is not None
    assert invitation.revoked_by == rep.user
    record = rep.organisation.history().get(action_type="organisations.invitation.revoked")
    assert (record.actor, record.data["email"]) == (rep.user, "colleague@example.org")
    assert str(record.label) == "Revoked an invitation"
    assert listed(client, rep) == []

    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    response = client.post(link[link.index("/", len("http://")) :])
    assert response.status_code == 302
    assert "This invitation has been withdrawn" in messages_of(response)
    assert not Representative.objects.filter(user=colleague).exists()


def test_an_accepted_or_already_revoked_invitation_cannot_be_revoked(client):
    rep = RepresentativeFactory()
    accepted = invitation_from(rep, "accepted@example.org")
    colleague, _response = accept(client, accepted)
    revoked = invitation_from(rep, "revoked@example.org")
    revoke(client, rep.user, revoked)

    response = revoke(client, rep.user, accepted)
    assert response.status_code == 302
    assert "already accepted" in messages_of(response)
    accepted.refresh_from_db()
    assert accepted.revoked_at is None
    assert Representative.objects.filter(user=colleague).exists()

    response = revoke(client, rep.user, revoked)
    assert response.status_code == 302
    assert "already been revoked" in messages_of(response)
    assert (
        rep.organisation.history().filter(action_type="organisations.invitation.revoked").count()
        == 1
    )


def test_a_colleague_who_may_not_sign_cannot_revoke_an_invitation_that_lets_others_sign(client):
    signer = RepresentativeFactory()
    colleague = RepresentativeFactory(organisation=signer.organisation, may_sign=False)
    signing = invitation_from(signer, "signer-to-be@example.org", may_sign=True)
    plain = invitation_from(signer, "plain@example.org")
    client.force_login(colleague.user)
    page = client.get(
        reverse("organisations:representatives", args=[signer.organisation.pk])
    ).content.decode()
    assert f"/invitations/{signing.pk}/revoke/" not in page  # no button for it
    assert f"/invitations/{plain.pk}/revoke/" in page

    response = revoke(client, colleague.user, signing)

    assert response.status_code == 302
    assert "Only a representative who may sign" in messages_of(response)
    signing.refresh_from_db()
    assert signing.revoked_at is None
    assert revoke(client, colleague.user, plain).status_code == 302
    plain.refresh_from_db()
    assert plain.revoked_by == colleague.user


def test_an_official_revokes_an_invitation_that_lets_others_sign(client):
    rep = RepresentativeFactory()
    invitation = invitation_from(rep, "colleague@example.org", may_sign=True)
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    response = client.post(
        reverse("organisations:revoke_invitation", args=[rep.organisation.pk, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == official


def test_another_organisations_invitation_cannot_be_revoked(client):
    rep_a = RepresentativeFactory()
    rep_b = RepresentativeFactory()
    invitation_b = invitation_from(rep_b, "colleague@example.org")

    assert revoke(client, rep_a.user, invitation_b).status_code == 403
    # Through A's own URL, B's invitation is not found.
    assert (
        revoke(client, rep_a.user, invitation_b, organisation=rep_a.organisation).status_code == 404
    )
    client.force_login(rep_a.user)
    assert client.get(
        reverse("organisations:revoke_invitation", args=[rep_b.organisation.pk, invitation_b.pk])
    ).status_code in (403, 405)
    invitation_b.refresh_from_db()
    assert invitation_b.revoked_at is None
    assert not ActionRecord.objects.filter(action_type="organisations.invitation.revoked").exists()


def test_an_invitation_whose_inviter_was_removed_cannot_be_accepted(client):
    inviter = RepresentativeFactory()
    colleague = RepresentativeFactory(organisation=inviter.organisation)
    invitation = invitation_from(inviter, "newcomer@example.org")
    assert listed(client, colleague) == ["newcomer@example.org"]
    client.force_login(colleague.user)
    client.post(
        reverse("organisations:remove_representative", args=[inviter.organisation.pk, inviter.pk])
    )
    assert not Representative.objects.filter(pk=inviter.pk).exists()
    assert listed(client, colleague) == []

    newcomer, response = accept(client, invitation)

    assert "the person who sent it can no longer invite" in messages_of(response)
    assert not Representative.objects.filter(user=newcomer).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_officials_invitation_holds_while_they_are_an_official(client):
    rep = RepresentativeFactory()
    official = OfficialFactory()
    invitation = RepresentativeInvitation.objects.create(
        organisation=rep.organisation,
        email="newcomer@example.org",
        may_sign=True,
        invited_by=official,
    )
    newcomer, _response = accept(client, invitation)
    assert Representative.objects.get(user=newcomer).may_sign is True


def test_a_signing_invitation_whose_inviter_lost_may_sign_cannot_be_accepted(client):
    inviter = RepresentativeFactory()
    signing = invitation_from(inviter, "signer-to-be@example.org", may_sign=True)
    plain = invitation_from(inviter, "plain@example.org")
    Representative.objects.filter(pk=inviter.pk).update(may_sign=False)
    assert listed(client, inviter) == ["plain@example.org"]

    refused, response = accept(client, signing)
    assert "may no longer let others sign" in messages_of(response)
    assert not Representative.objects.filter(user=refused).exists()

    accepted, response = accept(client, plain)  # one without may_sign still can
    assert response.status_code == 302
    assert Representative.objects.get(user=accepted).may_sign is False


def test_the_page_lists_only_invitations_that_can_still_be_accepted(client, hours_pass):
    rep = RepresentativeFactory()
    removed = RepresentativeFactory(organisation=rep.organisation)
    expired = invitation_from(rep, "expired@example.org")
    hours_pass(24 * 14 + 1)
    invitation_from(rep, "valid@example.org")
    invitation_from(rep, "accepted@example.org", accepted_at=timezone.now(), accepted_by=rep.user)
    invitation_from(rep, "revoked@example.org", revoked_at=timezone.now(), revoked_by=rep.user)
    invitation_from(removed, "void@example.org")
    removed.delete()

    assert listed(client, rep) == ["valid@example.org"]
    _user, response = accept(client, expired)
    assert "This invitation has expired" in messages_of(response)


def test_listing_invitations_takes_no_query_per_invitation(client):
    rep = RepresentativeFactory()
    colleague = RepresentativeFactory(organisation=rep.organisation, may_sign=False)
    former = RepresentativeFactory(organisation=rep.organisation)
    official = OfficialFactory()
    url = reverse("organisations:representatives", args=[rep.organisation.pk])
    client.force_login(rep.user)

    def queries(n: int) -> int:
        for inviter in (rep.user, colleague.user, former.user, official):
            for may_sign in (False, True):
                RepresentativeInvitation.objects.create(
                    organisation=rep.organisation,
                    email=f"{inviter.pk}-{may_sign}-{n}@example.org",
                    may_sign=may_sign,
                    invited_by=inviter,
                )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(response.context["invitations"])

    Representative.objects.filter(pk=former.pk).delete()
    client.get(url)  # what the first request of a session looks up once
    few, listed_few = queries(1)
    many, listed_many = queries(2)
    # rep's two, colleague's one without may_sign and the official's two, per round
    assert (listed_few, listed_many) == (5, 10)
    assert many == few


def test_an_invitation_sent_again_is_valid_for_two_weeks_from_the_last_email(
    client, invite, hours_pass
):
    rep = RepresentativeFactory()
    invite(rep, "colleague@example.org")
    hours_pass(24 * 13)
    invite(rep, "colleague@example.org")  # sent again: a new link
    hours_pass(24 * 2)
    assert listed(client, rep) == ["colleague@example.org"]
    colleague, response = accept(client, RepresentativeInvitation.objects.get())
    assert Representative.objects.filter(user=colleague).exists()


def test_a_revoked_address_gets_a_new_invitation_the_next_day(client, invite, hours_pass):
    rep = RepresentativeFactory()
    invite(rep, "colleague@example.org")
    revoked = RepresentativeInvitation.objects.get()
    revoke(client, rep.user, revoked)
    hours_pass(24)
    assert invite(rep, "colleague@example.org").status_code == 302
    fresh = RepresentativeInvitation.objects.exclude(pk=revoked.pk).get()
    assert fresh.revoked_at is None
    colleague, _response = accept(client, fresh)
    assert Representative.objects.filter(user=colleague).exists()


def test_no_mail_goes_out_for_an_invitation_revoked_before_it_was_sent(mailoutbox):
    rep = RepresentativeFactory()
    invitation = invitation_from(rep, "colleague@example.org", revoked_at=timezone.now())
    send_representative_invitation(invitation.pk, "en")
    assert mailoutbox == []


def test_only_a_signer_sends_again_an_invitation_that_lets_others_sign(
    invite, mailoutbox, hours_pass
):
    signer = RepresentativeFactory(may_sign=True)
    colleague = RepresentativeFactory(organisation=signer.organisation, may_sign=False)
    invitation = invitation_from(signer, "future-signer@example.org", may_sign=True)
    hours_pass(24 * 13)

    response = invite(colleague, "future-signer@example.org")

    assert response.status_code == 200
    assert "only a representative who may sign can send it again" in form_errors(response)
    assert mailoutbox == []
    sent_at = invitation.sent_at
    invitation.refresh_from_db()
    assert invitation.sent_at == sent_at  # not valid for any longer
    assert not ActionRecord.objects.filter(action_type="organisations.invitation.resent").exists()

    assert invite(signer, "future-signer@example.org").status_code == 302
    assert len(mailoutbox) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at > sent_at
