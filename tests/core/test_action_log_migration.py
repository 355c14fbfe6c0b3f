"""The action log's move to core: the old records are copied with dotted types, their
subject found again where its text names one row, and their detail kept as data."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_action_choices"), ("core", None)]
BEFORE_STATE = [
    ("accounts", "0002_action_choices"),
    ("organisations", "0003_alter_organisation_organisation_number"),
    ("compact", "0002_alter_writtenapplication_document"),
]
AFTER = [("accounts", "0003_officials_permission_and_action_log")]


def migrate(targets, state=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state or targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_action_records_are_copied_with_their_subjects():
    old = migrate(BEFORE, BEFORE_STATE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("organisations", "Organisation")
    Agreement = old.get_model("compact", "Agreement")
    Signature = old.get_model("compact", "Signature")
    OldRecord = old.get_model("accounts", "ActionRecord")
    try:
        official = User.objects.create(email="official@example.org")
        organisation = Organisation.objects.create(
            name="Föreningen Gammal",
            organisation_number="802002-4538",
            kind="association",
            contact_name="A",
            contact_email="a@example.org",
        )
        Organisation.objects.create(
            name="Tvilling",
            organisation_number="556036-0793",
            kind="association",
            contact_name="B",
            contact_email="b@example.org",
        )
        Organisation.objects.create(
            name="Tvilling",
            organisation_number="802002-4546",
            kind="association",
            contact_name="C",
            contact_email="c@example.org",
        )
        agreement = Agreement.objects.create(
            title="Överenskommelsen",
            title_sv="Överenskommelsen",
            version_label="2024",
            status="adopted",
            adopted_on=datetime.date(2024, 6, 10),
        )
        signature = Signature.objects.create(
            organisation=organisation,
            agreement=agreement,
            channel="online",
            signer_name="A",
            signer_role="Ordförande",
        )
        OldRecord.objects.create(
            actor=official,
            action="organisation_rejected",
            subject="Föreningen Gammal",
            detail="Not a civil-society organisation.",
        )
        OldRecord.objects.create(
            actor=official,
            action="signed_online",
            subject="Föreningen Gammal – Överenskommelsen (2024)",
        )
        OldRecord.objects.create(actor=official, action="organisation_verified", subject="Tvilling")
        # "Förr" was renamed "Senare"; today another organisation is called "Förr".
        Organisation.objects.create(
            name="Förr",
            organisation_number="556677-8899",
            kind="association",
            contact_name="D",
            contact_email="d@example.org",
        )
        OldRecord.objects.create(actor=official, action="organisation_registered", subject="Förr")
        OldRecord.objects.create(
            actor=official,
            action="organisation_changed",
            subject="Senare",
            detail="name: Förr → Senare",
        )

        new = migrate(
            AFTER,
            [*AFTER, ("core", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")],
        )
        Record = new.get_model("core", "ActionRecord")
        ContentType = new.get_model("contenttypes", "ContentType")
        rows = {
            r.action_type: (r.content_type and r.content_type.model, r.object_id, r.data)
            for r in Record.objects.select_related("content_type")
        }
        assert rows == {
            "organisations.organisation.rejected": (
                "organisation",
                organisation.pk,
                {"reason": "Not a civil-society organisation."},
            ),
            "compact.signature.signed_online": ("signature", signature.pk, {}),
            # Two organisations bear that name: the text is kept, no row is guessed.
            "organisations.organisation.verified": (None, None, {"subject": "Tvilling"}),
            # A name that changed hands is kept as text, not given to today's bearer.
            "organisations.organisation.registered": (None, None, {"subject": "Förr"}),
            "organisations.organisation.changed": (
                None,
                None,
                {"detail": "name: Förr → Senare", "subject": "Senare"},
            ),
        }
        assert ContentType.objects.filter(app_label="organisations").exists()
        Group = new.get_model("auth", "Group")
        assert Group.objects.get(name="Officials").permissions.filter(codename="official").exists()
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)
