import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compact.models import Signature
from compact.services import (
    SigningError,
    signature_sign_at_forum,
    signature_sign_online,
    signature_withdraw,
)
from organisations.services import review_version
from tests.factories import (
    AgreementFactory,
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    agreement_in_force,
    build_compact,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.usefixtures("english")


def listed(client):
    """The organisations on the public signatory list."""
    response = client.get(reverse("compact:signatories"))
    return [signature.organisation for signature in response.context["page_obj"].object_list]


def sign_online(rep, agreement):
    """The service, as the sign form calls it, for the representative's organisation."""
    return signature_sign_online(
        organisation=rep.organisation,
        agreement=agreement,
        actor=rep.user,
        signer_name="A",
        signer_role="Chair",
        authority="signatory",
    )


def sign_data(**overrides):
    data = {
        "signer_name": "Alex Andersson",
        "signer_role": "Ordförande",
        "authority": "signatory",
        "confirm": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_sign_online_records_the_signature_and_sends_a_receipt(
    client, mailoutbox, compact, django_capture_on_commit_callbacks
):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compact:sign", args=[rep.organisation.pk]), sign_data())
    assert response.status_code == 302
    signature = Signature.objects.get(organisation=rep.organisation)
    assert (signature.channel, signature.signer_name, signature.signed_by) == (
        "online",
        "Alex Andersson",
        rep.user,
    )
    assert signature.agreement == compact
    assert len(mailoutbox) == 1
    assert rep.user.email in mailoutbox[0].to


@pytest.mark.django_db
def test_signature_of_unverified_organisation_is_public_only_once_verified(client, compact):
    rep = RepresentativeFactory(organisation=OrganisationFactory(verification="unverified"))
    client.force_login(rep.user)
    client.post(reverse("compact:sign", args=[rep.organisation.pk]), sign_data())
    assert Signature.objects.filter(organisation=rep.organisation).count() == 1
    assert rep.organisation not in listed(client)
    dashboard = client.get(reverse("organisations:dashboard", args=[rep.organisation.pk]))
    assert "public once the organisation is verified" in dashboard.content.decode()

    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    client.post(
        reverse("backoffice:organisation_verify", args=[rep.organisation.pk]),
        {"seen_version": review_version(rep.organisation)},
    )
    assert rep.organisation in listed(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"confirm": ""}, "confirm"),
        ({"signer_name": ""}, "signer_name"),
        ({"authority": "board_decision"}, "board_decision_on"),
        ({"authority": "my-cousin-said-so"}, "authority"),
    ],
)
def test_sign_bad_input_is_refused_with_an_error_by_the_field(client, compact, overrides, field):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.post(
        reverse("compact:sign", args=[rep.organisation.pk]), sign_data(**overrides)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Signature.objects.count() == 3  # the compact fixture's own


@pytest.mark.django_db
def test_representative_without_may_sign_cannot_sign(client, compact):
    rep = RepresentativeFactory(may_sign=False)
    client.force_login(rep.user)
    response = client.post(reverse("compact:sign", args=[rep.organisation.pk]), sign_data())
    assert response.status_code == 403
    assert not Signature.objects.filter(organisation=rep.organisation).exists()


@pytest.mark.django_db
def test_representative_cannot_sign_for_another_organisation(client, compact):
    rep_a = RepresentativeFactory()
    org_b = OrganisationFactory()
    client.force_login(rep_a.user)
    response = client.post(reverse("compact:sign", args=[org_b.pk]), sign_data())
    assert response.status_code == 403
    assert not Signature.objects.filter(organisation=org_b).exists()


@pytest.mark.django_db
def test_signing_twice_is_refused(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    client.post(reverse("compact:sign", args=[rep.organisation.pk]), sign_data())
    response = client.post(
        reverse("compact:sign", args=[rep.organisation.pk]), sign_data(), follow=True
    )
    assert "already signed" in response.content.decode()
    assert Signature.objects.filter(organisation=rep.organisation).count() == 1


@pytest.mark.django_db
def test_database_allows_one_effective_signature_per_organisation_and_version(compact):
    signature = SignatureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(organisation=signature.organisation, agreement=signature.agreement)


@pytest.mark.django_db
def test_a_signature_on_a_superseded_version_is_history_and_cannot_be_withdrawn(compact):
    rep = RepresentativeFactory()
    old = AgreementFactory(status="superseded", version_label="2019")
    signature = SignatureFactory(organisation=rep.organisation, agreement=old)
    with pytest.raises(SigningError, match="no longer in force"):
        signature_withdraw(signature=signature, actor=rep.user, reason="Gone")
    signature.refresh_from_db()
    assert signature.withdrawn_at is None


@pytest.mark.django_db
def test_withdrawal_keeps_the_history_and_allows_signing_again(compact):
    rep = RepresentativeFactory()
    first = sign_online(rep, compact)
    signature_withdraw(
        signature=first, actor=rep.user, reason="We merged with another association."
    )
    with pytest.raises(SigningError):
        signature_withdraw(signature=first, actor=rep.user, reason="again")
    second = sign_online(rep, compact)
    rows = Signature.objects.filter(organisation=rep.organisation).order_by("signed_at")
    assert [s.pk for s in rows] == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.withdrawal_reason == "We merged with another association."
    assert first.withdrawn_by == rep.user
    assert list(Signature.objects.public().filter(organisation=rep.organisation)) == [second]


@pytest.mark.django_db
def test_representative_withdraws_through_the_page(client, compact):
    rep = RepresentativeFactory()
    signature = SignatureFactory(organisation=rep.organisation)
    client.force_login(rep.user)
    url = reverse("compact:withdraw", args=[rep.organisation.pk, signature.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "The board decided so."})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    assert rep.organisation not in listed(client)


@pytest.mark.django_db
def test_representative_cannot_withdraw_another_organisations_signature(client, compact):
    rep_a = RepresentativeFactory()
    signature_b = SignatureFactory()
    client.force_login(rep_a.user)
    # A's own organisation in the URL, B's signature id: not found, nothing changes.
    response = client.post(
        reverse("compact:withdraw", args=[rep_a.organisation.pk, signature_b.pk]),
        {"reason": "x"},
    )
    assert response.status_code == 404
    signature_b.refresh_from_db()
    assert signature_b.withdrawn_at is None


@pytest.mark.django_db(transaction=True)
def test_two_people_signing_at_the_same_moment_make_one_signature():
    """Concurrent requests on PostgreSQL: two representatives of one organisation press
    'sign' at the same moment. Exactly one signature results; the other is told."""
    agreement = build_compact()
    organisation = OrganisationFactory()
    reps = [RepresentativeFactory(organisation=organisation) for _ in range(2)]
    url = reverse("compact:sign", args=[organisation.pk])
    barrier = threading.Barrier(len(reps))
    responses = []

    def sign_as(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            responses.append(client.post(url, sign_data(), follow=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_as, args=(rep.user,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in responses] == [200, 200]
    assert Signature.objects.filter(organisation=organisation, agreement=agreement).count() == 1
    bodies = " ".join(r.content.decode() for r in responses)
    assert "already signed" in bodies
    assert agreement_in_force() == agreement


@pytest.mark.django_db
def test_rejected_organisation_cannot_sign(client, compact):
    rep = RepresentativeFactory(
        organisation=OrganisationFactory(
            verification="rejected", verification_note="A company, not an association."
        )
    )
    client.force_login(rep.user)
    response = client.post(
        reverse("compact:sign", args=[rep.organisation.pk]), sign_data(), follow=True
    )
    assert "A company, not an association." in response.content.decode()
    assert not Signature.objects.filter(organisation=rep.organisation).exists()


@pytest.mark.django_db
def test_sign_page_of_an_organisation_that_has_signed_says_so(client, compact):
    rep = RepresentativeFactory()
    SignatureFactory(organisation=rep.organisation, agreement=compact)
    client.force_login(rep.user)
    response = client.get(reverse("compact:sign", args=[rep.organisation.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "organisations:dashboard", args=[rep.organisation.pk]
    )
    assert "already signed the version in force" in response.content.decode()


@pytest.mark.django_db
def test_representative_who_may_not_sign_cannot_withdraw(client, compact):
    rep = RepresentativeFactory(may_sign=False)
    signature = SignatureFactory(organisation=rep.organisation)
    client.force_login(rep.user)
    url = reverse("compact:withdraw", args=[rep.organisation.pk, signature.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    signature.refresh_from_db()
    assert signature.withdrawn_at is None


@pytest.mark.django_db
def test_receipt_subject_is_plain_text(mailoutbox, compact, django_capture_on_commit_callbacks):
    rep = RepresentativeFactory(organisation=OrganisationFactory(name="Barn & Ungas förening"))
    with django_capture_on_commit_callbacks(execute=True):
        sign_online(rep, compact)
    assert mailoutbox[0].subject == "Barn & Ungas förening has signed the compact"


def sign_at_forum(organisation, agreement, actor, **overrides):
    """The service, as the back office's on-site form calls it (through dialogues)."""
    fields = {"signer_name": "Kim Karlsson", "signer_role": "Kassör"} | overrides
    return signature_sign_at_forum(
        organisation=organisation, agreement=agreement, actor=actor, **fields
    )


@pytest.mark.django_db
def test_sign_at_forum_records_the_paper_and_sends_the_receipt(
    mailoutbox, compact, django_capture_on_commit_callbacks
):
    rep = RepresentativeFactory()
    official = OfficialFactory()
    with django_capture_on_commit_callbacks(execute=True):
        signature = sign_at_forum(rep.organisation, compact, official)
    assert (
        signature.channel,
        signature.signer_name,
        signature.signer_role,
        signature.signed_by,
    ) == ("forum", "Kim Karlsson", "Kassör", None)
    assert [record.action_type for record in signature.history()] == [
        "compact.signature.signed_at_forum"
    ]
    assert signature.history().get().actor == official
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [rep.user.email]
    # The representatives' language is not known: the portal's default, Swedish.
    assert "Kim Karlsson (Kassör) undertecknade" in mailoutbox[0].body
    assert "på papper vid ett dialogforum" in mailoutbox[0].body


@pytest.mark.django_db
def test_sign_at_forum_is_for_officials_only(compact):
    rep = RepresentativeFactory()
    with pytest.raises(PermissionDenied):
        sign_at_forum(rep.organisation, compact, rep.user)
    assert not Signature.objects.filter(organisation=rep.organisation).exists()


@pytest.mark.django_db
def test_sign_at_forum_after_signing_online_is_refused(compact):
    rep = RepresentativeFactory()
    sign_online(rep, compact)
    with pytest.raises(SigningError, match="already signed"):
        sign_at_forum(rep.organisation, compact, OfficialFactory())
    assert Signature.objects.filter(organisation=rep.organisation).count() == 1


@pytest.mark.django_db
def test_sign_at_forum_of_a_rejected_organisation_is_refused(compact):
    organisation = OrganisationFactory(verification="rejected", verification_note="A company.")
    with pytest.raises(SigningError, match="A company."):
        sign_at_forum(organisation, compact, OfficialFactory())


@pytest.mark.django_db
def test_sign_at_forum_only_on_the_version_in_force(compact):
    draft = AgreementFactory(status="draft")
    with pytest.raises(SigningError, match="version in force"):
        sign_at_forum(OrganisationFactory(), draft, OfficialFactory())


@pytest.mark.django_db
def test_sign_at_forum_recorded_later_counts_from_the_day_of_the_forum(compact):
    forum_day = timezone.localdate() - datetime.timedelta(days=3)
    signature = sign_at_forum(
        OrganisationFactory(), compact, OfficialFactory(), signed_on=forum_day
    )
    assert timezone.localtime(signature.signed_at).date() == forum_day
    with pytest.raises(SigningError, match="future"):
        sign_at_forum(
            OrganisationFactory(),
            compact,
            OfficialFactory(),
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
        )


@pytest.mark.django_db
def test_database_allows_one_effective_forum_signature_per_organisation_and_version(compact):
    signature = SignatureFactory(channel="forum", signed_by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(
            organisation=signature.organisation,
            agreement=signature.agreement,
            channel="forum",
            signed_by=None,
        )


@pytest.mark.parametrize(
    ("withdrawn", "status", "expected"),
    [(False, "adopted", True), (True, "adopted", False), (False, "superseded", False)],
)
def test_may_be_withdrawn_is_standing_on_the_version_in_force(withdrawn, status, expected):
    from django.utils import timezone

    withdrawn_at = timezone.now() if withdrawn else None
    assert Signature.may_be_withdrawn(withdrawn_at, status) is expected
