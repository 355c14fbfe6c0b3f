"""Meetings in the officials' area: the list, a meeting's page, and the forms that create,
edit, publish, cancel and copy one, each bad value answered next to its field."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.models import ActionRecord
from dialogues.models import Meeting, Registration
from dialogues.services.meetings import meeting_update
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    PublicPartyFactory,
    RegistrationFactory,
    RepresentativeFactory,
    in_days,
)
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def official(client):
    user = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, user)
    return user


def local(moment: datetime.datetime) -> str:
    """As a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(hosts, **overrides):
    starts = in_days(60)
    data = {
        "kind": "dialogue_forum",
        "title_sv": "Dialogforum våren",
        "title_en": "Spring dialogue forum",
        "description_sv": "Vi samtalar om överenskommelsen.",
        "description_en": "",
        "agenda_sv": "Välkommen\nSamtal",
        "agenda_en": "",
        "place": "Stadshuset",
        "address": "Storgatan 1",
        "online_link": "",
        "starts_at": local(starts),
        "ends_at": local(starts + datetime.timedelta(hours=3)),
        "registration_deadline": local(starts - datetime.timedelta(days=7)),
        "capacity": "40",
        "waiting_list": "on",
        "language": "sv",
        "organiser_name": "Tilda Tjänstesson",
        "organiser_email": "dialog@example.org",
        "organiser_phone": "08-123 456",
        "public_parties": [host.pk for host in hosts],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_official_creates_a_meeting_as_a_draft(client, official):
    hosts = [PublicPartyFactory(), PublicPartyFactory()]

    response = client.post(reverse("backoffice:meeting_create"), form_data(hosts))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:meeting", args=[meeting.pk])
    assert meeting.status == Meeting.Status.DRAFT
    assert (meeting.title_sv, meeting.title_en) == ("Dialogforum våren", "Spring dialogue forum")
    assert set(meeting.public_parties.all()) == set(hosts)
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "18:00"
    assert meeting.capacity == 40
    assert ActionRecord.objects.about(meeting).get().actor == official


def test_new_meeting_form_has_datetime_inputs_and_host_checkboxes(client, official):
    PublicPartyFactory(name="Exempelstads kommun")

    content = client.get(reverse("backoffice:meeting_create")).content.decode()

    assert content.count('type="datetime-local"') == 3
    assert 'type="checkbox" class="form-check-input"  name="public_parties"' in content
    assert "Exempelstads kommun" in content


STARTS = in_days(60)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_at": local(STARTS - datetime.timedelta(hours=1))},
            "ends_at",
            "The meeting must end after it starts.",
        ),
        (
            {"registration_deadline": local(STARTS + datetime.timedelta(hours=1))},
            "registration_deadline",
            "The registration deadline must be at the latest when the meeting starts.",
        ),
        (
            {"capacity": "0"},
            "capacity",
            "A meeting with a limit has at least one place. Leave the field empty for no limit.",
        ),
        ({"capacity": "-3"}, "capacity", "Ensure this value is greater than or equal to 0."),
        ({"title_sv": ""}, "title_sv", "Give the meeting a title in Swedish."),
        ({"public_parties": None}, "public_parties", "Choose at least one host."),
        (
            {"place": "", "online_link": ""},
            "place",
            "Give a place, a link to join online, or both.",
        ),
        ({"online_link": "javascript:alert(1)"}, "online_link", "Enter a valid URL."),
        ({"starts_at": "the day after tomorrow"}, "starts_at", "Enter a valid date/time."),
        ({"organiser_email": "nobody"}, "organiser_email", "Enter a valid email address."),
        ({"title_sv": "Dialog\u202eforum"}, "title_sv", None),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(
    client, official, overrides, field, message
):
    data = form_data([PublicPartyFactory()], **overrides)

    response = client.post(reverse("backoffice:meeting_create"), data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
        assert message in response.content.decode()
    assert f'id="id_{field}' in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_time_that_does_not_exist_in_sweden_is_refused_not_a_crash(client, official):
    # Clocks go from 02:00 to 03:00 on the last Sunday of March.
    data = form_data(
        [PublicPartyFactory()],
        starts_at="2031-03-30T02:30",
        ends_at="2031-03-30T05:00",
        registration_deadline="2031-03-20T12:00",
    )

    response = client.post(reverse("backoffice:meeting_create"), data)

    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors
    assert Meeting.objects.count() == 0


def test_capacity_below_the_people_registered_is_refused_on_edit(client, official):
    meeting = MeetingFactory(capacity=20, title_sv="Före")
    RegistrationFactory(meeting=meeting, participants=4)
    RegistrationFactory(meeting=meeting, participants=3)
    RegistrationFactory(meeting=meeting, participants=5, status=Registration.Status.WAITING)
    data = form_data(
        list(meeting.public_parties.all()),
        title_sv="Efter",
        capacity="6",
        starts_at=local(meeting.starts_at),
        ends_at=local(meeting.ends_at),
        registration_deadline=local(meeting.registration_deadline),
    )

    response = client.post(reverse("backoffice:meeting_edit", args=[meeting.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors["capacity"] == [
        "7 people are already registered: the meeting needs at least that many places."
    ]
    meeting.refresh_from_db()
    assert (meeting.capacity, meeting.title_sv) == (20, "Före")


def test_edit_form_shows_the_meeting_as_it_is(client, official):
    meeting = MeetingFactory(title_sv="Höstens forum")

    response = client.get(reverse("backoffice:meeting_edit", args=[meeting.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="Höstens forum"' in content
    assert f'value="{local(meeting.starts_at)}"' in content
    assert "everyone registered is e-mailed" in content


def test_editing_the_place_of_a_published_meeting_tells_those_registered(
    client, official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="plats@example.org", language="sv")
    data = form_data(
        list(meeting.public_parties.all()),
        title_sv=meeting.title_sv,
        title_en=meeting.title_en,
        description_sv=meeting.description_sv,
        description_en=meeting.description_en,
        agenda_sv=meeting.agenda_sv,
        agenda_en=meeting.agenda_en,
        place="Folkets hus",
        address=meeting.address,
        starts_at=local(meeting.starts_at),
        ends_at=local(meeting.ends_at),
        registration_deadline=local(meeting.registration_deadline),
        capacity=str(meeting.capacity),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:meeting_edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Folkets hus"
    assert [m.to for m in mailoutbox] == [["plats@example.org"]]
    record = ActionRecord.objects.about(meeting).get()
    assert record.data["place"] == ["Stadshuset, sal A", "Folkets hus"]


def test_official_publishes_a_draft(client, official):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    url = reverse("backoffice:meeting_publish", args=[meeting.pk])

    assert client.get(url)["Location"] == reverse("backoffice:meeting", args=[meeting.pk])
    response = client.post(url)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    again = client.post(url, follow=True)
    assert "The meeting is already published." in again.content.decode()


def test_official_cancels_with_a_reason_shown_publicly(
    client, official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting)
    url = reverse("backoffice:meeting_cancel", args=[meeting.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why the meeting is cancelled."]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The hall is closed for repairs."})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert len(mailoutbox) == 1
    public = Client().get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()
    assert "The hall is closed for repairs." in public
    # A second cancel (another tab) says so instead of failing.
    again = client.get(url, follow=True).content.decode()
    assert "The meeting is already cancelled." in again


def test_a_draft_cannot_be_cancelled(client, official):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)

    response = client.post(
        reverse("backoffice:meeting_cancel", args=[meeting.pk]), {"reason": "x"}, follow=True
    )

    assert "nothing to cancel" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_a_meeting_that_took_place_cannot_be_cancelled(client, official):
    meeting = MeetingFactory(starts_at=in_days(-1), ends_at=in_days(-1, hour=21))
    page = reverse("backoffice:meeting", args=[meeting.pk])
    cancel = reverse("backoffice:meeting_cancel", args=[meeting.pk])

    assert cancel not in client.get(page).content.decode()
    response = client.post(cancel, {"reason": "Fel möte"}, follow=True)

    assert response.redirect_chain == [(page, 302)]
    assert "can no longer be cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_a_cancelled_meeting_cannot_be_edited(client, official):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED, cancellation_reason="Sjukdom")

    response = client.get(reverse("backoffice:meeting_edit", args=[meeting.pk]), follow=True)

    assert "A cancelled meeting cannot be changed." in response.content.decode()


def test_copy_starts_from_the_content_and_asks_for_dates(client, official):
    hosts = [PublicPartyFactory(), PublicPartyFactory()]
    original = MeetingFactory(title_sv="Dialogforum hösten", public_parties=hosts, capacity=80)
    url = reverse("backoffice:meeting_copy", args=[original.pk])

    form = client.get(url).context["form"]
    assert form.initial["title_sv"] == "Dialogforum hösten"
    assert form.initial["capacity"] == 80
    assert set(form.initial["public_parties"]) == set(hosts)
    assert "starts_at" not in form.initial

    starts = in_days(250)
    data = form_data(
        hosts,
        title_sv="Dialogforum hösten",
        starts_at=local(starts),
        ends_at=local(starts + datetime.timedelta(hours=2)),
        registration_deadline=local(starts - datetime.timedelta(days=5)),
    )
    response = client.post(url, data)

    copy = Meeting.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("backoffice:meeting", args=[copy.pk])
    assert copy.status == Meeting.Status.DRAFT
    assert ActionRecord.objects.about(copy).get().action_type == "dialogues.meeting.copied"


def test_copy_without_dates_is_refused(client, official):
    original = MeetingFactory()

    response = client.post(
        reverse("backoffice:meeting_copy", args=[original.pk]),
        form_data(list(original.public_parties.all()), starts_at="", ends_at=""),
    )

    assert response.status_code == 400
    assert {"starts_at", "ends_at"} <= set(response.context["form"].errors)
    assert Meeting.objects.count() == 1


def test_meeting_page_shows_counts_actions_and_history(client, official):
    meeting = MeetingFactory(capacity=30, status=Meeting.Status.DRAFT)

    client.post(reverse("backoffice:meeting_publish", args=[meeting.pk]))
    RegistrationFactory(meeting=meeting, participants=2)
    RegistrationFactory(meeting=meeting, status=Registration.Status.WAITING)
    content = client.get(reverse("backoffice:meeting", args=[meeting.pk])).content.decode()

    assert "2 people of 30 places" in content
    assert "1 on the waiting list" in content
    assert "Published the meeting" in content
    assert reverse("backoffice:meeting_cancel", args=[meeting.pk]) in content
    assert reverse("dialogues:meeting", args=[meeting.pk]) in content


def test_meeting_history_names_the_changed_fields_in_the_pages_language(client, official):
    meeting = MeetingFactory(place="Stadshuset, sal A")
    meeting_update(meeting=meeting, actor=official, place="Folkets hus")

    with translation.override("sv"):
        swedish = client.get(reverse("backoffice:meeting", args=[meeting.pk])).content.decode()
    english = client.get(reverse("backoffice:meeting", args=[meeting.pk])).content.decode()

    assert "plats: Stadshuset, sal A → Folkets hus" in swedish
    assert "place:" not in swedish
    assert "place: Stadshuset, sal A → Folkets hus" in english


def test_meeting_list_shows_upcoming_and_past_meetings_with_drafts(client, official):
    upcoming = MeetingFactory(title_en="Spring forum", capacity=12)
    RegistrationFactory.create_batch(3, meeting=upcoming)
    draft = MeetingFactory(status=Meeting.Status.DRAFT, starts_at=in_days(90))
    past = MeetingFactory(
        starts_at=in_days(-20), ends_at=in_days(-20, hour=21), registration_deadline=in_days(-30)
    )

    response = client.get(reverse("backoffice:meetings"))

    assert response.context["upcoming"] == [upcoming, draft]
    assert list(response.context["page_obj"]) == [past]
    content = response.content.decode()
    assert "3 / 12" in content
    assert "Draft" in content


def test_meeting_list_queries_are_bounded(client, official, django_assert_max_num_queries):
    url = reverse("backoffice:meetings")
    for count in (2, 20):
        for _ in range(count):
            meeting = MeetingFactory(public_parties=[PublicPartyFactory(), PublicPartyFactory()])
            RegistrationFactory.create_batch(2, meeting=meeting)
            MeetingFactory(
                starts_at=in_days(-40),
                ends_at=in_days(-40, hour=20),
                registration_deadline=in_days(-50),
            )
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_meeting_page_queries_are_bounded(client, official, django_assert_max_num_queries):
    meeting = MeetingFactory()
    url = reverse("backoffice:meeting", args=[meeting.pk])
    for count in (1, 20):
        RegistrationFactory.create_batch(count, meeting=meeting)
        for _ in range(count):
            client.post(reverse("backoffice:meeting_publish", args=[meeting.pk]))
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_a_representative_cannot_reach_the_meetings(client):
    client.force_login(RepresentativeFactory().user)
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)

    assert client.get(reverse("backoffice:meetings")).status_code == 403
    assert client.post(reverse("backoffice:meeting_publish", args=[meeting.pk])).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_the_meetings_tab_is_in_the_officials_navigation(client, official):
    with translation.override("sv"):
        content = client.get(reverse("backoffice:dashboard")).content.decode()
        url = reverse("backoffice:meetings")
    assert f'href="{url}"' in content
