"""Revising the compact: a draft copied from the version in force, edited (drafts only),
its differences word by word, adoption superseding the version before, the invitations to
sign again (rows first, sent on commit, once), and the public history."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from compact.models import Agreement, IssuedDocument, ResigningInvitation, Signature
from compact.resigning import resigning_requeue_stuck, resigning_send_pending
from compact.services import signature_sign_online
from core.models import ActionRecord
from principles.models import Commitment, DevelopmentArea, PlanItem
from principles.revision import (
    RevisionError,
    agreement_adopt,
    agreement_differences,
    agreement_draft_revision,
    commitment_delete,
    commitment_save,
    draft_update,
    item_move,
    next_version_label,
    principle_save,
    word_diff,
)
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    UserFactory,
    build_compact,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return OfficialFactory(totp=True)


@pytest.fixture
def version1():
    return build_compact(version_label="1", adopted_on=datetime.date(2022, 5, 1))


def first_commitment(agreement) -> Commitment:
    return Commitment.objects.filter(principle__agreement=agreement).order_by(
        "principle__position", "position", "pk"
    )[0]


def test_labels():
    assert next_version_label("1") == "2"
    assert next_version_label("2024.1") == "2024.2"
    assert next_version_label("första") == "första (2)"


def test_a_draft_copies_the_version_in_force_whole(version1, official):
    draft = agreement_draft_revision(agreement=version1, actor=official)
    assert draft.status == Agreement.Status.DRAFT
    assert draft.version_label == "2"
    assert draft.previous == version1
    assert (draft.title_sv, draft.title_en, draft.preamble_en) == (
        version1.title_sv,
        version1.title_en,
        version1.preamble_en,
    )
    assert draft.adopted_on is None and draft.review_due is None
    assert set(draft.public_parties.all()) == set(version1.public_parties.all())
    old = list(version1.principles.order_by("position"))
    new = list(draft.principles.order_by("position"))
    assert [(p.title_sv, p.title_en, p.position) for p in new] == [
        (p.title_sv, p.title_en, p.position) for p in old
    ]
    assert [p.copied_from_id for p in new] == [p.pk for p in old]
    assert Commitment.objects.filter(principle__agreement=draft).count() == (
        Commitment.objects.filter(principle__agreement=version1).count()
    )
    copy = Commitment.objects.get(copied_from=first_commitment(version1))
    assert (copy.text_sv, copy.text_en, copy.party) == (
        first_commitment(version1).text_sv,
        first_commitment(version1).text_en,
        first_commitment(version1).party,
    )
    assert DevelopmentArea.objects.filter(agreement=draft).count() == 4
    assert PlanItem.objects.filter(area__agreement=draft).count() == 12
    assert ActionRecord.objects.about(draft).get().action_type == "compact.agreement.drafted"
    # The version in force is untouched, and one draft at a time.
    assert Agreement.objects.current() == version1
    with pytest.raises(RevisionError):
        agreement_draft_revision(agreement=version1, actor=official)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            title="x", version_label="3", status=Agreement.Status.DRAFT, previous=version1
        )


def test_only_officials_revise(version1):
    with pytest.raises(PermissionDenied):
        agreement_draft_revision(agreement=version1, actor=UserFactory())


def test_only_a_draft_is_edited(version1, official):
    principle = version1.principles.first()
    with pytest.raises(RevisionError):
        principle_save(
            draft=version1, actor=official, values={"title_sv": "Ändrad"}, principle=principle
        )
    with pytest.raises(RevisionError):
        draft_update(draft=version1, actor=official, values={"title_sv": "Ändrad"})
    with pytest.raises(RevisionError):
        commitment_delete(commitment=first_commitment(version1), actor=official)
    principle.refresh_from_db()
    assert principle.title_sv != "Ändrad"
    draft = agreement_draft_revision(agreement=version1, actor=official)
    # Adopted, the draft is never edited again either.
    agreement_adopt(draft=draft, adopted_on=datetime.date(2026, 5, 1), actor=official)
    with pytest.raises(RevisionError):
        commitment_save(
            principle=draft.principles.first(),
            actor=official,
            values={"party": "both", "text_sv": "Ny"},
        )


def test_word_diff():
    segments = word_diff(
        "Kommunen ska bjuda in årligen.", "Kommunen ska bjuda in två gånger om året."
    )
    assert [(s.kind, s.text) for s in segments] == [
        ("equal", "Kommunen ska bjuda in "),
        ("delete", "årligen."),
        ("insert", "två gånger om året."),
    ]


def test_the_differences_name_what_was_added_removed_and_changed(version1, official):
    draft = agreement_draft_revision(agreement=version1, actor=official)
    changed = Commitment.objects.get(copied_from=first_commitment(version1))
    commitment_save(
        principle=changed.principle,
        actor=official,
        commitment=changed,
        values={"party": changed.party, "text_sv": changed.text_sv + " varje år", "text_en": ""},
    )
    removed = draft.principles.order_by("position").last()
    removed.delete()
    principle_save(draft=draft, actor=official, values={"title_sv": "Öppenhet", "title_en": ""})
    differences = agreement_differences(draft)
    assert differences.counts == {"added": 1, "removed": 1 + 6, "changed": 1}
    first = differences.principles[0]
    assert first.state == "unchanged"
    assert first.commitments[0].state == "changed"
    assert [s.kind for s in first.commitments[0].text][-1] == "insert"
    assert differences.principles[-2].state == "added"
    assert differences.principles[-1].state == "removed"


def test_moving_keeps_a_tidy_order(version1, official):
    draft = agreement_draft_revision(agreement=version1, actor=official)
    first, second = draft.principles.order_by("position")[:2]
    item_move(item=second, actor=official, up=True)
    assert list(draft.principles.order_by("position")[:2]) == [second, first]


def adopt_version2(version1, official, **kwargs):
    draft = agreement_draft_revision(agreement=version1, actor=official)
    return agreement_adopt(
        draft=draft, adopted_on=datetime.date(2026, 5, 1), actor=official, **kwargs
    )


def test_adoption_supersedes_and_invites_the_signatories_once(
    version1, official, django_capture_on_commit_callbacks
):
    withdrawn = SignatureFactory(agreement=version1, withdrawn_at=timezone.now())
    signer = RepresentativeFactory(may_sign=True, organisation=OrganisationFactory())
    SignatureFactory(agreement=version1, organisation=signer.organisation)
    signatories = set(
        Signature.objects.effective()
        .filter(agreement=version1)
        .values_list("organisation", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        version2 = adopt_version2(version1, official, language="en")
    version1.refresh_from_db()
    assert version1.status == Agreement.Status.SUPERSEDED
    assert version1.superseded_on == datetime.date(2026, 5, 1)
    assert Agreement.objects.current() == version2
    assert version2.review_due == datetime.date(2030, 5, 1)
    invitations = ResigningInvitation.objects.filter(agreement=version2)
    assert set(invitations.values_list("organisation", flat=True)) == signatories
    assert withdrawn.organisation_id not in signatories
    assert set(invitations.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == len(signatories)
    message = next(m for m in mail.outbox if signer.user.email in m.to)
    assert "Version 2" in message.subject
    assert (
        reverse("principles:differences", args=[version2.pk]).replace("/sv/", "/en/")
        in (message.body)
        or "/changes/" in message.body
    )
    assert f"/organisations/{signer.organisation.pk}/sign/" in message.body
    assert message.alternatives and "/changes/" in message.alternatives[0][0]
    # Sent once: sending again finds nothing.
    assert resigning_send_pending(agreement_pk=version2.pk).sent == 0
    assert len(mail.outbox) == len(signatories)
    types = set(ActionRecord.objects.values_list("action_type", flat=True))
    assert {"compact.agreement.adopted", "compact.agreement.superseded"} <= types
    # The representative signs version 2 through the ordinary signing.
    signature_sign_online(
        organisation=signer.organisation,
        agreement=version2,
        actor=signer.user,
        signer_name="A",
        signer_role="Ordförande",
        authority=Signature.Authority.AUTHORISED_SIGNATORY,
    )
    assert Signature.objects.effective().filter(agreement=version2).count() == 1


def test_a_refused_adoption_changes_nothing(version1, official):
    SignatureFactory(agreement=version1)
    draft = agreement_draft_revision(agreement=version1, actor=official)
    with pytest.raises(RevisionError):
        agreement_adopt(draft=draft, adopted_on=datetime.date(2020, 1, 1), actor=official)
    version1.refresh_from_db()
    draft.refresh_from_db()
    assert version1.status == Agreement.Status.ADOPTED
    assert draft.status == Agreement.Status.DRAFT
    assert not ResigningInvitation.objects.exists()


class RefusingBackend:
    """A mail connection whose server refuses every message for a while (4xx)."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"try later")


