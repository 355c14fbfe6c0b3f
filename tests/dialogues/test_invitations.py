"""Invitations to a meeting: whom they go to, the rows (one per address and meeting, made
together or not at all), what the e-mail says, and bad input. The sending runs in-process
here (eager tasks, Django's locmem mail); tests/dialogues/test_invitation_sending.py sends
over SMTP and tests/dialogues/test_invitation_delivery.py through a real worker."""

import datetime
from email import message_from_bytes, policy
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.urls import resolve
from django.utils import formats, timezone, translation

from core.models import ActionRecord
from dialogues.models import Invitation, Meeting
from dialogues.services.invitations import (
    MAX_PASTED_ADDRESSES,
    Audience,
    InvitationError,
    invitable_organisations,
    invitation_progress,
    invitations_count,
    invitations_create,
    invitations_resend_failed,
    parse_addresses,
)
from dialogues.tokens import INVITATION_SALT, invitation_from_token, invitation_token
from organisations.models import Organisation
from tests.factories import (
    ActivityAreaFactory,
    AgreementFactory,
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    agreement_in_force,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    return OfficialFactory()


@pytest.fixture
def meeting():
    return MeetingFactory(
        title_sv="Dialogforum om föreningslivet",
        title_en="Dialogue forum on civil society",
        place="Stadshuset, sal A",
        address="Storgatan 1, 123 45 Exempelstad",
    )


# Whom ----------------------------------------------------------------------------------


def test_invitable_organisations_by_audience_kind_and_area():
    agreement = agreement_in_force()
    sport, culture = ActivityAreaFactory(), ActivityAreaFactory()
    signed = OrganisationFactory(name="A signed association")
    signed.activity_areas.add(sport)
    SignatureFactory(organisation=signed, agreement=agreement)
    signed_foundation = OrganisationFactory(
        name="B signed foundation", kind=Organisation.Kind.FOUNDATION
    )
    signed_foundation.activity_areas.add(culture, sport)
    SignatureFactory(organisation=signed_foundation, agreement=agreement)
    withdrawn = OrganisationFactory(name="C withdrawn")
    SignatureFactory(organisation=withdrawn, agreement=agreement, withdrawn_at=timezone.now())
    older = OrganisationFactory(name="D signed an older version")
    SignatureFactory(organisation=older, agreement=AgreementFactory(status="superseded"))
    unsigned = OrganisationFactory(name="E unsigned")
    unsigned.activity_areas.add(culture)
    unverified = OrganisationFactory(name="F unverified", verification="unverified")
    SignatureFactory(organisation=unverified, agreement=agreement)

    def names(**choice):
        return [o.name for o in invitable_organisations(**choice)]

    assert names(audience=Audience.SIGNATORIES) == ["A signed association", "B signed foundation"]
    assert names(audience=Audience.VERIFIED) == [
        "A signed association",
        "B signed foundation",
        "C withdrawn",
        "D signed an older version",
        "E unsigned",
    ]
    assert names(audience=Audience.VERIFIED, kinds=["foundation"]) == ["B signed foundation"]
    assert names(audience=Audience.VERIFIED, areas=[culture]) == [
        "B signed foundation",
        "E unsigned",
    ]
    assert names(audience=Audience.SIGNATORIES, kinds=["association"], areas=[sport]) == [
        "A signed association"
    ]
    assert names(audience=Audience.NONE, kinds=["association"]) == []


def test_parse_addresses_lower_cases_and_de_duplicates_and_lists_the_malformed():
    parsed = parse_addresses(
        "Anna@Example.org\nbo@example.org, anna@example.org;  <cia@example.org>\n\n"
        "not-an-address\tdoris@@example.org bo@example.org\r\nnot-an-address\n"
        '"quoted"@example.org\n' + "x" * 250 + "@example.org\ne\u202eve@example.org"
    )

    assert parsed.valid == ["anna@example.org", "bo@example.org", "cia@example.org"]
    assert parsed.invalid == [
        "not-an-address",
        "doris@@example.org",
        '"quoted"@example.org',
        "x" * 250 + "@example.org",
        "e\u202eve@example.org",
    ]


# Creating ------------------------------------------------------------------------------


def test_invitations_create_makes_one_row_per_address_and_sends_each_once(
    meeting, official, django_capture_on_commit_callbacks
):
    first = OrganisationFactory(contact_email="Kontakt@Forening.example.org")
    second = OrganisationFactory(contact_email="info@stiftelse.example.org")
    third = OrganisationFactory(contact_email="info@stiftelse.example.org")  # shared address
    organisations = Organisation.objects.filter(pk__in=[first.pk, second.pk, third.pk])

    with django_capture_on_commit_callbacks(execute=True):
        count = invitations_create(
            meeting=meeting,
            organisations=organisations,
            emails=["Ny@Example.org", "kontakt@forening.example.org", "ny@example.org"],
            language="en",
            actor=official,
        )

    rows = {i.email: i for i in Invitation.objects.filter(meeting=meeting)}
    assert sorted(rows) == [
        "info@stiftelse.example.org",
        "kontakt@forening.example.org",
        "ny@example.org",
    ]
    assert (count.total, count.already_invited, count.new, count.from_organisations) == (3, 0, 3, 2)
    assert rows["kontakt@forening.example.org"].organisation == first
    assert rows["info@stiftelse.example.org"].organisation == second
    assert rows["ny@example.org"].organisation is None
    assert {row.language for row in rows.values()} == {"en"}
    assert {row.status for row in Invitation.objects.all()} == {Invitation.Status.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(rows)
    record = ActionRecord.objects.get(action_type="dialogues.meeting.invitations_queued")
    assert record.actor == official
    assert record.data["invited"] == 3

    # The same audience again, and one more address: only the new one is invited.
    with django_capture_on_commit_callbacks(execute=True):
        again = invitations_create(
            meeting=meeting,
            organisations=organisations,
            emails=["ny@example.org", "annan@example.org"],
            actor=official,
        )

    assert (again.total, again.already_invited, again.new) == (4, 3, 1)
    assert Invitation.objects.filter(meeting=meeting).count() == 4
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == ["annan@example.org"]
    assert Invitation.objects.get(email="annan@example.org").language == "sv"

    # And once more: nothing new, nothing sent, nothing recorded.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        third_time = invitations_create(
            meeting=meeting, organisations=organisations, actor=official
        )
    assert third_time.new == 0
    assert callbacks == []
    assert len(mail.outbox) == 4
    assert (
        ActionRecord.objects.filter(action_type="dialogues.meeting.invitations_queued").count() == 2
    )


def test_the_same_address_may_be_invited_to_two_meetings(meeting, official):
    other = MeetingFactory()

    invitations_create(meeting=meeting, emails=["anna@example.org"], actor=official)
    invitations_create(meeting=other, emails=["anna@example.org"], actor=official)

    assert Invitation.objects.filter(email="anna@example.org").count() == 2


def test_invitations_count_previews_what_create_does(meeting, official):
    OrganisationFactory.create_batch(3)
    invitations_create(meeting=meeting, emails=["anna@example.org"], actor=official)
    organisations = invitable_organisations(audience=Audience.VERIFIED)

    count = invitations_count(
        meeting=meeting, organisations=organisations, emails=["anna@example.org", "bo@example.org"]
    )

    assert (count.total, count.already_invited, count.new) == (5, 1, 4)
    assert (count.from_organisations, count.pasted) == (3, 2)
    assert Invitation.objects.count() == 1


def test_ten_thousand_addresses_are_created_in_one_go(meeting, official):
    emails = [f"person{n}@example.org" for n in range(MAX_PASTED_ADDRESSES)]

    count = invitations_create(meeting=meeting, emails=emails, actor=official)

    assert count.new == MAX_PASTED_ADDRESSES
    assert Invitation.objects.filter(meeting=meeting, status="pending").count() == len(emails)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Meeting.Status.DRAFT}, "Only a published meeting can be invited to."),
        (
            {"status": Meeting.Status.CANCELLED, "cancellation_reason": "Sjukdom"},
            "Only a published meeting can be invited to.",
        ),
        (
            {"registration_deadline": timezone.now() - datetime.timedelta(minutes=1)},
            "Registration for this meeting has closed",
        ),
    ],
    ids=["draft", "cancelled", "deadline passed"],
)
def test_invitations_create_refuses_a_meeting_not_open_and_creates_nothing(
    official, change, message, english
):
    meeting = MeetingFactory(**change)

    with pytest.raises(InvitationError, match=message):
        invitations_create(meeting=meeting, emails=["anna@example.org"], actor=official)

    assert not Invitation.objects.exists()
    assert not ActionRecord.objects.filter(action_type__startswith="dialogues.meeting.inv").exists()


