"""Registering for a meeting (item 4 of issue 9): from an invitation link without an
account, or signed in as a representative; places counted by participants, the waiting
list, the deadline, twice, bad links; cancelling from the link in the confirmation, and the
waiting list moving up."""

import datetime
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from icalendar import Calendar

from core.models import ActionRecord
from dialogues.models import Invitation, Meeting, Registration
from dialogues.services.registrations import (
    REGISTRATIONS_PER_LINK,
    RegistrationError,
    registration_cancel,
    registration_create,
)
from dialogues.tokens import (
    INVITATION_MAX_AGE,
    INVITATION_SALT,
    invitation_from_token,
    invitation_token,
    registration_from_token,
    registration_token,
)
from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    in_days,
)

pytestmark = pytest.mark.usefixtures("english")


def invite(meeting, email="kassor@example.org", organisation=None, language="en"):
    return Invitation.objects.create(
        meeting=meeting,
        email=email,
        organisation=organisation,
        language=language,
        status=Invitation.Status.SENT,
    )


def register_url(meeting, invitation=None):
    url = reverse("dialogues:register", args=[meeting.pk])
    return f"{url}?invitation={invitation_token(invitation)}" if invitation else url


def form_data(**overrides):
    data = {
        "organisation_name": "Föreningen Gläntan",
        "name": "Kim Kassör",
        "email": "kassor@example.org",
        "participants": "1",
        "needs": "",
    }
    data.update(overrides)
    return data


def register(meeting, email, participants=1, **fields):
    """The service as the form calls it, for someone with an invitation link."""
    return registration_create(
        meeting=meeting,
        actor=None,
        name=fields.pop("name", "Someone"),
        email=email,
        participants=participants,
        language="en",
        **fields,
    )


def statuses(meeting):
    return dict(Registration.objects.filter(meeting=meeting).values_list("email", "status"))


@pytest.mark.django_db
def test_register_from_an_invitation_link_without_an_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    organisation = OrganisationFactory(name="Föreningen Gläntan")
    invitation = invite(meeting, organisation=organisation)

    page = client.get(register_url(meeting, invitation))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["email"].value() == "kassor@example.org"
    assert "organisation" not in form.fields  # the invitation's organisation
    assert "organisation_name" not in form.fields
    assert "Föreningen Gläntan" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url(meeting, invitation),
            form_data(participants="2", needs="Hörslinga, tack.", email="Kassor@Example.org"),
        )

    registration = Registration.objects.get(meeting=meeting)
    assert response.status_code == 302
    # The link to the person's page (a token is signed with the second it was made in).
    match = resolve(response["Location"])
    assert match.url_name == "registration"
    assert registration_from_token(match.kwargs["token"]) == registration
    assert (
        registration.status,
        registration.invitation,
        registration.organisation,
        registration.organisation_name,
        registration.email,
        registration.participants,
        registration.needs,
        registration.language,
        registration.user,
    ) == (
        "registered",
        invitation,
        organisation,
        "Föreningen Gläntan",
        "kassor@example.org",
        2,
        "Hörslinga, tack.",
        "en",
        None,
    )
    record = registration.history().get()
    assert (record.action_type, record.actor, record.data) == (
        "dialogues.registration.created",
        None,
        {"status": "registered", "participants": 2},
    )
    # The confirmation: in the person's language, with the link to their page and the .ics.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kassor@example.org"]
    assert mail.subject == f"You are registered: {meeting.title_en}"
    assert "You have 2 places at the meeting." in mail.body
    # The same page as the one the person was sent to (a token is signed with its second).
    [link] = re.findall(rf"{re.escape(settings.SITE_URL)}/en/registrations/\S+/", mail.body)
    assert registration_from_token(resolve(urlsplit(link).path).kwargs["token"]) == registration
    (ics,) = [a for a in mail.attachments if "calendar" in a.get_content_type()]
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == meeting.title_en
    assert event.decoded("DTSTART") == meeting.starts_at