def test_a_refused_message_waits_and_a_dead_workers_rows_are_taken_back(version1, official):
    SignatureFactory.create_batch(2, agreement=version1)
    with override_settings(
        MAILERS={"default": {"BACKEND": "tests.principles.test_revision.RefusingBackend"}}
    ):
        version2 = adopt_version2(version1, official)
        result = resigning_send_pending(agreement_pk=version2.pk)
    assert result.deferred == 5 and result.sent == 0
    # The sending task is queued again for when their wait is over (1 s in the tests).
    assert 0 < result.retry_in <= 1
    rows = ResigningInvitation.objects.filter(agreement=version2)
    assert set(rows.values_list("status", "attempts")) == {("pending", 1)}
    # A worker died holding the rows: the requeue takes them back and sends them.
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    rows.update(status="sending", sending_since=long_ago)
    assert resigning_requeue_stuck() == [version2.pk]
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 5


# The public pages ----------------------------------------------------------------------


def url(name, language, *args, query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


@pytest.mark.parametrize("language", ["sv", "en"])
def test_public_pages_show_each_version_with_its_own_signatories(
    client, version1, official, language, django_capture_on_commit_callbacks, settings
):
    settings.PDF_ISSUE_ON_CHANGE = True  # the sealed PDFs issued as the adoption commits
    with django_capture_on_commit_callbacks(execute=True):
        old_only = SignatureFactory(agreement=version1)
    draft = agreement_draft_revision(agreement=version1, actor=official)
    # A draft is not public.
    assert client.get(url("principles:version", language, draft.pk)).status_code == 404
    assert client.get(url("principles:differences", language, draft.pk)).status_code == 404
    changed = Commitment.objects.get(copied_from=first_commitment(version1))
    commitment_save(
        principle=changed.principle,
        actor=official,
        commitment=changed,
        values={
            "party": changed.party,
            "text_sv": "Helt ny lydelse",
            "text_en": "Wholly new wording",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        version2 = agreement_adopt(
            draft=draft, adopted_on=datetime.date(2026, 5, 1), actor=official
        )
    new_signer = SignatureFactory(agreement=version2)

    history = client.get(url("principles:history", language)).content.decode()
    assert "Version 2" in history and "Version 1" in history
    assert url("principles:differences", language, version2.pk) in history
    # Each version's sealed PDF, issued when it was adopted (and again when superseded).
    assert IssuedDocument.objects.filter(agreement=version2, language=language).exists()
    assert url("compact:agreement_document", language, version2.pk) in history
    assert url("compact:agreement_document", language, version1.pk) in history

    current = client.get(url("compact:signatories", language)).content.decode()
    assert new_signer.organisation.name in current
    assert old_only.organisation.name not in current
    older = client.get(
        url("compact:signatories", language, query=f"?version={version1.pk}")
    ).content.decode()
    assert old_only.organisation.name in older
    assert new_signer.organisation.name not in older

    changes = client.get(url("principles:differences", language, version2.pk)).content.decode()
    assert "<ins>" in changes and "<del>" in changes
    assert ("added" if language == "en" else "tillagt") in changes
    text = client.get(url("principles:version", language, version1.pk)).content.decode()
    assert first_commitment(version1).text in text or first_commitment(version1).text_sv in text


@pytest.mark.parametrize(
    "name", ["principles:history", "principles:differences", "compact:signatories"]
)
def test_public_version_pages_are_bounded(client, official, django_assert_max_num_queries, name):
    version1 = build_compact(version_label="1")
    version2 = adopt_version2(version1, official)

    def get():
        args = [version2.pk] if name == "principles:differences" else []
        query = f"?version={version1.pk}" if name == "compact:signatories" else ""
        with django_assert_max_num_queries(9):
            assert client.get(url(name, "sv", *args, query=query)).status_code == 200

    get()
    SignatureFactory.create_batch(20, agreement=version1)
    SignatureFactory.create_batch(20, agreement=version2)
    for principle in version2.principles.all()[:3]:
        principle_commitments = list(principle.commitments.all())
        for commitment in principle_commitments:
            Commitment.objects.create(principle=principle, party=commitment.party, text="ny")
    get()


def test_the_officials_draft_and_adopt_in_the_back_office(client, version1, official):
    sign_in_with_second_factor(client, official)
    SignatureFactory(agreement=version1)
    response = client.post(reverse("backoffice:draft_create"))
    draft = Agreement.objects.drafts().get()
    assert response["Location"] == reverse("backoffice:draft", args=[draft.pk])
    assert client.get(response["Location"]).status_code == 200
    principle = draft.principles.order_by("position").first()
    commitment = principle.commitments.order_by("position").first()
    response = client.post(
        reverse("backoffice:commitment_edit", args=[draft.pk, principle.pk, commitment.pk]),
        {
            "party": commitment.party,
            "text_sv": "Kommunen bjuder in två gånger om året.",
            "text_en": "",
        },
    )
    assert response.status_code == 302
    changes = client.get(reverse("backoffice:draft_differences", args=[draft.pk]))
    assert "två gånger om året" in changes.content.decode()
    # A missing date is a clear error, and nothing is adopted.
    response = client.post(reverse("backoffice:draft_adopt", args=[draft.pk]), {"language": "sv"})
    assert response.status_code == 400
    assert Agreement.objects.current() == version1
    response = client.post(
        reverse("backoffice:draft_adopt", args=[draft.pk]),
        {"adopted_on": "2026-05-01", "language": "sv", "confirm": "on"},
    )
    assert response.status_code == 302
    assert Agreement.objects.current() == draft
    assert client.get(reverse("backoffice:versions")).status_code == 200
    # An adopted version's pages in the back office are gone: it is never edited.
    assert client.get(reverse("backoffice:draft", args=[draft.pk])).status_code == 404


def test_version_text_and_the_officials_revision_pages_are_bounded(
    client, official, django_assert_max_num_queries
):
    version1 = build_compact(version_label="1")
    draft = agreement_draft_revision(agreement=version1, actor=official)
    sign_in_with_second_factor(client, official)
    pages = [
        (url("principles:version", "sv", version1.pk), 10),  # signed in: +3 (session, user, perms)
        (reverse("backoffice:versions"), 12),
        (reverse("backoffice:draft", args=[draft.pk]), 12),
        (reverse("backoffice:draft_differences", args=[draft.pk]), 12),
    ]

    def get_all():
        for path, bound in pages:
            with django_assert_max_num_queries(bound):
                assert client.get(path).status_code == 200, path

    get_all()
    for _ in range(3):
        principle = principle_save(
            draft=draft, actor=official, values={"title_sv": "Ny princip", "title_en": ""}
        )
        for party in ("municipality", "sector", "both"):
            commitment_save(
                principle=principle,
                actor=official,
                values={"party": party, "text_sv": "Nytt åtagande", "text_en": ""},
            )
    SignatureFactory.create_batch(10, agreement=version1)
    get_all()


def test_a_signatory_of_the_version_before_is_asked_to_sign_the_new_one(client, version1, official):
    representative = RepresentativeFactory(may_sign=True)
    SignatureFactory(agreement=version1, organisation=representative.organisation)
    version2 = adopt_version2(version1, official)
    client.force_login(representative.user)
    with translation.override("en"):
        page = client.get(
            reverse("organisations:dashboard", args=[representative.organisation.pk])
        ).content.decode()
        differences = reverse("principles:differences", args=[version2.pk])
        sign = reverse("compact:sign", args=[representative.organisation.pk])
    assert "Version 2 of the compact is not signed yet" in page
    assert f'href="{differences}"' in page and f'href="{sign}"' in page
