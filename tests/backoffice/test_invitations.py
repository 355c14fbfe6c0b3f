"""Inviting to a meeting in the officials' area: choose, count, send; the progress page
(polled by htmx while anything waits) and sending the failed ones again; bad input answered
next to the field with nothing saved; a bounded number of queries."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import ActionRecord
from dialogues.models import Invitation
from dialogues.services.invitations import NOT_PUBLISHED, invitations_send_pending
from organisations.models import Organisation
from tests.factories import (
    ActivityAreaFactory,
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    SignatureFactory,
    agreement_in_force,
)
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def official_client(client):
    return sign_in_with_second_factor(client, OfficialFactory(totp=True))


@pytest.fixture
def meeting():
    return MeetingFactory(title_en="Spring dialogue forum")


def invite_url(meeting):
    return reverse("backoffice:meeting_invite", args=[meeting.pk])


def progress_url(meeting):
    return reverse("backoffice:meeting_invitations", args=[meeting.pk])


def fingerprint(response) -> str:
    match = re.search(r'name="send" value="([0-9a-f]+)"', response.content.decode())
    assert match, "no Send button on the page"
    return match[1]


def test_invite_counts_first_then_sends_to_the_chosen(
    official_client, meeting, django_capture_on_commit_callbacks
):
    agreement = agreement_in_force()
    for _ in range(2):
        SignatureFactory(organisation=OrganisationFactory(), agreement=agreement)
    OrganisationFactory()  # verified, not a signatory
    choice = {
        "audience": "signatories",
        "emails": "Gast@Example.org\ngast@example.org, annan@example.org",
        "language": "en",
    }

    assert official_client.get(invite_url(meeting)).status_code == 200
    counted = official_client.post(invite_url(meeting), choice)

    assert counted.status_code == 200
    page = counted.content.decode()
    assert "2 organisations" in page
    assert "2 other addresses" in page
    assert "Send 4 invitations" in page
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = official_client.post(invite_url(meeting), {**choice, "send": fingerprint(counted)})

    assert sent.status_code == 302
    assert sent["Location"] == progress_url(meeting)
    assert Invitation.objects.filter(meeting=meeting, status="sent").count() == 4
    assert set(Invitation.objects.values_list("language", flat=True)) == {"en"}
    assert ActionRecord.objects.filter(action_type="dialogues.meeting.invitations_queued").count()

    # The same again: counted as invited already, nothing to send.
    again = official_client.post(invite_url(meeting), choice)
    assert "4 of them have been invited already" in again.content.decode()
    assert "Everyone chosen has been invited already." in again.content.decode()
    assert 'name="send"' not in again.content.decode()


def test_a_choice_changed_after_counting_is_counted_again_not_sent(official_client, meeting):
    counted = official_client.post(
        invite_url(meeting), {"emails": "a@example.org", "language": "sv"}
    )

    response = official_client.post(
        invite_url(meeting),
        {"emails": "a@example.org\nb@example.org", "language": "sv", "send": fingerprint(counted)},
    )

    assert response.status_code == 200
    assert "The choice changed after it was counted." in response.content.decode()
    assert "Send 2 invitations" in response.content.decode()
    assert not Invitation.objects.exists()


def test_ten_thousand_pasted_with_some_malformed_lists_each_and_saves_nothing(
    official_client, meeting
):
    lines = [f"person{n}@example.org" for n in range(10_000)]
    malformed = ["person17example.org", "anna@", "bo@@example.org", "<script>@example.org"]
    for position, bad in zip([5, 2_000, 7_777, 9_999], malformed, strict=True):
        lines[position] = bad

    for step in ({}, {"send": "0" * 32}):
        response = official_client.post(
            invite_url(meeting), {"emails": "\n".join(lines), "language": "sv", **step}
        )

        assert response.status_code == 400
        page = response.content.decode()
        error = re.search(r'<[^>]+id="error_\d+_id_emails"[^>]*>(.*?)</', page, re.S)
        assert error, "the error is not next to the field"
        assert "These 4 are not e-mail addresses" in error[1]
        for bad in ["person17example.org", "anna@", "bo@@example.org"]:
            assert bad in error[1]
        assert "script&gt;@example.org" in error[1]  # escaped
        assert "<script>@" not in page
    assert not Invitation.objects.exists()
    assert not ActionRecord.objects.filter(action_type__startswith="dialogues.meeting.inv").exists()


def test_more_than_ten_thousand_pasted_is_refused(official_client, meeting):
    emails = "\n".join(f"person{n}@example.org" for n in range(10_001))

    response = official_client.post(invite_url(meeting), {"emails": emails, "language": "sv"})

    assert response.status_code == 400
    assert "At most 10,000 addresses can be pasted at a time; there are 10,001." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_nothing_chosen_or_kinds_without_organisations_is_an_error(official_client, meeting):
    nothing = official_client.post(invite_url(meeting), {"language": "sv"})
    kinds_only = official_client.post(
        invite_url(meeting), {"kinds": ["foundation"], "emails": "a@example.org"}
    )

    assert nothing.status_code == kinds_only.status_code == 400
    assert "Choose organisations, paste e-mail addresses, or both." in nothing.content.decode()
    assert "Choose the organisations that the kinds and areas narrow down." in (
        kinds_only.content.decode()
    )


def test_kind_and_area_narrow_the_organisations(official_client, meeting):
    area = ActivityAreaFactory()
    wanted = OrganisationFactory(kind=Organisation.Kind.FOUNDATION)
    wanted.activity_areas.add(area)
    OrganisationFactory(kind=Organisation.Kind.FOUNDATION)
    OrganisationFactory().activity_areas.add(area)

    response = official_client.post(
        invite_url(meeting),
        {"audience": "verified", "kinds": ["foundation"], "areas": [area.pk], "language": "sv"},
    )

    assert "Send 1 invitation<" in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [{"status": "draft"}, {"status": "cancelled", "cancellation_reason": "Storm"}],
    ids=["draft", "cancelled"],
)
def test_a_meeting_not_published_cannot_be_invited_to(official_client, change):
    meeting = MeetingFactory(**change)

    page = official_client.get(invite_url(meeting))
    posted = official_client.post(invite_url(meeting), {"emails": "a@example.org"})
    counted = official_client.post(
        invite_url(meeting), {"emails": "a@example.org", "send": "0" * 32}
    )

    assert "Only a published meeting can be invited to." in page.content.decode()
    assert 'name="emails"' not in page.content.decode()
    assert posted.status_code == counted.status_code == 400
    assert not Invitation.objects.exists()


def _invitations(meeting, prefix="", **states):
    rows = []
    for status, count in states.items():
        rows += [
            Invitation(
                meeting=meeting,
                email=f"{prefix}{status}{n}@example.org",
                status=status,
                attempts=1,
                last_error="550 5.1.1 No such user" if status == "failed" else "",
            )
            for n in range(count)
        ]
    Invitation.objects.bulk_create(rows)


def test_the_portals_own_reasons_for_a_failure_read_in_the_pages_language(official_client, meeting):
    """A worker has no reader: it writes the portal's reason in the catalogue's English, and
    the page says it in the official's language; a mail server's answer stays as it came."""
    _invitations(meeting, failed=1)
    Invitation.objects.create(meeting=meeting, email="kvar@example.org")
    meeting.status = "cancelled"
    meeting.cancellation_reason = "Sjukdom"
    meeting.save()
    invitations_send_pending(meeting_pk=meeting.pk)  # the worker's: not sent, and why
    assert Invitation.objects.get(email="kvar@example.org").last_error == NOT_PUBLISHED

    with translation.override("sv"):
        swedish = official_client.get(progress_url(meeting)).content.decode()
    english = official_client.get(progress_url(meeting)).content.decode()

    assert "Inte skickad: mötet är inte längre publicerat." in swedish
    assert NOT_PUBLISHED not in swedish
    assert NOT_PUBLISHED in english
    assert "550 5.1.1 No such user" in swedish


def test_progress_page_polls_while_invitations_wait(official_client, meeting):
    _invitations(meeting, pending=3, sending=2, sent=5, failed=1)

    page = official_client.get(progress_url(meeting)).content.decode()

    region = re.search(r'<div id="invitation-progress"([^>]*)>', page)[1]
    assert 'role="status"' in region
    assert f'data-hx-get="{progress_url(meeting)}"' in region
    assert 'data-hx-trigger="every 2s"' in region
    assert '<dd class="col-sm-9" data-count="sent">5</dd>' in page
    assert '<dd class="col-sm-9" data-count="failed">1</dd>' in page
    assert '<dd class="col-sm-9" data-count="waiting">5</dd>' in page
    assert "failed0@example.org" in page
    assert "550 5.1.1 No such user" in page
    assert "Send the failed ones again" in page

    # The poll gets the counts only …
    poll = official_client.get(progress_url(meeting), headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "<html" not in poll.content.decode()
    assert 'data-count="sent">5<' in poll.content.decode()

    # … and when nothing waits any more, reloads the page, which polls no more.
    Invitation.objects.filter(status__in=["pending", "sending"]).update(status="sent")
    done = official_client.get(progress_url(meeting), headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"
    page = official_client.get(progress_url(meeting)).content.decode()
    assert "data-hx-get" not in page
    assert 'data-count="sent">10<' in page


def test_resend_failed_from_the_progress_page(
    official_client, meeting, django_capture_on_commit_callbacks
):
    _invitations(meeting, sent=2, failed=3)

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(
            reverse("backoffice:meeting_invitations_resend", args=[meeting.pk])
        )

    assert response.status_code == 302
    assert response["Location"] == progress_url(meeting)
    assert Invitation.objects.filter(status="sent").count() == 5
    page = official_client.get(progress_url(meeting)).content.decode()
    assert "3 failed invitations are being sent again." in page
    # A GET of the action goes back to the page.
    assert official_client.get(reverse("backoffice:meeting_invitations_resend", args=[meeting.pk]))[
        "Location"
    ] == progress_url(meeting)


@pytest.mark.parametrize("name", ["backoffice:meeting_invitations", "backoffice:meeting_invite"])
def test_invitation_pages_are_bounded(
    official_client, meeting, django_assert_max_num_queries, name
):
    with translation.override("sv"):
        url = reverse(name, args=[meeting.pk])
    ActivityAreaFactory.create_batch(3)
    _invitations(meeting, pending=2, sent=3, failed=2)
    with django_assert_max_num_queries(12):
        assert official_client.get(url).status_code == 200
    ActivityAreaFactory.create_batch(30)
    _invitations(meeting, prefix="more-", sending=200, sent=300, failed=200)
    with django_assert_max_num_queries(12):
        assert official_client.get(url).status_code == 200


def test_the_meeting_page_links_to_inviting_and_to_the_sending(official_client, meeting):
    draft = MeetingFactory(status="draft")

    page = official_client.get(reverse("backoffice:meeting", args=[meeting.pk])).content.decode()
    draft_page = official_client.get(reverse("backoffice:meeting", args=[draft.pk])).content
    assert f'href="{invite_url(meeting)}"' in page
    assert f'href="{progress_url(meeting)}"' in page
    assert invite_url(draft).encode() not in draft_page
