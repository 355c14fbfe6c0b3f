"""Meetings: the services that schedule them (officials only, each refusal with its field,
nothing half-saved, the news to those registered) and the public pages that show them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import ActionRecord
from dialogues.models import Meeting, Registration
from dialogues.services.meetings import (
    MeetingError,
    meeting_cancel,
    meeting_copy,
    meeting_create,
    meeting_publish,
    meeting_update,
)
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    PublicPartyFactory,
    RegistrationFactory,
    RepresentativeFactory,
    in_days,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def official():
    return OfficialFactory()


def fields(**overrides):
    """What an official fills in for a new meeting."""
    starts = in_days(60)
    values = {
        "kind": Meeting.Kind.DIALOGUE_FORUM,
        "title_sv": "Dialogforum våren",
        "title_en": "Spring dialogue forum",
        "description_sv": "Vi samtalar.",
        "description_en": "We talk.",
        "agenda_sv": "Välkommen",
        "agenda_en": "Welcome",
        "place": "Stadshuset",
        "address": "Storgatan 1",
        "online_link": "",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "registration_deadline": starts - datetime.timedelta(days=7),
        "capacity": 40,
        "waiting_list": True,
        "language": "sv",
        "organiser_name": "Tilda Tjänstesson",
        "organiser_email": "dialog@example.org",
        "organiser_phone": "",
    }
    return {**values, **overrides}


def actions(meeting):
    return list(ActionRecord.objects.about(meeting).values_list("action_type", flat=True))


# -- create ------------------------------------------------------------------------------


def test_meeting_create_makes_a_draft_with_its_hosts_and_records_it(official):
    hosts = [PublicPartyFactory(), PublicPartyFactory()]

    meeting = meeting_create(actor=official, public_parties=hosts, **fields())

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert (meeting.title_sv, meeting.title_en) == ("Dialogforum våren", "Spring dialogue forum")
    assert set(meeting.public_parties.all()) == set(hosts)
    assert meeting.sequence == 0
    assert actions(meeting) == ["dialogues.meeting.created"]
    assert ActionRecord.objects.about(meeting).get().actor == official


def test_meeting_create_refuses_someone_who_is_not_an_official():
    representative = RepresentativeFactory().user

    with pytest.raises(PermissionDenied):
        meeting_create(actor=representative, public_parties=[PublicPartyFactory()], **fields())

    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": in_days(60) - datetime.timedelta(hours=1)}, "ends_at"),
        ({"ends_at": in_days(60)}, "ends_at"),
        (
            {"registration_deadline": in_days(60) + datetime.timedelta(minutes=1)},
            "registration_deadline",
        ),
        ({"capacity": 0}, "capacity"),
        ({"title_sv": "  "}, "title_sv"),
        ({"place": "", "online_link": ""}, "place"),
        ({"organiser_email": "not an address"}, "organiser_email"),
    ],
)
def test_meeting_create_refuses_bad_values_by_field_and_saves_nothing(official, overrides, field):
    with pytest.raises(ValidationError) as refused:
        meeting_create(actor=official, public_parties=[PublicPartyFactory()], **fields(**overrides))

    assert field in refused.value.message_dict
    assert Meeting.objects.count() == 0
    assert not ActionRecord.objects.filter(action_type__startswith="dialogues.").exists()


def test_meeting_create_refuses_a_meeting_without_a_host(official):
    with pytest.raises(ValidationError) as refused:
        meeting_create(actor=official, public_parties=[], **fields())

    assert "public_parties" in refused.value.message_dict
    assert Meeting.objects.count() == 0


def test_meeting_create_online_only_needs_no_place(official):
    meeting = meeting_create(
        actor=official,
        public_parties=[PublicPartyFactory()],
        **fields(place="", address="", online_link="https://meet.example.org/forum"),
    )

    assert meeting.online_link == "https://meet.example.org/forum"


# -- update ------------------------------------------------------------------------------


def test_meeting_update_records_what_changed_from_and_to(official):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT, capacity=50)

    changed = meeting_update(meeting=meeting, actor=official, title_sv="Nytt namn", capacity=60)

    assert sorted(changed) == ["capacity", "title_sv"]
    meeting.refresh_from_db()
    assert (meeting.title_sv, meeting.capacity) == ("Nytt namn", 60)
    record = ActionRecord.objects.about(meeting).get()
    assert record.action_type == "dialogues.meeting.changed"
    assert record.data["capacity"] == ["50", "60"]
    assert record.data["title_sv"][1] == "Nytt namn"


def test_meeting_update_without_a_change_records_nothing(official):
    meeting = MeetingFactory(title_en=None)

    assert meeting_update(meeting=meeting, actor=official, title_sv=meeting.title_sv) == []
    # An empty field from the form is the empty translation in the database.
    assert meeting_update(meeting=meeting, actor=official, title_en="") == []
    assert actions(meeting) == []


def test_meeting_update_refuses_capacity_below_the_people_registered(official):
    meeting = MeetingFactory(capacity=10, title_sv="Före")
    RegistrationFactory(meeting=meeting, participants=3)
    RegistrationFactory(meeting=meeting, participants=2)
    # Neither the waiting list nor cancellations hold a place.
    RegistrationFactory(meeting=meeting, participants=4, status=Registration.Status.WAITING)
    RegistrationFactory(meeting=meeting, participants=4, status=Registration.Status.CANCELLED)

    with pytest.raises(ValidationError) as refused:
        meeting_update(meeting=meeting, actor=official, capacity=4, title_sv="Efter")

    assert refused.value.message_dict["capacity"] == [
        "5 people are already registered: the meeting needs at least that many places."
    ]
    meeting.refresh_from_db()
    assert (meeting.capacity, meeting.title_sv) == (10, "Före")  # nothing half-saved
    assert actions(meeting) == []
    # As many places as people registered is fine.
    meeting_update(meeting=meeting, actor=official, capacity=5)
    meeting.refresh_from_db()
    assert meeting.capacity == 5


def test_more_places_move_people_up_from_the_waiting_list(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(capacity=2)
    RegistrationFactory(meeting=meeting, participants=2)
    first = RegistrationFactory(meeting=meeting, status=Registration.Status.WAITING)
    second = RegistrationFactory(
        meeting=meeting, participants=3, status=Registration.Status.WAITING
    )

    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, actor=official, capacity=4)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED
    assert second.status == Registration.Status.WAITING  # three people do not fit in one place
    assert [m.to for m in mailoutbox] == [[first.email]]


def test_meeting_update_refuses_an_end_before_the_start(official):
    meeting = MeetingFactory()
    ends_at = meeting.ends_at

    with pytest.raises(ValidationError) as refused:
        meeting_update(
            meeting=meeting, actor=official, ends_at=meeting.starts_at - datetime.timedelta(hours=1)
        )

    assert list(refused.value.message_dict) == ["ends_at"]
    meeting.refresh_from_db()
    assert meeting.ends_at == ends_at


def test_meeting_update_refuses_a_non_official():
    meeting = MeetingFactory()

    with pytest.raises(PermissionDenied):
        meeting_update(meeting=meeting, actor=RepresentativeFactory().user, title_sv="X")


def test_meeting_update_refuses_a_cancelled_meeting(official):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED, cancellation_reason="Sjukdom")

    with pytest.raises(MeetingError):
        meeting_update(meeting=meeting, actor=official, title_sv="Nytt")


def test_changing_the_time_of_a_published_meeting_emails_everyone_registered(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    registered = RegistrationFactory(meeting=meeting, email="plats@example.org")
    waiting = RegistrationFactory(
        meeting=meeting, email="kö@example.org", status=Registration.Status.WAITING
    )
    RegistrationFactory(
        meeting=meeting, email="avbokad@example.org", status=Registration.Status.CANCELLED
    )
    later = meeting.starts_at + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        changed = meeting_update(
            meeting=meeting,
            actor=official,
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=2),
            place="Folkets hus",
        )

    assert sorted(changed) == ["ends_at", "place", "starts_at"]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [registered.email, waiting.email]
    )


def test_changing_only_the_text_of_a_published_meeting_emails_no_one(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(meeting=meeting, actor=official, description_sv="Ny text", capacity=70)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mailoutbox == []


def test_changing_the_time_of_a_draft_emails_no_one_and_keeps_the_sequence(
    official, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)

    with django_capture_on_commit_callbacks() as callbacks:
        meeting_update(
            meeting=meeting,
            actor=official,
            starts_at=meeting.starts_at + datetime.timedelta(hours=1),
            ends_at=meeting.ends_at + datetime.timedelta(hours=1),
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert [c for c in callbacks if "send_meeting" in repr(c)] == []


def test_meeting_update_changes_the_hosts(official):
    first, second = PublicPartyFactory(name="Aby kommun"), PublicPartyFactory(name="Bby kommun")
    meeting = MeetingFactory(public_parties=[first])

    changed = meeting_update(meeting=meeting, actor=official, public_parties=[first, second])

    assert changed == ["public_parties"]
    assert set(meeting.public_parties.all()) == {first, second}
    record = ActionRecord.objects.about(meeting).get()
    assert record.data["public_parties"] == ["Aby kommun", "Aby kommun, Bby kommun"]


# -- publish, cancel, copy -------------------------------------------------------------


def test_meeting_publish_makes_a_draft_public(official):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)

    meeting_publish(meeting=meeting, actor=official)

    assert meeting.status == Meeting.Status.PUBLISHED
    assert actions(meeting) == ["dialogues.meeting.published"]
    with pytest.raises(MeetingError, match="already published"):
        meeting_publish(meeting=meeting, actor=official)


def test_meeting_publish_refuses_a_non_official():
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)

    with pytest.raises(PermissionDenied):
        meeting_publish(meeting=meeting, actor=RepresentativeFactory().user)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_meeting_cancel_keeps_the_reason_and_tells_everyone_registered(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="plats@example.org")
    RegistrationFactory(meeting=meeting, email="kö@example.org", status="waiting")

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=official, reason="  Lokalen har brunnit.  ")

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancellation_reason == "Lokalen har brunnit."
    assert meeting.cancelled_at is not None
    assert meeting.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["kö@example.org", "plats@example.org"]
    record = ActionRecord.objects.about(meeting).get()
    assert (record.action_type, record.data) == (
        "dialogues.meeting.cancelled",
        {"reason": "Lokalen har brunnit."},
    )


def test_meeting_cancel_needs_a_reason(official):
    meeting = MeetingFactory()

    with pytest.raises(ValidationError) as refused:
        meeting_cancel(meeting=meeting, actor=official, reason="   ")

    assert "reason" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_meeting_cancel_refuses_a_draft_and_a_cancelled_meeting(official):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    cancelled = MeetingFactory(status=Meeting.Status.CANCELLED, cancellation_reason="Sjukdom")

    with pytest.raises(MeetingError, match="nothing to cancel"):
        meeting_cancel(meeting=draft, actor=official, reason="Vi ångrar oss")
    with pytest.raises(MeetingError, match="already cancelled"):
        meeting_cancel(meeting=cancelled, actor=official, reason="Igen")

    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_meeting_cancel_refuses_a_meeting_that_took_place_and_emails_no_one(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    past = MeetingFactory(starts_at=in_days(-2), ends_at=in_days(-2, hour=21))
    RegistrationFactory(meeting=past, attended=True)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(MeetingError, match="taken place"),
    ):
        meeting_cancel(meeting=past, actor=official, reason="Fel möte")

    past.refresh_from_db()
    assert (past.status, past.sequence, past.cancellation_reason) == ("published", 0, "")
    assert mailoutbox == []
    assert not ActionRecord.objects.filter(action_type="dialogues.meeting.cancelled").exists()


def test_correcting_the_place_of_a_meeting_that_took_place_emails_no_one(
    official, mailoutbox, django_capture_on_commit_callbacks
):
    past = MeetingFactory(starts_at=in_days(-2), ends_at=in_days(-2, hour=21))
    RegistrationFactory(meeting=past, attended=True)

    with django_capture_on_commit_callbacks(execute=True):
        changed = meeting_update(meeting=past, actor=official, place="Folkets hus, sal B")

    assert changed == ["place"]
    past.refresh_from_db()
    assert past.sequence == 1  # subscribed calendars still replace the event
    assert mailoutbox == []


def test_meeting_cancel_refuses_a_non_official():
    meeting = MeetingFactory()

    with pytest.raises(PermissionDenied):
        meeting_cancel(meeting=meeting, actor=RepresentativeFactory().user, reason="Nej")


def test_meeting_copy_makes_a_new_draft_with_new_dates_and_names_the_original(official):
    hosts = [PublicPartyFactory(), PublicPartyFactory()]
    original = MeetingFactory(public_parties=hosts, title_sv="Dialogforum hösten")
    starts = in_days(200)

    copy = meeting_copy(
        meeting=original,
        actor=official,
        public_parties=hosts,
        **fields(
            title_sv="Dialogforum hösten",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            registration_deadline=starts - datetime.timedelta(days=3),
        ),
    )

    assert copy.pk != original.pk
    assert copy.status == Meeting.Status.DRAFT
    assert copy.starts_at == starts
    assert set(copy.public_parties.all()) == set(hosts)
    record = ActionRecord.objects.about(copy).get()
    assert (record.action_type, record.data) == (
        "dialogues.meeting.copied",
        {"from": f"#{original.pk} Dialogforum hösten"},
    )
    original.refresh_from_db()
    assert original.status == Meeting.Status.PUBLISHED


def test_meeting_copy_refuses_bad_dates_and_saves_nothing(official):
    original = MeetingFactory()

    with pytest.raises(ValidationError):
        meeting_copy(
            meeting=original,
            actor=official,
            public_parties=[PublicPartyFactory()],
            **fields(registration_deadline=in_days(61)),
        )

    assert Meeting.objects.count() == 1


def test_the_database_refuses_what_the_services_refuse():
    """The constraints hold even for code that skips the services."""
    from django.db import IntegrityError, transaction

    for bad in (
        {"capacity": 0},
        {"registration_deadline": in_days(31)},
        {"status": Meeting.Status.CANCELLED, "cancellation_reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            MeetingFactory(**bad)


# -- the public pages --------------------------------------------------------------------


def test_public_list_shows_upcoming_and_past_meetings_but_no_drafts(client):
    upcoming = MeetingFactory(title_en="Spring forum")
    past = MeetingFactory(
        title_en="Last year's forum",
        starts_at=in_days(-300),
        ends_at=in_days(-300) + datetime.timedelta(hours=2),
        registration_deadline=in_days(-310),
    )
    cancelled = MeetingFactory(
        title_en="Called-off workshop",
        starts_at=in_days(40),
        status=Meeting.Status.CANCELLED,
        cancellation_reason="Too few registered.",
    )
    MeetingFactory(title_en="Secret draft", status=Meeting.Status.DRAFT)

    response = client.get(reverse("dialogues:list"))

    assert response.status_code == 200
    assert response.context["upcoming"] == [upcoming, cancelled]
    assert list(response.context["page_obj"]) == [past]
    content = response.content.decode()
    assert "Spring forum" in content
    assert "Last year&#x27;s forum" in content
    assert "Called-off workshop" in content
    assert "Cancelled" in content
    assert "Secret draft" not in content


def test_public_list_in_swedish_shows_the_swedish_titles(client):
    from django.utils import translation

    MeetingFactory(title_sv="Vårens dialogforum", title_en="Spring forum")
    with translation.override("sv"):
        url = reverse("dialogues:list")

    content = client.get(url).content.decode()

    assert "Vårens dialogforum" in content
    assert "Spring forum" not in content
    assert "Möten" in content or "Meetings" in content


def test_public_page_shows_what_when_where_and_places_left(client):
    host = PublicPartyFactory(name="Exempelstads kommun")
    meeting = MeetingFactory(
        title_en="Spring forum",
        public_parties=[host],
        capacity=10,
        starts_at=timezone.make_aware(datetime.datetime(2031, 4, 22, 18, 0)),
        ends_at=timezone.make_aware(datetime.datetime(2031, 4, 22, 21, 0)),
        registration_deadline=timezone.make_aware(datetime.datetime(2031, 4, 15, 23, 59)),
    )
    RegistrationFactory(meeting=meeting, participants=3)

    response = client.get(reverse("dialogues:meeting", args=[meeting.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Spring forum</h1>" in content
    assert "Exempelstads kommun" in content
    assert "Tuesday 22 April 2031, 18:00" in content
    assert "21:00" in content
    assert "Stadshuset, sal A" in content
    assert "7 places left" in content
    assert "Tuesday 15 April 2031, 23:59" in content
    assert "Welcome" in content  # the agenda
    assert reverse("dialogues:meeting_ics", args=[meeting.pk]) in content


def test_public_page_of_a_full_meeting_says_so(client):
    with_queue = MeetingFactory(capacity=2, waiting_list=True)
    without_queue = MeetingFactory(capacity=2, waiting_list=False)
    for meeting in (with_queue, without_queue):
        RegistrationFactory(meeting=meeting, participants=2)

    queued = client.get(reverse("dialogues:meeting", args=[with_queue.pk])).content.decode()
    closed = client.get(reverse("dialogues:meeting", args=[without_queue.pk])).content.decode()

    assert "Full – waiting list" in queued
    assert "Registration is closed." not in queued
    assert "Full" in closed
    assert "Registration is closed." in closed


def test_public_page_of_a_cancelled_meeting_gives_the_reason(client):
    meeting = MeetingFactory(
        status=Meeting.Status.CANCELLED, cancellation_reason="The hall is being repaired."
    )

    content = client.get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()

    assert "The meeting is cancelled" in content
    assert "The hall is being repaired." in content
    assert "Register" not in content.replace("Register by", "")


def test_public_page_after_the_deadline_says_registration_is_closed(client):
    meeting = MeetingFactory(
        starts_at=in_days(2), ends_at=in_days(2, hour=20), registration_deadline=in_days(-1)
    )

    content = client.get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()

    assert "Registration is closed." in content
    assert not meeting.registration_open()


def test_public_page_shows_published_minutes_only(client):
    meeting = MeetingFactory(
        starts_at=in_days(-30),
        ends_at=in_days(-30, hour=21),
        registration_deadline=in_days(-40),
        minutes="We agreed to meet again in the autumn.",
    )
    url = reverse("dialogues:meeting", args=[meeting.pk])

    assert "We agreed" not in client.get(url).content.decode()

    meeting.minutes_published_at = timezone.now()
    meeting.save()
    content = client.get(url).content.decode()
    assert "<h2>Minutes</h2>" in content
    assert "We agreed to meet again in the autumn." in content


@pytest.mark.parametrize(
    "written",
    [
        {"description_en": "<script>alert(1)</script>"},
        {"agenda_en": "Välkommen\n<script>alert(1)</script>"},
        {
            "minutes": "Vi sågs.\n\n<script>alert(1)</script>",
            "minutes_published_at": timezone.now(),
        },
        {
            "status": Meeting.Status.CANCELLED,
            "cancellation_reason": "Sjukdom\n<script>alert(1)</script>",
        },
        {"organiser_name": "<script>alert(1)</script>"},
    ],
    ids=["description", "agenda", "minutes", "cancellation", "organiser"],
)
def test_public_page_escapes_what_officials_wrote(client, written):
    meeting = MeetingFactory(**written)

    content = client.get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_draft_is_not_found_by_the_public(client):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)

    assert client.get(reverse("dialogues:meeting", args=[draft.pk])).status_code == 404
    assert client.get(reverse("dialogues:meeting_ics", args=[draft.pk])).status_code == 404
    assert client.get(reverse("dialogues:meeting", args=[99999])).status_code == 404


def test_a_draft_is_not_found_by_an_official_on_the_public_pages(client):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    client.force_login(OfficialFactory())

    assert client.get(reverse("dialogues:meeting", args=[draft.pk])).status_code == 404


def test_public_list_queries_are_bounded(client, django_assert_max_num_queries):
    for count in (2, 12):
        for _ in range(count):
            meeting = MeetingFactory(public_parties=[PublicPartyFactory(), PublicPartyFactory()])
            RegistrationFactory.create_batch(2, meeting=meeting)
            past = MeetingFactory(
                starts_at=in_days(-100),
                ends_at=in_days(-100, hour=20),
                registration_deadline=in_days(-110),
            )
            RegistrationFactory(meeting=past)
        with django_assert_max_num_queries(7):  # and two savepoints
            response = client.get(reverse("dialogues:list"))
        assert response.status_code == 200


def test_public_page_queries_are_bounded(client, django_assert_max_num_queries):
    meeting = MeetingFactory(public_parties=[PublicPartyFactory() for _ in range(3)])
    for count in (1, 30):
        RegistrationFactory.create_batch(count, meeting=meeting)
        with django_assert_max_num_queries(4):  # and two savepoints
            response = client.get(reverse("dialogues:meeting", args=[meeting.pk]))
        assert response.status_code == 200


# -- the page cache ----------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    from django.core.cache import caches

    settings.PUBLIC_PAGE_CACHE = True
    caches["public_pages"].clear()


@pytest.mark.usefixtures("page_cache")
def test_cached_meeting_page_shows_a_registration_at_once(client):
    meeting = MeetingFactory(capacity=10)
    url = reverse("dialogues:meeting", args=[meeting.pk])
    assert "10 places left" in client.get(url).content.decode()
    assert "10 places left" in client.get(url).content.decode()  # from the cache

    RegistrationFactory(meeting=meeting, participants=4)

    assert "6 places left" in client.get(url).content.decode()


@pytest.mark.usefixtures("page_cache")
def test_cached_pages_show_a_publication_cancellation_and_new_host_at_once(client):
    official = OfficialFactory()
    draft = MeetingFactory(status=Meeting.Status.DRAFT, title_en="Autumn forum")
    listing, page, feed = (
        reverse("dialogues:list"),
        reverse("dialogues:meeting", args=[draft.pk]),
        reverse("dialogues:feed"),
    )
    assert "Autumn forum" not in client.get(listing).content.decode()
    assert client.get(page).status_code == 404
    assert b"Autumn forum" not in client.get(feed).content

    meeting_publish(meeting=draft, actor=official)
    assert "Autumn forum" in client.get(listing).content.decode()
    assert client.get(page).status_code == 200
    assert b"Autumn forum" in client.get(feed).content

    meeting_update(
        meeting=draft,
        actor=official,
        public_parties=[*draft.public_parties.all(), PublicPartyFactory(name="Grannby kommun")],
    )
    assert "Grannby kommun" in client.get(page).content.decode()

    meeting_cancel(meeting=draft, actor=official, reason="No hall.")
    assert "No hall." in client.get(page).content.decode()
    assert b"STATUS:CANCELLED" in client.get(feed).content