def test_invitations_create_refuses_someone_who_is_not_an_official(meeting):
    representative = RepresentativeFactory().user

    with pytest.raises(PermissionDenied):
        invitations_create(meeting=meeting, emails=["anna@example.org"], actor=representative)

    assert not Invitation.objects.exists()


def test_invitations_create_refuses_malformed_addresses_and_creates_nothing(
    meeting, official, english
):
    emails = [f"person{n}@example.org" for n in range(100)] + ["nope", "a@b@c.example.org"]

    with pytest.raises(InvitationError) as refused:
        invitations_create(meeting=meeting, emails=emails, actor=official)

    assert "nope" in str(refused.value)
    assert "a@b@c.example.org" in str(refused.value)
    assert not Invitation.objects.exists()


def test_invitations_create_refuses_more_than_ten_thousand_addresses(meeting, official, english):
    emails = [f"person{n}@example.org" for n in range(MAX_PASTED_ADDRESSES + 1)]

    with pytest.raises(InvitationError, match="At most 10,000 addresses"):
        invitations_create(meeting=meeting, emails=emails, actor=official)

    assert not Invitation.objects.exists()


def test_resend_failed_sends_the_failed_ones_again(
    meeting, official, django_capture_on_commit_callbacks
):
    failed = Invitation.objects.create(
        meeting=meeting,
        email="anna@example.org",
        status=Invitation.Status.FAILED,
        attempts=5,
        last_error="451 try again later",
    )
    Invitation.objects.create(meeting=meeting, email="bo@example.org", status="sent")

    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_resend_failed(meeting=meeting, actor=official) == 1

    failed.refresh_from_db()
    assert failed.status == Invitation.Status.SENT
    assert failed.attempts == 1
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert (
        ActionRecord.objects.filter(action_type="dialogues.meeting.invitations_resent").count() == 1
    )