@pytest.mark.django_db
def test_registration_page_shows_the_registration_and_cancels_it(
    client, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    registration = register(meeting, "kim@example.org", needs="Vegetarian")
    url = reverse("dialogues:registration", args=[registration_token(registration)])

    page = client.get(url)
    assert page.status_code == 200
    assert "You have a place at the meeting." in page.content.decode()
    assert "Vegetarian" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(url, follow=True)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.cancelled_at is not None
    assert "Your registration is cancelled." in response.content.decode()
    assert [r.action_type for r in registration.history()] == [
        "dialogues.registration.cancelled",
        "dialogues.registration.created",
    ]
    assert registration.history().first().actor is None
    # The row stays; a second cancel says so.
    response = client.post(url, follow=True)
    assert "already cancelled" in response.content.decode()
    assert Registration.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_after_cancelling_the_page_leads_back_to_the_form_while_registration_is_open(client):
    """A tap too many on a phone: the page behind the confirmation's link offers to register
    again, with the invitation the person came with (a signed-in person's registration:
    the plain form), and not once registration has closed."""
    meeting = MeetingFactory()
    invitation = invite(meeting)
    from_link = register(meeting, "kim@example.org", invitation=invitation)
    signed_in = register(meeting, "ulla@example.org")
    for registration in (from_link, signed_in):
        registration_cancel(registration=registration, actor=None)

    page = client.get(reverse("dialogues:registration", args=[registration_token(from_link)]))
    again = page.context["register_again"]
    assert urlsplit(again).path == register_url(meeting)
    [token] = parse_qs(urlsplit(again).query)["invitation"]
    assert invitation_from_token(token, meeting) == invitation
    assert "Register again" in page.content.decode()
    form = client.get(again)
    assert form.context["invitation"] == invitation
    assert "form" in form.context

    page = client.get(reverse("dialogues:registration", args=[registration_token(signed_in)]))
    assert page.context["register_again"] == register_url(meeting)

    Meeting.objects.filter(pk=meeting.pk).update(registration_deadline=timezone.now())
    page = client.get(reverse("dialogues:registration", args=[registration_token(from_link)]))
    assert page.context["register_again"] is None
    assert "Register again" not in page.content.decode()


@pytest.mark.django_db
def test_signed_in_representative_registers_for_one_of_their_organisations(client):
    meeting = MeetingFactory()
    rep = RepresentativeFactory(organisation__name="Idrottsklubben Öst")
    RepresentativeFactory(user=rep.user, organisation__name="Kören Väst")
    other = OrganisationFactory(name="Någon annans förening")
    client.force_login(rep.user)

    page = client.get(register_url(meeting))
    form = page.context["form"]
    assert [o.name for o in form.fields["organisation"].queryset] == [
        "Idrottsklubben Öst",
        "Kören Väst",
    ]
    assert form["email"].value() == rep.user.email

    # Another organisation's id in the form is not a choice: nothing is saved.
    response = client.post(
        register_url(meeting), form_data(organisation=other.pk, email=rep.user.email)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organisation"]
    assert not Registration.objects.exists()

    response = client.post(
        register_url(meeting), form_data(organisation=rep.organisation.pk, email=rep.user.email)
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert (registration.organisation, registration.user) == (rep.organisation, rep.user)
    assert registration.history().get().actor == rep.user


@pytest.mark.django_db
def test_service_refuses_an_organisation_the_person_does_not_represent():
    meeting = MeetingFactory()
    rep = RepresentativeFactory()
    with pytest.raises(PermissionDenied):
        registration_create(
            meeting=meeting,
            actor=rep.user,
            name="X",
            email="x@example.org",
            organisation=OrganisationFactory(),
        )
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_register_without_a_link_or_an_account_says_how(client):
    meeting = MeetingFactory()
    response = client.get(register_url(meeting))
    assert response.status_code == 200
    assert "form" not in response.context
    assert "Register with the link in your invitation e-mail, or sign in" in (
        response.content.decode()
    )
    response = client.post(register_url(meeting), form_data())
    assert not Registration.objects.exists()


def expired_invitation_token(invitation):
    """A token signed as B's invitation_token signs it, but longer ago than it may be."""

    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - INVITATION_MAX_AGE - 60)

    return LongAgo(salt=INVITATION_SALT).sign_object(
        {"i": invitation.pk, "m": invitation.meeting_id}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["forged", "expired", "other meeting's", "cut short"])
def test_register_with_a_bad_invitation_link_is_a_clear_page(client, kind):
    meeting = MeetingFactory()
    invitation = invite(meeting)
    other = invite(MeetingFactory())
    token = {
        "forged": invitation_token(invitation)[:-3] + "abc",
        "expired": expired_invitation_token(invitation),
        "other meeting's": invitation_token(other),
        "cut short": invitation_token(invitation)[:20],
    }[kind]
    url = f"{reverse('dialogues:register', args=[meeting.pk])}?invitation={token}"

    for response in (client.get(url), client.post(url, form_data())):
        assert response.status_code == 400
        assert "The invitation link does not work" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_capacity_counts_people_then_the_waiting_list():
    meeting = MeetingFactory(capacity=3, waiting_list=True)
    register(meeting, "a@example.org", participants=2)
    register(meeting, "b@example.org", participants=2)  # 1 place left: waits
    register(meeting, "c@example.org", participants=1)  # fits
    register(meeting, "d@example.org", participants=1)  # full: waits
    assert statuses(meeting) == {
        "a@example.org": "registered",
        "b@example.org": "waiting",
        "c@example.org": "registered",
        "d@example.org": "waiting",
    }
    with pytest.raises(RegistrationError, match="3 places in all") as error:
        register(meeting, "e@example.org", participants=4)
    assert error.value.field == "participants"


@pytest.mark.django_db
def test_full_meeting_without_a_waiting_list_refuses(client):
    meeting = MeetingFactory(capacity=3, waiting_list=False)
    register(meeting, "a@example.org", participants=2)
    with pytest.raises(RegistrationError, match="Only 1 place is left"):
        register(meeting, "b@example.org", participants=2)
    register(meeting, "c@example.org", participants=1)
    with pytest.raises(RegistrationError, match="The meeting is full"):
        register(meeting, "d@example.org")
    assert set(statuses(meeting).values()) == {"registered"}
    # The form says so too: a closed page, no form.
    invitation = invite(meeting, "d@example.org")
    response = client.get(register_url(meeting, invitation))
    assert "The meeting is full." in response.content.decode()
    assert "form" not in response.context


@pytest.mark.django_db
def test_too_many_people_for_the_places_left_is_an_error_by_the_field(client):
    meeting = MeetingFactory(capacity=3, waiting_list=False)
    register(meeting, "a@example.org", participants=2)
    invitation = invite(meeting)
    response = client.post(register_url(meeting, invitation), form_data(participants="2"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "participants": ["Only 1 place is left: register fewer people."]
    }
    assert Registration.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_register_after_the_deadline_is_refused(client):
    meeting = MeetingFactory(
        starts_at=in_days(2), registration_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    with pytest.raises(RegistrationError, match="Registration closed on"):
        register(meeting, "late@example.org")
    invitation = invite(meeting, "late@example.org")
    for response in (
        client.get(register_url(meeting, invitation)),
        client.post(register_url(meeting, invitation), form_data(email="late@example.org")),
    ):
        assert "Registration closed on" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_register_for_a_draft_or_cancelled_meeting_is_refused(client):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    with pytest.raises(RegistrationError, match="not open"):
        register(draft, "a@example.org")
    assert client.get(register_url(draft, invite(draft))).status_code == 404

    cancelled = MeetingFactory(status=Meeting.Status.CANCELLED, cancellation_reason="Storm.")
    with pytest.raises(RegistrationError, match="cancelled"):
        register(cancelled, "a@example.org")
    response = client.get(register_url(cancelled, invite(cancelled)))
    assert "The meeting is cancelled." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_register_twice_with_the_same_address_is_refused(client):
    meeting = MeetingFactory()
    register(meeting, "kim@example.org")
    with pytest.raises(RegistrationError, match="already registered") as error:
        register(meeting, " KIM@example.org ")
    assert error.value.field == "email"
    invitation = invite(meeting, "kim@example.org")
    response = client.post(register_url(meeting, invitation), form_data(email="kim@example.org"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "email": ["This address is already registered for the meeting."]
    }
    assert Registration.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db
def test_waiting_twice_is_refused_and_after_cancelling_one_may_register_again():
    meeting = MeetingFactory(capacity=1)
    register(meeting, "a@example.org")
    waiting = register(meeting, "b@example.org")
    with pytest.raises(RegistrationError, match="already registered"):
        register(meeting, "b@example.org")
    registration_cancel(registration=waiting, actor=None)
    again = register(meeting, "b@example.org")
    assert again.status == "waiting"
    assert Registration.objects.filter(meeting=meeting, email="b@example.org").count() == 2


@pytest.mark.django_db
def test_database_keeps_one_active_registration_per_address():
    registration = RegistrationFactory(email="kim@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(meeting=registration.meeting, email="kim@example.org")
    registration.status = Registration.Status.CANCELLED
    registration.save()
    RegistrationFactory(meeting=registration.meeting, email="kim@example.org")  # allowed


@pytest.mark.django_db
def test_cancelling_moves_the_waiting_list_up_and_tells_the_person(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(capacity=3)
    first = register(meeting, "first@example.org", participants=2)
    register(meeting, "one@example.org", participants=1)
    with django_capture_on_commit_callbacks(execute=True):
        register(meeting, "big@example.org", participants=3, name="Big Party")
        register(meeting, "next@example.org", participants=1, name="Nina Next")
        register(meeting, "after@example.org", participants=1)
        register(meeting, "last@example.org", participants=1)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dialogues:registration", args=[registration_token(first)]))
    assert response.status_code == 302

    # 2 places came free: the first two in line whose party fits move up, in order.
    assert statuses(meeting) == {
        "first@example.org": "cancelled",
        "one@example.org": "registered",
        "big@example.org": "waiting",  # 3 people do not fit in 2 places
        "next@example.org": "registered",
        "after@example.org": "registered",
        "last@example.org": "waiting",
    }
    assert sorted(mail.to[0] for mail in mailoutbox) == ["after@example.org", "next@example.org"]
    mail = next(m for m in mailoutbox if m.to == ["next@example.org"])
    assert mail.subject == f"A place for you: {meeting.title_en}"
    assert "Hello Nina Next," in mail.body
    assert "you have moved up from the waiting list" in mail.body
    promoted = Registration.objects.get(email="next@example.org")
    assert [r.action_type for r in promoted.history()][0] == "dialogues.registration.promoted"
    # Its own link still works, and shows the place.
    page = client.get(reverse("dialogues:registration", args=[registration_token(promoted)]))
    assert "You have a place at the meeting." in page.content.decode()


@pytest.mark.django_db
def test_waiting_person_sees_their_place_in_line(client):
    meeting = MeetingFactory(capacity=1)
    register(meeting, "a@example.org")
    register(meeting, "b@example.org")
    third = register(meeting, "c@example.org")
    page = client.get(reverse("dialogues:registration", args=[registration_token(third)]))
    assert "number 2 in line" in page.content.decode()
    assert "Leave the waiting list" in page.content.decode()


@pytest.mark.django_db
def test_cancelling_after_the_start_is_refused():
    meeting = MeetingFactory()
    registration = register(meeting, "a@example.org")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        registration_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(RegistrationError, match="started"):
        registration_cancel(registration=registration, actor=None)
    registration.refresh_from_db()
    assert registration.status == "registered"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "forged:abc:def"])
def test_registration_page_with_a_bad_link_is_a_clear_page(client, token):
    RegistrationFactory()
    for response in (
        client.get(reverse("dialogues:registration", args=[token])),
        client.post(reverse("dialogues:registration", args=[token])),
    ):
        assert response.status_code == 400
        assert "The registration link does not work" in response.content.decode()
    assert Registration.objects.get().status == "registered"


@pytest.mark.django_db
def test_registration_token_names_its_row_and_meeting():
    registration = RegistrationFactory()
    assert registration_from_token(registration_token(registration)) == registration
    other = RegistrationFactory()
    forged = signing.dumps({"r": other.pk, "m": registration.meeting_id}, salt="wrong")
    assert registration_from_token(forged) is None
    wrong_meeting = signing.dumps(
        {"r": other.pk, "m": registration.meeting_id}, salt="dialogues.registration"
    )
    assert registration_from_token(wrong_meeting) is None


@pytest.mark.django_db(transaction=True)
def test_two_people_asking_for_the_last_place_at_once_get_one_place_and_one_wait():
    """Concurrent requests on PostgreSQL: the meeting's row lock serves them in turn."""
    meeting = MeetingFactory(capacity=1)
    invitations = [invite(meeting, f"p{n}@example.org") for n in range(2)]
    barrier = threading.Barrier(2)
    codes = []

    def register_as(invitation):
        try:
            client = Client()
            url = register_url(meeting, invitation)
            barrier.wait(timeout=10)
            codes.append(client.post(url, form_data(email=invitation.email)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_as, args=(i,)) for i in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert codes == [302, 302]
    assert sorted(statuses(meeting).values()) == ["registered", "waiting"]
    assert ActionRecord.objects.filter(action_type="dialogues.registration.created").count() == 2


@pytest.mark.django_db
def test_one_invitation_link_registers_at_most_ten_addresses():
    meeting = MeetingFactory(capacity=None)
    invitation = invite(meeting)
    for n in range(REGISTRATIONS_PER_LINK):
        register(meeting, f"colleague{n}@example.org", invitation=invitation)
    with pytest.raises(RegistrationError, match="have been made with this invitation"):
        register(meeting, "stranger@example.org", invitation=invitation)
    # Another invitation has its own count.
    register(meeting, "other@example.org", invitation=invite(meeting, "other@example.org"))
    assert Registration.objects.active().filter(meeting=meeting).count() == 11


@pytest.mark.django_db
def test_cancelling_does_not_free_a_link_to_e_mail_one_stranger_after_another(
    mailoutbox, django_capture_on_commit_callbacks
):
    """Register a stranger (a confirmation goes out), cancel from the page the link leads
    to, register the next: the link's count holds every registration made with it."""
    meeting = MeetingFactory(capacity=None)
    invitation = invite(meeting)
    for n in range(REGISTRATIONS_PER_LINK):
        with django_capture_on_commit_callbacks(execute=True):
            made = register(meeting, f"stranger{n}@example.org", invitation=invitation)
        registration_cancel(registration=made, actor=None)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RegistrationError, match="cancelled ones included"),
    ):
        register(meeting, "one-more@example.org", invitation=invitation)

    assert len(mailoutbox) == REGISTRATIONS_PER_LINK
    assert not Registration.objects.filter(email="one-more@example.org").exists()


@pytest.mark.django_db
def test_register_and_registration_pages_queries_do_not_grow_with_registrations(
    client, django_assert_max_num_queries
):
    """The form from the link, and a waiting person's page with their place in line, read
    as many rows whatever the number of people registered and waiting."""
    meeting = MeetingFactory(capacity=2)
    invitation = invite(meeting)
    same_moment = timezone.now()
    for count in (3, 30):
        RegistrationFactory.create_batch(count, meeting=meeting, participants=1)
        waiting = RegistrationFactory.create_batch(
            count, meeting=meeting, status=Registration.Status.WAITING, created_at=same_moment
        )
        last = waiting[-1]
        with django_assert_max_num_queries(6):
            page = client.get(register_url(meeting, invitation))
        assert page.status_code == 200
        with django_assert_max_num_queries(5):
            page = client.get(reverse("dialogues:registration", args=[registration_token(last)]))
        # Those who queued at the same moment stand in the order they were written.
        place = Registration.objects.filter(meeting=meeting).waiting().count()
        assert f"number {place} in line" in page.content.decode()
