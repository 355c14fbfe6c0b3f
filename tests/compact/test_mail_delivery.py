"""E-mail from tasks, with the real parts: the services queue a task when their
transaction commits, a Celery worker (a subprocess) takes it from Redis, reads the rows
from the test database and sends the mail over SMTP to aiosmtpd in this process."""

import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import resolve, reverse
from django.utils import formats, timezone, translation

from compact.models import Signature
from compact.services import application_approve, application_reject, signature_sign_online
from organisations.invitations import INVITATION_MAX_AGE, INVITATION_SALT
from organisations.models import Representative
from organisations.services import representative_invite
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    UserFactory,
    WrittenApplicationFactory,
    agreement_in_force,
)

pytest_plugins = ["tests.worker"]
pytestmark = pytest.mark.worker

ORGANISATION = "Föreningen Ängsblomman"
REPRESENTATIVES = ["kassor@example.org", "ordforande@example.org"]


@pytest.fixture
def representatives(transactional_db):
    """Two representatives of one organisation; the compact's version in force."""
    agreement_in_force()
    first = RepresentativeFactory(
        organisation__name=ORGANISATION, user=UserFactory(email=REPRESENTATIVES[1])
    )
    second = RepresentativeFactory(
        organisation=first.organisation, user=UserFactory(email=REPRESENTATIVES[0])
    )
    return first, second


def _sign(representative) -> Signature:
    return signature_sign_online(
        organisation=representative.organisation,
        agreement=agreement_in_force(),
        actor=representative.user,
        signer_name="Åsa Öberg",
        signer_role="Ordförande",
        authority=Signature.Authority.AUTHORISED_SIGNATORY,
    )


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("sv", f"{ORGANISATION} har undertecknat överenskommelsen", "Hej!"),
        ("en", f"{ORGANISATION} has signed the compact", "Hello,"),
    ],
    ids=["sv", "en"],
)
def test_sign_online_receipt_sent_once_to_representatives_in_signers_language(
    celery_worker, mailbox, representatives, language, subject, greeting
):
    with translation.override(language):
        signature = _sign(representatives[0])

    mails = mailbox.wait_for(1)

    assert len(mails) == 1
    mail = mails[0]
    assert mail.subject == subject
    assert mail.to == REPRESENTATIVES
    assert sorted(mail.rcpt_tos) == REPRESENTATIVES
    assert mail.mail_from == "noreply@example.org"
    assert mail.body.startswith(greeting)
    with translation.override(language):  # the agreement's title and the date, localised
        title = signature.agreement.title
        signed_at = formats.date_format(timezone.localtime(signature.signed_at), "DATETIME_FORMAT")
    assert title in mail.body
    assert signed_at in mail.body


def test_application_approve_sends_one_decision(celery_worker, mailbox, representatives):
    application = WrittenApplicationFactory(
        organisation=representatives[0].organisation, submitted_by=representatives[0].user
    )
    with translation.override("en"):
        application_approve(
            application=application,
            actor=OfficialFactory(),
            signer_name="Robin Ros",
            signer_role="Ordförande",
            signed_on=datetime.date(2026, 1, 5),
        )

    mails = mailbox.wait_for(1)

    assert len(mails) == 1
    mail = mails[0]
    assert mail.subject == "Your application to join the compact is approved"
    assert mail.to == REPRESENTATIVES
    assert (
        f"The written application from {ORGANISATION} is approved: the organisation has "
        f"joined the compact, version {application.agreement.version_label}." in mail.body
    )


def test_application_reject_sends_one_decision_with_the_reason(
    celery_worker, mailbox, representatives
):
    reason = "Protokollet från årsmötet saknas – skicka det, så prövar vi ansökan på nytt."
    application = WrittenApplicationFactory(
        organisation=representatives[0].organisation, submitted_by=representatives[0].user
    )
    with translation.override("en"):
        application_reject(application=application, actor=OfficialFactory(), reason=reason)

    mails = mailbox.wait_for(1)

    assert len(mails) == 1
    mail = mails[0]
    assert mail.subject == "Your application to join the compact is not approved"
    assert mail.to == REPRESENTATIVES
    assert f"The written application from {ORGANISATION} is not approved." in mail.body
    assert f"Reason: {reason}" in mail.body


def test_invite_sends_one_link_that_makes_the_colleague_a_representative(
    celery_worker, mailbox, representatives, client
):
    organisation = representatives[0].organisation
    with translation.override("en"):
        invitation = representative_invite(
            organisation=organisation,
            email="kollega@example.org",
            may_sign=False,
            actor=representatives[0].user,
        )

    mails = mailbox.wait_for(1)

    assert len(mails) == 1
    mail = mails[0]
    assert mail.to == ["kollega@example.org"]
    assert mail.subject == f"You are invited to represent {ORGANISATION}"
    links = [line for line in mail.body.splitlines() if line.startswith(settings.SITE_URL)]
    # The invitation, and sign-up that comes back to it (its `next`).
    assert len(links) == 2
    path = urlsplit(links[0]).path
    signup = urlsplit(links[1])
    assert signup.path == "/en/accounts/signup/"
    assert parse_qs(signup.query) == {"next": [path]}
    with translation.override("en"):  # the path's language prefix
        match = resolve(path)
    assert match.view_name == "organisations:accept_invitation"
    token = match.kwargs["token"]
    assert signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE) == {
        "invitation": invitation.pk
    }

    colleague = UserFactory(email="kollega@example.org")
    client.force_login(colleague)
    assert client.get(path).status_code == 200
    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "organisations:dashboard", kwargs={"organisation_pk": organisation.pk}
    )
    representation = Representative.objects.get(organisation=organisation, user=colleague)
    assert representation.may_sign is False


class Rollback(Exception):
    pass


def test_sign_online_rolled_back_queues_and_sends_nothing(celery_worker, mailbox, representatives):
    tasks_before = celery_worker.tasks_run()
    with pytest.raises(Rollback), transaction.atomic():
        _sign(representatives[0])
        raise Rollback

    time.sleep(3)

    assert mailbox.messages == []
    assert celery_worker.tasks_run() == tasks_before
    assert celery_worker.queued() == 0
    assert not Signature.objects.exists()
    # The worker was listening all along: the same signing, committed, is delivered.
    _sign(representatives[0])
    assert len(mailbox.wait_for(1)) == 1


def test_receipt_queued_while_worker_is_down_is_sent_once_by_the_next_worker(
    celery_worker, mailbox, representatives
):
    celery_worker.stop()
    _sign(representatives[0])

    assert celery_worker.queued() == 1  # the task waits in Redis
    assert mailbox.messages == []

    celery_worker.start()
    mails = mailbox.wait_for(1, settle=3)

    assert len(mails) == 1
    assert mails[0].to == REPRESENTATIVES
    assert celery_worker.queued() == 0
