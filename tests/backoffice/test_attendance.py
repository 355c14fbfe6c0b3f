"""After the meeting, in the officials' area (item 7 of issue 9): the registration list,
attendance in one POST, walk-ins, signatures made on site at a dialogue forum (through
compact's signing service), and the minutes with an optional PDF."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from compact.models import Signature
from core.models import ActionRecord
from dialogues.models import Meeting, MeetingSignature, Registration
from dialogues.services.attendance import AttendanceError, meeting_signature_record
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SignatureFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.usefixtures("english")


def held(**fields):
    """A published meeting that took place this morning."""
    starts_at = timezone.now() - datetime.timedelta(hours=3)
    return MeetingFactory(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        registration_deadline=starts_at - datetime.timedelta(days=2),
        **fields,
    )


@pytest.fixture
def official(db):
    return OfficialFactory(totp=True)


@pytest.fixture
def official_client(client, official):
    return sign_in_with_second_factor(client, official)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_registration_list_shows_places_needs_and_the_waiting_list(official_client):
    meeting = MeetingFactory(capacity=3)
    RegistrationFactory(meeting=meeting, name="Alva", participants=2, needs="Rullstol")
    RegistrationFactory(meeting=meeting, name="Bo", participants=1)
    RegistrationFactory(meeting=meeting, name="Cecilia", status="waiting", needs="Glutenfritt")
    RegistrationFactory(meeting=meeting, name="Dan", status="cancelled")

    response = official_client.get(reverse("backoffice:meeting_registrations", args=[meeting.pk]))

    assert response.status_code == 200
    context = response.context
    assert [r.name for r in context["registered"]] == ["Alva", "Bo"]
    assert [r.name for r in context["waiting"]] == ["Cecilia"]
    assert [r.name for r in context["cancelled"]] == ["Dan"]
    page = response.content.decode()
    assert "3 people registered of 3 places" in page
    assert "1 person on the waiting list" in page
    assert "2 registrations with accessibility or dietary needs" in page
    assert "Rullstol" in page and "Glutenfritt" in page
    # Before the meeting: no attendance checkboxes yet.
    assert 'name="attended"' not in page


@pytest.mark.django_db
def test_attendance_is_marked_in_one_post_and_logged(official_client, official):
    meeting = held()
    alva, bo, cecilia = (
        RegistrationFactory(meeting=meeting, name=name) for name in ("Alva", "Bo", "Cecilia")
    )
    url = reverse("backoffice:meeting_attendance", args=[meeting.pk])

    response = official_client.post(url, {"attended": [alva.pk, cecilia.pk]})
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("name", "attended")) == {
        "Alva": True,
        "Bo": False,
        "Cecilia": True,
    }

    response = official_client.post(url, {"attended": [cecilia.pk]}, follow=True)
    assert "Attendance is saved (1 changed)." in response.content.decode()
    alva.refresh_from_db()
    assert not alva.attended
    assert [(r.action_type, r.actor) for r in alva.history()] == [
        ("dialogues.registration.not_attended", official),
        ("dialogues.registration.attended", official),
    ]
    assert not bo.history().exists()
    page = official_client.get(reverse("backoffice:meeting_registrations", args=[meeting.pk]))
    assert f'id="attended-{cecilia.pk}" checked' in page.content.decode()
    assert "1 person came" in page.content.decode()


@pytest.mark.django_db
def test_attendance_of_another_meetings_registration_or_garbage_changes_nothing(
    official_client,
):
    meeting = held()
    ours = RegistrationFactory(meeting=meeting)
    theirs = RegistrationFactory(meeting=held())
    url = reverse("backoffice:meeting_attendance", args=[meeting.pk])
    official_client.post(url, {"attended": [theirs.pk]})
    response = official_client.post(url, {"attended": ["1; DROP TABLE"]}, follow=True)
    assert "was not understood" in response.content.decode()
    assert not Registration.objects.filter(attended=True).exists()
    assert ours.history().count() == 0


@pytest.mark.django_db
def test_attendance_before_the_meeting_starts_is_refused(official_client):
    meeting = MeetingFactory()
    registration = RegistrationFactory(meeting=meeting)
    response = official_client.post(
        reverse("backoffice:meeting_attendance", args=[meeting.pk]),
        {"attended": [registration.pk]},
        follow=True,
    )
    assert "The meeting has not started yet." in response.content.decode()
    registration.refresh_from_db()
    assert not registration.attended


@pytest.mark.django_db
def test_a_walk_in_is_added_as_attended(official_client, official):
    meeting = held()
    response = official_client.post(
        reverse("backoffice:meeting_walk_in", args=[meeting.pk]),
        {
            "name": "Wilma Walk-in",
            "email": "Wilma@Example.org",
            "organisation_name": "Scouterna",
            "participants": "2",
            "needs": "",
        },
    )
    assert response.status_code == 302
    walk_in = Registration.objects.get(meeting=meeting)
    assert (walk_in.status, walk_in.walk_in, walk_in.attended, walk_in.email) == (
        "registered",
        True,
        True,
        "wilma@example.org",
    )
    record = walk_in.history().get()
    assert (record.action_type, record.actor) == ("dialogues.registration.walk_in", official)


@pytest.mark.django_db
def test_a_walk_in_already_registered_is_an_error_by_the_field(official_client):
    meeting = held()
    RegistrationFactory(meeting=meeting, email="bo@example.org")
    response = official_client.post(
        reverse("backoffice:meeting_walk_in", args=[meeting.pk]),
        {"name": "Bo", "email": "bo@example.org", "participants": "1"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "email": ["bo@example.org is registered already: tick them in the list instead."]
    }
    assert Registration.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_someone_on_the_waiting_list_who_came_gets_the_place(official_client):
    meeting = held()
    waiting = RegistrationFactory(meeting=meeting, email="cc@example.org", status="waiting")
    official_client.post(
        reverse("backoffice:meeting_walk_in", args=[meeting.pk]),
        {"name": "Cecilia", "email": "cc@example.org", "participants": "1"},
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attended, waiting.walk_in) == ("registered", True, True)
    assert Registration.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_a_signature_made_at_the_forum_goes_through_the_signing_service(
    official_client, official, compact, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = held()
    rep = RepresentativeFactory(organisation__name="Hembygdsföreningen")
    organisation = rep.organisation
    form = official_client.get(reverse("backoffice:meeting_signature", args=[meeting.pk]))
    choices = form.context["form"].fields["organisation"].queryset
    assert organisation in choices
    assert not set(choices) & {s.organisation for s in Signature.objects.all()}

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(
            reverse("backoffice:meeting_signature", args=[meeting.pk]),
            {"organisation": organisation.pk, "signer_name": "Greta Ek", "signer_role": "Ordf."},
        )

    assert response.status_code == 302
    signature = Signature.objects.get(organisation=organisation)
    assert (
        signature.channel,
        signature.signer_name,
        signature.signer_role,
        signature.agreement,
    ) == (
        "forum",
        "Greta Ek",
        "Ordf.",
        compact,
    )
    assert timezone.localtime(signature.signed_at).date() == timezone.localdate(meeting.starts_at)
    assert MeetingSignature.objects.get().signature == signature
    assert MeetingSignature.objects.get().meeting == meeting
    assert signature.history().get().action_type == "compact.signature.signed_at_forum"
    record = meeting.history().get()
    assert (record.action_type, record.actor, record.data["organisation"]) == (
        "dialogues.meeting.signed_on_site",
        official,
        "Hembygdsföreningen",
    )
    # The receipt goes to the organisation's representatives, naming the forum.
    (mail,) = mailoutbox
    assert mail.to == [rep.user.email]
    assert meeting.title_sv in mail.body
    page = official_client.get(reverse("backoffice:meeting_registrations", args=[meeting.pk]))
    assert "Greta Ek (Ordf.)" in page.content.decode()


@pytest.mark.django_db
def test_an_organisation_that_has_signed_cannot_sign_again_at_the_forum(
    official_client, official, compact
):
    meeting = held()
    signed = SignatureFactory(agreement=compact).organisation
    rejected = OrganisationFactory(verification="rejected", verification_note="A company.")
    response = official_client.post(
        reverse("backoffice:meeting_signature", args=[meeting.pk]),
        {"organisation": signed.pk, "signer_name": "X", "signer_role": "Y"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]
    choices = response.context["form"].fields["organisation"].queryset
    assert signed not in choices and rejected not in choices
    # The service refuses too (two officials at once, a stale form): the signing rules' words.
    with pytest.raises(AttendanceError, match="already signed") as error:
        meeting_signature_record(
            meeting=meeting, organisation=signed, actor=official, signer_name="X", signer_role="Y"
        )
    assert error.value.field == "organisation"
    assert Signature.objects.filter(organisation=signed).count() == 1
    assert not MeetingSignature.objects.exists()
    assert not meeting.history().exists()


@pytest.mark.django_db
def test_signing_on_site_is_only_at_a_dialogue_forum_that_has_started(official, compact):
    organisation = OrganisationFactory()
    workshop = held(kind=Meeting.Kind.WORKSHOP)
    with pytest.raises(AttendanceError, match="dialogue forum"):
        meeting_signature_record(
            meeting=workshop,
            organisation=organisation,
            actor=official,
            signer_name="X",
            signer_role="Y",
        )
    with pytest.raises(AttendanceError, match="not started"):
        meeting_signature_record(
            meeting=MeetingFactory(),
            organisation=organisation,
            actor=official,
            signer_name="X",
            signer_role="Y",
        )
    assert not Signature.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_minutes_are_published_with_a_pdf_on_the_meeting_page(official_client, official, client):
    meeting = held()
    response = official_client.post(
        reverse("backoffice:meeting_minutes", args=[meeting.pk]),
        {
            "minutes": "Vi talade om lokalerna.",
            "document": SimpleUploadedFile("protokoll.html", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is not None
    assert meeting.minutes_document.name.startswith("minutes/")
    assert meeting.minutes_document.name.endswith(".pdf")  # by its bytes, not its name
    record = meeting.history().get()
    assert (record.action_type, record.actor, record.data) == (
        "dialogues.meeting.minutes_published",
        official,
        {"document": True, "again": False},
    )

    public = client.get(reverse("dialogues:meeting", args=[meeting.pk]))
    assert "Vi talade om lokalerna." in public.content.decode()
    document_url = reverse("dialogues:minutes_document", args=[meeting.pk])
    assert document_url in public.content.decode()
    document = client.get(document_url)
    assert document["Content-Type"] == "application/pdf"
    assert document["X-Content-Type-Options"] == "nosniff"
    assert b"".join(document.streaming_content) == pdf_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "The file is not a PDF document."),
        (b"%PDF-1.7\nnot really", "The PDF document cannot be read."),
    ],
)
def test_minutes_with_a_bad_pdf_are_refused_and_nothing_is_saved(official_client, content, message):
    meeting = held()
    response = official_client.post(
        reverse("backoffice:meeting_minutes", args=[meeting.pk]),
        {"minutes": "Text", "document": SimpleUploadedFile("minutes.pdf", content)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"document": [message]}
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_document.name, meeting.minutes_published_at) == (
        "",
        "",
        None,
    )
    assert not ActionRecord.objects.filter(action_type__startswith="dialogues.meeting").exists()


@pytest.mark.django_db
def test_minutes_with_a_pdf_over_the_limit_are_refused_and_the_text_kept(official_client, settings):
    settings.UPLOAD_MAX_BYTES = 2_000
    meeting = held()
    too_big = pdf_bytes() + b"%" * 2_000  # a readable PDF, with a long comment after it
    response = official_client.post(
        reverse("backoffice:meeting_minutes", args=[meeting.pk]),
        {"minutes": "Vi sågs i sal A.", "document": SimpleUploadedFile("m.pdf", too_big)},
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["document"]
    assert error.startswith("The file is too large")
    assert "Vi sågs i sal A." in response.content.decode()  # what was written is kept
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_document.name) == ("", "")


@pytest.mark.django_db
def test_minutes_published_again_replace_the_pdf_and_delete_the_old_file(
    official_client, django_capture_on_commit_callbacks
):
    meeting = held()
    url = reverse("backoffice:meeting_minutes", args=[meeting.pk])
    official_client.post(
        url, {"minutes": "First", "document": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    meeting.refresh_from_db()
    first = meeting.minutes_document.name
    storage = meeting.minutes_document.storage
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(url, {"minutes": "Second", "remove_document": "on"})
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_document.name) == ("Second", "")
    assert not storage.exists(first)
    assert meeting.history().first().data == {"document": False, "again": True}
    assert (
        official_client.get(reverse("dialogues:minutes_document", args=[meeting.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_minutes_of_a_meeting_that_has_not_started_are_refused(official_client):
    meeting = MeetingFactory()
    response = official_client.post(
        reverse("backoffice:meeting_minutes", args=[meeting.pk]), {"minutes": "Too early"}
    )
    assert response.status_code == 400
    assert "The meeting has not started yet." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("registrations", [5, 50])
def test_registration_list_queries_do_not_grow_with_registrations(
    official_client, django_assert_max_num_queries, registrations, compact
):
    meeting = held(capacity=None)
    RegistrationFactory.create_batch(registrations, meeting=meeting, needs="Kaffe")
    RegistrationFactory.create_batch(registrations // 5, meeting=meeting, status="waiting")
    RegistrationFactory.create_batch(registrations // 5, meeting=meeting, status="cancelled")
    for organisation in OrganisationFactory.create_batch(registrations // 5):
        meeting_signature_record(
            meeting=meeting,
            organisation=organisation,
            actor=OfficialFactory(),
            signer_name="S",
            signer_role="R",
        )
    url = reverse("backoffice:meeting_registrations", args=[meeting.pk])
    with django_assert_max_num_queries(10):
        response = official_client.get(url)
    assert len(response.context["registered"]) == registrations