def test_resend_failed_refuses_a_non_official_and_a_cancelled_meeting(meeting, official):
    Invitation.objects.create(meeting=meeting, email="anna@example.org", status="failed")

    with pytest.raises(PermissionDenied):
        invitations_resend_failed(meeting=meeting, actor=RepresentativeFactory().user)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled", cancellation_reason="Storm")
    meeting.refresh_from_db()
    with pytest.raises(InvitationError):
        invitations_resend_failed(meeting=meeting, actor=official)

    assert Invitation.objects.get().status == Invitation.Status.FAILED


def test_invitation_progress_counts_each_state(meeting):
    for n, status in enumerate(["pending", "pending", "sending", "sent", "sent", "sent", "failed"]):
        Invitation.objects.create(meeting=meeting, email=f"p{n}@example.org", status=status)
    Invitation.objects.filter(email="p1@example.org").update(attempts=1, last_error="451 later")

    progress = invitation_progress(meeting)

    assert (progress.pending, progress.sending, progress.sent, progress.failed) == (2, 1, 3, 1)
    assert (progress.total, progress.waiting, progress.done, progress.retrying) == (7, 3, 4, 1)
    assert progress.in_progress


# The e-mail ----------------------------------------------------------------------------


def _send_one(meeting, official, language, capture):
    with capture(execute=True):
        invitations_create(
            meeting=meeting, emails=["anna@example.org"], language=language, actor=official
        )
    [message] = mail.outbox
    return message


