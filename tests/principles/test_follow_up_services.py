"""The yearly follow-up's services: creating, recording, organisations' accounts,
publishing when complete, never rewriting a published one (services and database), and
corrections."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from core.models import ActionRecord
from organisations.models import Organisation
from principles.followups import (
    EntryChange,
    FollowUpError,
    account_decide,
    account_submit,
    correction_add,
    entries_record,
    follow_up_create,
    follow_up_publish,
    may_submit_accounts,
    missing,
    status_counts,
)
from principles.models import (
    CommitmentEntry,
    CorrectionNote,
    EntryStatus,
    FollowUp,
    OrganisationAccount,
    Party,
    PlanItemEntry,
)
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def official(db):
    return OfficialFactory()


@pytest.fixture
def follow_up(compact, official):
    return follow_up_create(actor=official, year=2025)


def record_all(follow_up, official, status=EntryStatus.DONE):
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(entry=entry, status=status, account="Gjort.")
            for entry in follow_up.commitment_entries.all()
        ],
    )
    entries_record(
        actor=official,
        follow_up=follow_up,
        plan=True,
        changes=[
            EntryChange(entry=entry, status=EntryStatus.IN_PROGRESS)
            for entry in follow_up.plan_item_entries.all()
        ],
    )


def test_a_follow_up_has_an_empty_entry_for_every_commitment_and_plan_item(compact, follow_up):
    commitments = sum(p.commitments.count() for p in compact.principles.all())
    plan_items = sum(a.plan_items.count() for a in compact.development_areas.all())

    assert follow_up.agreement == compact
    assert follow_up.commitment_entries.count() == commitments > 0
    assert follow_up.plan_item_entries.count() == plan_items > 0
    assert missing(follow_up) == {
        "commitments": commitments,
        "plan_items": plan_items,
        "accounts": 0,
    }
    assert ActionRecord.objects.about(follow_up).get().action_type == "principles.follow_up.created"


def test_one_follow_up_a_year(follow_up, official):
    with pytest.raises(FollowUpError):
        follow_up_create(actor=official, year=2025)
    assert FollowUp.objects.count() == 1


def test_only_officials_create_record_and_publish(compact, follow_up):
    someone = UserFactory()
    with pytest.raises(PermissionDenied):
        follow_up_create(actor=someone, year=2026)
    entry = follow_up.commitment_entries.first()
    with pytest.raises(PermissionDenied):
        entries_record(
            actor=someone, follow_up=follow_up, changes=[EntryChange(entry, EntryStatus.DONE)]
        )
    with pytest.raises(PermissionDenied):
        follow_up_publish(actor=someone, follow_up=follow_up)
    assert not CommitmentEntry.objects.exclude(status="").exists()


def test_recording_saves_status_account_links_and_attachment(follow_up, official):
    entry = follow_up.commitment_entries.first()
    upload = SimpleUploadedFile("whatever.exe", PNG, content_type="application/x-msdownload")

    count = entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(
                entry,
                EntryStatus.IN_PROGRESS,
                account="  Två möten hölls.  ",
                links="https://example.org/a\n\n https://example.org/b ",
                attachment=upload,
            )
        ],
    )

    entry.refresh_from_db()
    assert count == 1
    assert entry.status == "in_progress"
    assert entry.account == "Två möten hölls."
    assert entry.link_list == ["https://example.org/a", "https://example.org/b"]
    assert entry.attachment.name.endswith(".png")  # named by its content, not "whatever.exe"
    assert entry.updated_by == official
    assert ActionRecord.objects.filter(action_type="principles.follow_up.recorded").count() == 1


def test_a_bad_link_or_attachment_saves_nothing(follow_up, official):
    first, second = follow_up.commitment_entries.all()[:2]
    with pytest.raises(ValidationError):
        entries_record(
            actor=official,
            follow_up=follow_up,
            changes=[
                EntryChange(first, EntryStatus.DONE),
                EntryChange(second, EntryStatus.DONE, links="javascript:alert(1)"),
            ],
        )
    with pytest.raises(ValidationError):
        entries_record(
            actor=official,
            follow_up=follow_up,
            changes=[
                EntryChange(
                    first,
                    EntryStatus.DONE,
                    attachment=SimpleUploadedFile("a.pdf", b"MZ not a pdf at all"),
                )
            ],
        )
    assert not CommitmentEntry.objects.exclude(status="").exists()


def test_publishing_is_refused_while_incomplete(follow_up, official):
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[EntryChange(follow_up.commitment_entries.first(), EntryStatus.DONE)],
    )
    with pytest.raises(FollowUpError, match="not complete"):
        follow_up_publish(actor=official, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DRAFT


def test_plan_items_must_have_a_status_too(follow_up, official):
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(entry, EntryStatus.DONE) for entry in follow_up.commitment_entries.all()
        ],
    )
    assert missing(follow_up)["plan_items"] > 0
    with pytest.raises(FollowUpError):
        follow_up_publish(actor=official, follow_up=follow_up)


def test_a_complete_follow_up_is_published_and_counted(follow_up, official):
    record_all(follow_up, official)

    follow_up_publish(actor=official, follow_up=follow_up)

    follow_up.refresh_from_db()
    assert follow_up.is_published
    assert follow_up.published_by == official
    assert status_counts(follow_up)["done"] == follow_up.commitment_entries.count()
    record = ActionRecord.objects.get(action_type="principles.follow_up.published")
    assert record.data["done"] == follow_up.commitment_entries.count()


def test_a_published_follow_up_is_not_rewritten(follow_up, official):
    record_all(follow_up, official)
    follow_up_publish(actor=official, follow_up=follow_up)
    entry = follow_up.commitment_entries.first()

    with pytest.raises(FollowUpError, match="correction"):
        entries_record(
            actor=official,
            follow_up=follow_up,
            changes=[EntryChange(entry, EntryStatus.NOT_STARTED, account="Omskrivet")],
        )
    with pytest.raises(FollowUpError):
        follow_up_publish(actor=official, follow_up=follow_up)
    entry.refresh_from_db()
    assert (entry.status, entry.account) == ("done", "Gjort.")


def test_the_database_refuses_to_rewrite_a_published_follow_up(follow_up, official):
    record_all(follow_up, official)
    follow_up_publish(actor=official, follow_up=follow_up)
    entry = follow_up.commitment_entries.first()
    plan_entry = follow_up.plan_item_entries.first()

    for attempt in (
        lambda: CommitmentEntry.objects.filter(pk=entry.pk).update(status="not_started"),
        lambda: PlanItemEntry.objects.filter(pk=plan_entry.pk).update(account="x"),
        lambda: CommitmentEntry.objects.filter(pk=entry.pk).delete(),
        lambda: FollowUp.objects.filter(pk=follow_up.pk).update(status="draft", published_at=None),
        lambda: FollowUp.objects.filter(pk=follow_up.pk).update(year=1999),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.status == "done"


def test_corrections_are_dated_notes_only_ever_added(follow_up, official, compact):
    commitment = follow_up.commitment_entries.first().commitment
    with pytest.raises(FollowUpError):
        correction_add(actor=official, follow_up=follow_up, text="För tidigt.")
    record_all(follow_up, official)
    follow_up_publish(actor=official, follow_up=follow_up)

    note = correction_add(
        actor=official, follow_up=follow_up, text="Mötet hölls i maj.", commitment=commitment
    )

    assert note.added_by == official
    assert note.commitment == commitment
    assert list(follow_up.corrections.all()) == [note]
    assert ActionRecord.objects.filter(action_type="principles.follow_up.corrected").count() == 1
    with pytest.raises(FollowUpError):
        correction_add(actor=official, follow_up=follow_up, text="   ")
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionNote.objects.filter(pk=note.pk).update(text="Ändrad")
    with pytest.raises(DatabaseError), transaction.atomic():
        CorrectionNote.objects.filter(pk=note.pk).delete()


# -- organisations' accounts --------------------------------------------------------------


@pytest.fixture
def signatory(compact):
    representative = RepresentativeFactory()
    SignatureFactory(organisation=representative.organisation, agreement=compact)
    return representative


def sector_entry(follow_up, party=Party.SECTOR):
    return follow_up.commitment_entries.filter(commitment__party=party).first()


def test_a_signatory_submits_an_account_of_a_sector_commitment(follow_up, signatory):
    account = account_submit(
        actor=signatory.user,
        organisation=signatory.organisation,
        entry=sector_entry(follow_up),
        text="Vi ordnade tre läxhjälpskvällar.",
    )

    assert account.decision == OrganisationAccount.Decision.PENDING
    assert missing(follow_up)["accounts"] == 1
    # Submitted again: the same account, with the new text.
    again = account_submit(
        actor=signatory.user,
        organisation=signatory.organisation,
        entry=sector_entry(follow_up),
        text="Fyra kvällar, rättat.",
    )
    assert again.pk == account.pk
    assert OrganisationAccount.objects.get().text == "Fyra kvällar, rättat."


def test_no_account_of_a_municipality_commitment(follow_up, signatory):
    with pytest.raises(FollowUpError):
        account_submit(
            actor=signatory.user,
            organisation=signatory.organisation,
            entry=sector_entry(follow_up, Party.MUNICIPALITY),
            text="Inte vårt åtagande.",
        )
    assert not OrganisationAccount.objects.exists()


def test_only_a_signatorys_representative_submits(follow_up, compact):
    not_signed = RepresentativeFactory()
    with pytest.raises(FollowUpError):
        account_submit(
            actor=not_signed.user,
            organisation=not_signed.organisation,
            entry=sector_entry(follow_up),
            text="Vi har inte skrivit under.",
        )
    signed = RepresentativeFactory()
    SignatureFactory(organisation=signed.organisation, agreement=compact)
    with pytest.raises(PermissionDenied):
        account_submit(
            actor=UserFactory(),
            organisation=signed.organisation,
            entry=sector_entry(follow_up),
            text="Jag företräder inte föreningen.",
        )
    assert not OrganisationAccount.objects.exists()


def test_an_organisation_not_yet_verified_gives_no_account(follow_up, compact):
    """Its signature is not public yet, so neither is its name under an account."""
    unverified = RepresentativeFactory(
        organisation__verification=Organisation.Verification.UNVERIFIED
    )
    SignatureFactory(organisation=unverified.organisation, agreement=compact)
    assert not may_submit_accounts(unverified.organisation, follow_up)
    with pytest.raises(FollowUpError):
        account_submit(
            actor=unverified.user,
            organisation=unverified.organisation,
            entry=sector_entry(follow_up),
            text="Vi väntar på att bli granskade.",
        )
    assert not OrganisationAccount.objects.exists()


def test_officials_include_or_leave_out_accounts_before_publishing(follow_up, official, signatory):
    kept = account_submit(
        actor=signatory.user,
        organisation=signatory.organisation,
        entry=sector_entry(follow_up),
        text="Med.",
    )
    other = RepresentativeFactory()
    SignatureFactory(organisation=other.organisation, agreement=follow_up.agreement)
    dropped = account_submit(
        actor=other.user,
        organisation=other.organisation,
        entry=sector_entry(follow_up, Party.BOTH),
        text="Inte med.",
    )
    record_all(follow_up, official)
    with pytest.raises(FollowUpError, match="await a decision"):
        follow_up_publish(actor=official, follow_up=follow_up)
    with pytest.raises(PermissionDenied):
        account_decide(actor=signatory.user, account=kept, include=True)

    account_decide(actor=official, account=kept, include=True)
    account_decide(actor=official, account=dropped, include=False)
    follow_up_publish(actor=official, follow_up=follow_up)

    assert {a.text: a.decision for a in OrganisationAccount.objects.all()} == {
        "Med.": "included",
        "Inte med.": "excluded",
    }
    types = set(ActionRecord.objects.values_list("action_type", flat=True))
    assert {"principles.account.included", "principles.account.excluded"} <= types
    # Published: no more accounts, no more decisions, and the database agrees.
    with pytest.raises(FollowUpError):
        account_decide(actor=official, account=dropped, include=True)
    with pytest.raises(FollowUpError):
        account_submit(
            actor=signatory.user,
            organisation=signatory.organisation,
            entry=sector_entry(follow_up),
            text="För sent.",
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        OrganisationAccount.objects.filter(pk=dropped.pk).update(decision="included")


def included_account(follow_up, official, representative):
    account = account_submit(
        actor=representative.user,
        organisation=representative.organisation,
        entry=sector_entry(follow_up),
        text="Vi ordnade tre läxhjälpskvällar.",
    )
    return account_decide(actor=official, account=account, include=True)


def test_an_account_of_an_organisation_no_longer_a_signatory_is_left_out_before_publishing(
    follow_up, official, signatory
):
    """Published under its name, it would show an organisation the signatory list hides."""
    account = included_account(follow_up, official, signatory)
    record_all(follow_up, official)
    Organisation.objects.filter(pk=signatory.organisation.pk).update(verification="rejected")

    with pytest.raises(FollowUpError, match=signatory.organisation.name):
        follow_up_publish(actor=official, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DRAFT
    with pytest.raises(FollowUpError, match="verified again"):  # nor included again
        account_decide(actor=official, account=account, include=True)

    account_decide(actor=official, account=account, include=False)
    follow_up_publish(actor=official, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.is_published


def test_a_withdrawn_signature_keeps_a_follow_up_from_publishing_its_account(
    follow_up, official, signatory, compact
):
    included_account(follow_up, official, signatory)
    record_all(follow_up, official)
    other = RepresentativeFactory()  # a signatory still: its included account is no matter
    SignatureFactory(organisation=other.organisation, agreement=compact)
    included_account(follow_up, official, other)
    signatory.organisation.signatures.update(withdrawn_at=timezone.now())

    with pytest.raises(FollowUpError) as refused, translation.override("sv"):
        follow_up_publish(actor=official, follow_up=follow_up)
    assert signatory.organisation.name in str(refused.value)
    assert other.organisation.name not in str(refused.value)
    with translation.override("sv"):
        assert "Utelämna" in str(refused.value) or "utelämna" in str(refused.value)
