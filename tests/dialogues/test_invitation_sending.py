"""The sending of invitations over SMTP, in this process (the sending service the Celery task
calls), to an aiosmtpd server on loopback that accepts, refuses for a while (4xx) or for
good (5xx) as each test tells it: each row ends sent, waiting for another attempt, or failed
with the server's answer, and nothing is sent twice."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone, translation

from dialogues.models import Invitation, Meeting
from dialogues.services.invitations import (
    invitations_requeue_stuck,
    invitations_send_pending,
    retry_delay,
)
from tests.factories import MeetingFactory
from tests.worker import free_port, start_smtp_server


class Server:
    """An SMTP server's handler: accepts every message, unless told to answer an address
    with some replies first (the last one repeats)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[str] = []
        self.sessions = 0
        self.answers: dict[str, list[str]] = {}

    def reset(self):
        with self.lock:
            self.received.clear()
            self.sessions = 0
            self.answers.clear()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            answers = self.answers.get(address)
            answer = (answers.pop(0) if len(answers) > 1 else answers[0]) if answers else "250 OK"
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def smtp():
    controller = start_smtp_server(Server())
    yield controller
    controller.stop()


@pytest.fixture
def server(smtp, settings):
    """The handler, emptied; the portal's mail goes to it over SMTP."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "core.mail.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 10},
        }
    }
    smtp.handler.reset()
    return smtp.handler


@pytest.fixture
def meeting(db):
    return MeetingFactory()


def invite(meeting, count, *, prefix="person"):
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, email=f"{prefix}{n}@example.org") for n in range(count)
    )


def states(meeting):
    return Counter(Invitation.objects.filter(meeting=meeting).values_list("status", flat=True))


def test_send_pending_sends_each_once_in_batches_over_one_connection_each(server, meeting):
    invite(meeting, 250)

    result = invitations_send_pending(meeting_pk=meeting.pk, batch_size=100)

    assert (result.sent, result.failed, result.retry_in) == (250, 0, None)
    assert sorted(server.received) == sorted(f"person{n}@example.org" for n in range(250))
    assert server.sessions == 3  # 100 + 100 + 50
    assert states(meeting) == {"sent": 250}
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {1}
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()

    # Nothing is left to send: a second run (a task queued twice) sends nothing.
    again = invitations_send_pending(meeting_pk=meeting.pk)
    assert again.sent == 0
    assert len(server.received) == 250


def test_a_permanent_refusal_fails_that_row_with_the_answer_and_the_rest_go(server, meeting):
    invite(meeting, 5)
    server.answers["person2@example.org"] = ["550 5.1.1 No such user here"]

    result = invitations_send_pending(meeting_pk=meeting.pk)

    assert (result.sent, result.failed, result.retry_in) == (4, 1, None)
    refused = Invitation.objects.get(email="person2@example.org")
    assert refused.status == Invitation.Status.FAILED
    assert refused.attempts == 1
    assert refused.last_error == "550 5.1.1 No such user here"
    assert sorted(server.received) == [f"person{n}@example.org" for n in (0, 1, 3, 4)]


def test_a_temporary_refusal_is_tried_again_after_the_wait(server, meeting, settings):
    settings.INVITATIONS_RETRY_SECONDS = 60
    invite(meeting, 3)
    server.answers["person1@example.org"] = ["451 4.7.1 Greylisted, try later", "250 OK"]

    result = invitations_send_pending(meeting_pk=meeting.pk)

    assert (result.sent, result.failed, result.deferred) == (2, 0, 1)
    waiting = Invitation.objects.get(email="person1@example.org")
    assert (waiting.status, waiting.attempts) == (Invitation.Status.PENDING, 1)
    assert waiting.last_error == "451 4.7.1 Greylisted, try later"
    assert 0 < result.retry_in <= retry_delay(1).total_seconds()

    # Before the wait is over, it is not tried again.
    assert invitations_send_pending(meeting_pk=meeting.pk).sent == 0

    # After it (as if the time had passed), it goes.
    Invitation.objects.filter(pk=waiting.pk).update(
        sending_since=F("sending_since") - retry_delay(1)
    )
    again = invitations_send_pending(meeting_pk=meeting.pk)

    assert (again.sent, again.retry_in) == (1, None)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("sent", 2, "")
    assert Counter(server.received) == {f"person{n}@example.org": 1 for n in range(3)}


def test_a_refusal_every_time_fails_after_the_last_attempt(server, meeting, settings):
    settings.INVITATIONS_RETRY_SECONDS = 0  # no wait between the attempts
    invite(meeting, 1)
    server.answers["person0@example.org"] = ["452 4.2.2 Mailbox full"]

    result = invitations_send_pending(meeting_pk=meeting.pk)

    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.FAILED
    assert invitation.attempts == settings.INVITATIONS_MAX_ATTEMPTS == 5
    assert invitation.last_error == "452 4.2.2 Mailbox full"
    assert (result.sent, result.failed, result.deferred, result.retry_in) == (0, 1, 4, None)
    assert server.received == []


def test_an_unreachable_server_leaves_the_rows_waiting_untried(server, meeting, settings):
    settings.MAILERS["default"]["OPTIONS"]["port"] = free_port()  # nobody listens there
    invite(meeting, 3)

    result = invitations_send_pending(meeting_pk=meeting.pk)

    assert "ConnectionRefusedError" in result.connection_error
    assert result.retry_in == 0  # ready at once: the task waits longer and longer itself
    assert states(meeting) == {"pending": 3}
    for invitation in Invitation.objects.all():
        assert invitation.attempts == 0
        assert "ConnectionRefusedError" in invitation.last_error


def test_requeue_stuck_takes_back_what_a_dead_worker_held(server, meeting, settings):
    long_ago = timezone.now() - datetime.timedelta(
        seconds=settings.INVITATIONS_STUCK_AFTER_SECONDS + 1
    )
    invite(meeting, 3)
    Invitation.objects.filter(email="person0@example.org").update(
        status="sending", sending_since=long_ago, attempts=1
    )
    Invitation.objects.filter(email="person1@example.org").update(
        status="sending", sending_since=long_ago, attempts=settings.INVITATIONS_MAX_ATTEMPTS
    )
    Invitation.objects.filter(email="person2@example.org").update(
        status="sending",
        sending_since=timezone.now(),
        attempts=1,  # a live worker's
    )

    # Eager tasks here: the sending it queues runs at once.
    with translation.override("en"):
        assert invitations_requeue_stuck() == [meeting.pk]

    rows = {i.email: i for i in Invitation.objects.all()}
    assert (rows["person0@example.org"].status, rows["person0@example.org"].attempts) == (
        "sent",
        2,
    )
    assert rows["person1@example.org"].status == "failed"
    assert "stopped halfway" in rows["person1@example.org"].last_error
    assert rows["person2@example.org"].status == "sending"
    assert server.received == ["person0@example.org"]


def test_requeue_stuck_queues_rows_whose_queue_message_was_lost(server, meeting, settings):
    invite(meeting, 2)
    Invitation.objects.update(
        created_at=timezone.now()
        - datetime.timedelta(seconds=settings.INVITATIONS_STUCK_AFTER_SECONDS + 1)
    )
    fresh = MeetingFactory()
    invite(fresh, 1, prefix="fresh")  # queued a moment ago: its own task sends it
    tried = MeetingFactory()
    invite(tried, 1, prefix="tried")  # old, but its task tried a moment ago (server down)
    Invitation.objects.filter(meeting=tried).update(
        created_at=timezone.now() - datetime.timedelta(days=1), sending_since=timezone.now()
    )

    assert invitations_requeue_stuck() == [meeting.pk]

    assert sorted(server.received) == ["person0@example.org", "person1@example.org"]
    assert states(fresh) == {"pending": 1}
    assert states(tried) == {"pending": 1}


def test_invitations_of_a_meeting_cancelled_before_sending_are_not_sent(server, meeting):
    invite(meeting, 2)
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled", cancellation_reason="Storm")

    invitations_send_pending(meeting_pk=meeting.pk)

    assert states(meeting) == {"failed": 2}
    assert server.received == []
    assert Invitation.objects.first().last_error  # says why


def test_two_senders_at_once_never_send_the_same_invitation(server, transactional_db):
    meeting = MeetingFactory()
    invite(meeting, 600)
    results = []

    def send():
        try:
            results.append(invitations_send_pending(meeting_pk=meeting.pk, batch_size=50))
        finally:
            connection.close()

    senders = [threading.Thread(target=send) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(120)

    assert sum(result.sent for result in results) == 600
    assert Counter(server.received) == {f"person{n}@example.org": 1 for n in range(600)}
    assert states(meeting) == {"sent": 600}


def test_beat_runs_the_requeue_every_minute():
    from django.conf import settings

    from config.celery_app import app

    app.loader.import_default_modules()
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "dialogues.tasks.requeue_stuck_invitations"
    ]
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks
