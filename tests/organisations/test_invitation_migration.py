"""organisations 0007: each invitation learns when it was last sent, from the action log's
records of e-mails to its address for its organisation."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("organisations", "0006_releasable_organisation_number"), ("core", "0004_append_only")]
AFTER = [("organisations", "0007_invitation_revoked_and_sent_at"), *BEFORE[1:]]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [*targets, ("contenttypes", "0002_remove_content_type_name")]
    ).apps


@pytest.mark.django_db(transaction=True)
def test_invitations_are_dated_by_their_last_email():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("organisations", "Organisation")
    Invitation = old.get_model("organisations", "RepresentativeInvitation")
    Record = old.get_model("core", "ActionRecord")
    ContentType = old.get_model("contenttypes", "ContentType")
    try:
        rep = User.objects.create(email="rep@example.org")
        organisation, other = (
            Organisation.objects.create(
                name=name,
                organisation_number=number,
                kind="association",
                contact_name="A",
                contact_email="a@example.org",
            )
            for name, number in (("Föreningen", "802002-4538"), ("Annan", "556036-0793"))
        )
        organisation_type, _ = ContentType.objects.get_or_create(
            app_label="organisations", model="organisation"
        )
        now = timezone.now()
        resent = Invitation.objects.create(
            organisation=organisation, email="resent@example.org", invited_by=rep
        )
        once = Invitation.objects.create(
            organisation=organisation, email="once@example.org", invited_by=rep
        )
        Invitation.objects.filter(pk__in=[resent.pk, once.pk]).update(
            created_at=now - datetime.timedelta(days=20)
        )
        records = [
            # the invitation's own e-mails: the last one dates it
            (organisation, "organisations.representative.invited", "resent@example.org", 20),
            (organisation, "organisations.invitation.resent", "resent@example.org", 10),
            (organisation, "organisations.invitation.resent", "resent@example.org", 3),
            # another organisation's e-mail to the address, and another kind of record
            (other, "organisations.invitation.resent", "once@example.org", 1),
            (organisation, "organisations.invitation.accepted", "once@example.org", 1),
        ]
        for n, (subject, action_type, email, days_ago) in enumerate(records):
            Record.objects.create(
                actor=rep,
                action_type=action_type,
                content_type=organisation_type,
                object_id=subject.pk,
                data={"email": email},
                at=now - datetime.timedelta(days=days_ago),
                previous_hash=f"{n:064x}",
                hash=f"{n + 1:064x}",
            )

        new = migrate(AFTER)
        Invitation = new.get_model("organisations", "RepresentativeInvitation")
        sent = dict(Invitation.objects.values_list("email", "sent_at"))
        assert sent["resent@example.org"] == now - datetime.timedelta(days=3)
        assert sent["once@example.org"] == now - datetime.timedelta(days=20)
        assert not Invitation.objects.filter(revoked_at__isnull=False).exists()
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)