@pytest.mark.parametrize(
    ("language", "subject", "expected"),
    [
        (
            "sv",
            "Inbjudan: Dialogforum om föreningslivet",
            ["Hej!", "Dialogforum om föreningslivet", "Var: Stadshuset, sal A, Storgatan 1"],
        ),
        (
            "en",
            "Invitation: Dialogue forum on civil society",
            ["Hello,", "Dialogue forum on civil society", "Where: Stadshuset, sal A, Storgatan 1"],
        ),
    ],
    ids=["sv", "en"],
)
def test_invitation_email_in_the_recipients_language(
    meeting, official, django_capture_on_commit_callbacks, language, subject, expected
):
    message = _send_one(meeting, official, language, django_capture_on_commit_callbacks)

    assert message.subject.startswith(subject)
    for text in expected:
        assert text in message.body
    with translation.override(language):
        starts = timezone.localtime(meeting.starts_at)
        deadline = timezone.localtime(meeting.registration_deadline)
        assert formats.date_format(starts, "DATE_FORMAT") in message.body
        assert formats.time_format(starts, "TIME_FORMAT") in message.body
        assert formats.date_format(deadline, "DATETIME_FORMAT") in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert expected[1] in html


def test_invitation_email_links_to_registration_with_a_token_for_this_invitation(
    meeting, official, django_capture_on_commit_callbacks
):
    message = _send_one(meeting, official, "en", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()

    [link] = [line for line in message.body.splitlines() if "?invitation=" in line]
    url = urlsplit(link.strip())
    with translation.override("en"):
        match = resolve(url.path)
    assert url.path.startswith("/en/")
    assert match.view_name == "dialogues:register"
    assert match.kwargs == {"pk": meeting.pk}
    [token] = parse_qs(url.query)["invitation"]
    assert invitation_from_token(token, meeting) == invitation
    [(html, _mimetype)] = message.alternatives
    assert f'href="{link.strip()}"' in html


def test_invitation_email_carries_the_meeting_as_a_calendar_file(
    meeting, official, django_capture_on_commit_callbacks
):
    message = _send_one(meeting, official, "sv", django_capture_on_commit_callbacks)

    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "meeting.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Dialogforum om föreningslivet"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert "Stadshuset, sal A" in str(event["LOCATION"])


def test_invitation_email_names_no_organisation(
    meeting, official, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Klicka här: www.example.com/logga-in")

    with django_capture_on_commit_callbacks(execute=True):
        invitations_create(
            meeting=meeting,
            organisations=Organisation.objects.filter(pk=organisation.pk),
            actor=official,
        )

    [message] = mail.outbox
    assert message.to == [organisation.contact_email]
    assert "Klicka" not in message.body
    assert "Klicka" not in message.alternatives[0].content


def test_invitation_email_escapes_what_officials_wrote_in_its_html_part(
    official, django_capture_on_commit_callbacks
):
    script = "<script>alert(1)</script>"
    meeting = MeetingFactory(
        title_sv=f"Forum {script}",
        description_sv=f"Om mötet\n{script}",
        agenda_sv=f"Välkommen\n{script}",
        place=script,
        organiser_name=script,
    )

    with django_capture_on_commit_callbacks(execute=True):
        invitations_create(meeting=meeting, emails=["anna@example.org"], actor=official)

    [message] = mail.outbox
    html = message.alternatives[0].content
    assert script not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert script in message.body  # the text part is plain text: nothing to escape


# The token -----------------------------------------------------------------------------


def test_invitation_token_opens_only_its_own_meeting_and_not_when_forged_or_old(meeting):
    invitation = Invitation.objects.create(meeting=meeting, email="anna@example.org")
    other = MeetingFactory()
    token = invitation_token(invitation)

    assert invitation_from_token(token, meeting) == invitation
    assert invitation_from_token(token, other) is None
    assert invitation_from_token(token[:-2] + "xx", meeting) is None
    assert invitation_from_token("not-a-token", meeting) is None
    forged = signing.dumps({"i": invitation.pk, "m": other.pk}, salt="another.salt")
    assert invitation_from_token(forged, other) is None
    year_ago = timezone.now() - datetime.timedelta(days=400)
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(year_ago.timestamp()))
    expired = signer.sign_object({"i": invitation.pk, "m": meeting.pk})
    assert invitation_from_token(expired, meeting) is None
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
        registration_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    meeting.refresh_from_db()
    assert invitation_from_token(token, meeting) is None
