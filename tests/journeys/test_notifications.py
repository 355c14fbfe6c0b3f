"""Issue 8, item 11: officials hear of new work without looking (a daily summary by e-mail),
and an organisation is told when officials verify or reject it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.digest import DIGEST_SENT, officials_digest
from backoffice.tasks import send_officials_digest
from compact.services import application_submit
from core.models import ActionRecord
from organisations.models import Organisation
from organisations.services import organisation_reject, organisation_verify
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
    WrittenApplicationFactory,
)

pytestmark = pytest.mark.django_db


def register(name, *, number):
    """An organisation registered as the form does: unverified, its registration logged."""
    rep = RepresentativeFactory(
        organisation__name=name,
        organisation__organisation_number=number,
        organisation__verification=Organisation.Verification.UNVERIFIED,
    )
    rep.organisation.log_action("organisations.organisation.registered", actor=rep.user)
    return rep


@pytest.fixture
def officials():
    return [OfficialFactory(email="handlaggare@example.org"), OfficialFactory()]


def digest(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return officials_digest(**kwargs)


def test_each_official_gets_one_summary_of_what_came_in(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    new = register("Föreningen Nyfiken", number="802002-4538")
    application = WrittenApplicationFactory(
        organisation=OrganisationFactory(name="Stiftelsen Ljus")
    )
    application.log_action("compact.application.submitted", actor=application.submitted_by)
    UserFactory()  # not an official: no summary
    record = digest(django_capture_on_commit_callbacks)

    assert record.action_type == DIGEST_SENT
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in officials)
    message = mailoutbox[0]
    assert message.subject == (
        "Nytt i portalen för överenskommelsen: organisationer att kontrollera, ansökningar att granska"
    )
    assert "Föreningen Nyfiken (802002-4538)" in message.body
    assert f"/sv/backoffice/organisations/{new.organisation.pk}/" in message.body
    assert "Stiftelsen Ljus, inkom" in message.body
    assert f"/sv/backoffice/applications/{application.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="sv">' in html
    assert (
        f'href="http://127.0.0.1:8000/sv/backoffice/organisations/{new.organisation.pk}/"' in html
    )


def test_the_next_summary_starts_where_the_last_ended(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    register("Föreningen Först", number="802002-4538")
    assert digest(django_capture_on_commit_callbacks) is not None
    mailoutbox.clear()

    # Nothing new: nothing recorded, nothing sent (twice, as two beats might).
    assert digest(django_capture_on_commit_callbacks) is None
    assert digest(django_capture_on_commit_callbacks) is None
    assert mailoutbox == []
    assert ActionRecord.objects.filter(action_type=DIGEST_SENT).count() == 1

    register("Föreningen Sedan", number="556036-0793")
    digest(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert "Föreningen Sedan" in mailoutbox[0].body
    assert "Föreningen Först" not in mailoutbox[0].body


def test_work_decided_before_the_summary_is_left_out(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    rep = register("Föreningen Snabb", number="802002-4538")
    organisation_verify(organisation=rep.organisation, actor=officials[0])
    assert digest(django_capture_on_commit_callbacks) is None
    assert all("Föreningen Snabb" not in m.body for m in mailoutbox if m.to == [officials[1].email])


def test_a_missed_day_is_in_the_next_summary(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    register("Föreningen Gammal", number="802002-4538")
    now = timezone.now()
    digest(django_capture_on_commit_callbacks, now=now)
    # Registered after the first summary; the next runs two days later (the beat was down).
    register("Föreningen Väntande", number="556036-0793")
    mailoutbox.clear()
    digest(django_capture_on_commit_callbacks, now=timezone.now() + datetime.timedelta(days=2))
    assert "Föreningen Väntande" in mailoutbox[0].body


def test_the_beat_task_sends_the_summary(compact, officials, mailoutbox, settings):
    register("Föreningen Beat", number="802002-4538")
    assert settings.CELERY_BEAT_SCHEDULE["officials-digest"]["task"] == (
        "backoffice.tasks.send_officials_digest"
    )
    send_officials_digest.delay()  # eager in tests; queued on commit: committed here at once
    assert ActionRecord.objects.filter(action_type=DIGEST_SENT).count() == 1


def test_a_written_application_through_the_service_is_in_the_summary(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.compact.test_written_applications import real_pdf

    rep = RepresentativeFactory(organisation__name="Föreningen Papper")
    application_submit(
        organisation=rep.organisation,
        agreement=compact,
        actor=rep.user,
        document=SimpleUploadedFile("a.pdf", real_pdf(), "application/pdf"),
        signatory_name="Robin Ros",
        signatory_role="Ordförande",
        signed_on=timezone.localdate(),
    )
    digest(django_capture_on_commit_callbacks)
    assert "Föreningen Papper, inkom" in mailoutbox[0].body


# The organisation is told -------------------------------------------------------------


def test_representatives_are_told_the_organisation_is_verified(
    officials, mailoutbox, django_capture_on_commit_callbacks
):
    rep = register("Föreningen Glad", number="802002-4538")
    colleague = RepresentativeFactory(organisation=rep.organisation, may_sign=False)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(organisation=rep.organisation, actor=officials[0])
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == sorted([rep.user.email, colleague.user.email])
    assert message.subject == "Föreningen Glad är kontrollerad"
    assert "Tjänstepersonerna har kontrollerat Föreningen Glad" in message.body
    link = reverse("organisations:dashboard", args=[rep.organisation.pk])
    assert f"http://127.0.0.1:8000{link}" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_representatives_are_told_of_a_rejection_and_its_reason(
    officials, mailoutbox, django_capture_on_commit_callbacks
):
    rep = register("Bolaget AB", number="802002-4538")
    with django_capture_on_commit_callbacks(execute=True):
        organisation_reject(
            organisation=rep.organisation,
            actor=officials[0],
            reason="Ett aktiebolag, inte idéburet.",
        )
    message = mailoutbox[0]
    assert message.to == [rep.user.email]
    assert message.subject == "Er organisations registrering har inte godtagits"
    assert "Motivering: Ett aktiebolag, inte idéburet." in message.body
    # The registrant's own name is not put in the portal's mail (it is not verified).
    assert "Bolaget AB" not in message.body
    assert "802002-4538" in message.body


def test_a_decision_changed_before_the_mail_goes_is_not_told(
    officials, mailoutbox, django_capture_on_commit_callbacks
):
    from organisations.tasks import send_verification_decision

    rep = register("Föreningen Ändrad", number="802002-4538")
    send_verification_decision(rep.organisation.pk, "verified", "sv")
    assert mailoutbox == []


def test_approving_an_application_sends_one_mail_not_two(
    compact, officials, mailoutbox, django_capture_on_commit_callbacks
):
    from compact.services import application_approve

    application = WrittenApplicationFactory(
        organisation=OrganisationFactory(verification=Organisation.Verification.UNVERIFIED),
        signatory_name="Robin Ros",
        signatory_role="Ordförande",
        signed_on=datetime.date(2026, 1, 5),
    )
    RepresentativeFactory(organisation=application.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(
            application=application,
            actor=officials[0],
            signer_name="Robin Ros",
            signer_role="Ordförande",
            signed_on=datetime.date(2026, 1, 5),
        )
    assert len(mailoutbox) == 1
    assert re.search("godkänd|approved", mailoutbox[0].subject)
