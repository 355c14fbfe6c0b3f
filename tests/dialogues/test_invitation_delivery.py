"""Nothing lost, nothing twice (domain fact 6, issue 9 item 8), with the real parts: the
invitations are created in the test database, a Celery worker (a subprocess, tests/worker.py)
takes the sending from Redis and sends over SMTP to aiosmtpd in this process, and we count
what the SMTP server received.

- A worker killed with SIGKILL halfway through 1,000 invitations, then started again: every
  address arrives, and at most SENT_MARKS_EVERY (1: the one in flight) arrives twice. The
  bound is not the batch (100): each row is marked sent as soon as the server accepted its
  message, so only the one accepted and not yet marked at the crash goes out again.
- Redis unavailable for a few seconds while sending (frozen: connections held without an
  answer; or cut: connections dropped and refused), and invitations created meanwhile whose
  queue message cannot be sent: everything arrives exactly once.

Celery beat is played by this test: it runs the periodic requeue every two seconds (beat does
it every minute) until every row is sent. The worker's settings (config.settings.test) take a
dead worker's rows back after 20 s. Timeouts are generous; the database is polled; no sleep
is an assertion.
"""

import contextlib
import os
import select
import signal
import socket
import threading
import time
import uuid
from collections import Counter

import icalendar
import pytest
from django.db.models import Count

from config.celery_app import app
from dialogues.models import Invitation
from dialogues.services.invitations import SENT_MARKS_EVERY, invitations_create
from dialogues.tasks import requeue_stuck_invitations
from tests.factories import MeetingFactory, OfficialFactory

pytest_plugins = ["tests.worker"]
pytestmark = pytest.mark.worker

BATCH = 100  # INVITATIONS_BATCH_SIZE, the default
PATIENCE = 240  # seconds for all invitations to arrive, on a slow, busy machine


def addresses(count, prefix="guest"):
    return [f"{prefix}{n}@example.org" for n in range(count)]


def states(**filters) -> dict[str, int]:
    return dict(
        Invitation.objects.filter(**filters)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def play_beat_until_all_sent(total: int, *, worker=None, timeout: float = PATIENCE):
    """Queue the periodic requeue every 2 s, as beat would every minute, until every
    invitation is sent; fail with the states if that takes longer than ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if states().get("sent", 0) == total:
            return
        requeue_stuck_invitations.delay()
        time.sleep(2)
    tail = worker.log_tail() if worker else ""
    raise AssertionError(f"Not all sent within {timeout} s: {states()}\n{tail}")


def test_invitation_arrives_over_smtp_with_its_calendar_file(celery_worker, mailbox):
    meeting = MeetingFactory(title_sv="Dialogforum i Stadshuset")

    invitations_create(meeting=meeting, emails=["anna@example.org"], actor=OfficialFactory())

    [mail] = mailbox.wait_for(1, timeout=60)
    assert mail.to == ["anna@example.org"]
    assert mail.subject.startswith(("Inbjudan: Dialogforum i Stadshuset", "Invitation:"))
    assert "?invitation=" in mail.body
    html = mail.message.get_body(preferencelist=("html",))
    assert "Dialogforum i Stadshuset" in html.get_content()
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "meeting.ics"
    [event] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Dialogforum i Stadshuset"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["URL"]).endswith(f"/sv/meetings/{meeting.pk}/")
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.attempts) == ("sent", 1)


def test_worker_killed_halfway_through_1000_loses_none_and_sends_only_the_one_in_flight_twice(
    celery_worker, mailbox
):
    total = 1_000
    meeting = MeetingFactory()
    started = time.monotonic()

    invitations_create(meeting=meeting, emails=addresses(total), actor=OfficialFactory())
    mailbox.wait_for(total // 2 + BATCH // 2, timeout=PATIENCE, settle=0)  # mid-batch
    os.kill(celery_worker.process.pid, signal.SIGKILL)
    celery_worker.process.wait(30)
    received_at_kill = len(mailbox.messages)
    at_kill = states()

    # The dead worker's batch is still "sending"; no worker runs, nothing else moves.
    assert sum(at_kill.values()) == total
    assert 0 < at_kill.get("sending", 0) <= BATCH
    # Each message received is for a row marked sent, but those accepted and not marked yet.
    assert at_kill.get("sent", 0) >= received_at_kill - SENT_MARKS_EVERY
    assert received_at_kill <= at_kill.get("sent", 0) + at_kill.get("sending", 0)

    celery_worker.start()
    play_beat_until_all_sent(total, worker=celery_worker)
    mails = mailbox.wait_for(total, timeout=60, settle=3)

    received = Counter(address for mail in mails for address in mail.rcpt_tos)
    twice = {address: n for address, n in received.items() if n > 1}
    print(
        f"\nkilled at {received_at_kill} received, rows {at_kill}; "
        f"in all {len(mails)} messages for {len(received)} addresses, twice: {twice}, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert set(received) == set(addresses(total))  # nothing lost
    assert len(twice) <= SENT_MARKS_EVERY  # those accepted, not yet marked at the crash
    assert set(twice.values()) <= {2}
    assert states() == {"sent": total}


class RedisSwitch:
    """A TCP relay between the worker (and this process's producer) and Redis, which can
    freeze (connections held, nothing answered: as a Redis that hangs) or cut them (each
    connection dropped, new ones closed at once: as a Redis that is down), and restore."""

    def __init__(self, target=("127.0.0.1", 6379)):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.up = True
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, db=15) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _accept(self):
        while not self.closed:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, destination):
        try:
            while True:
                readable, _, _ = select.select([source], [], [], 0.5)
                if not readable:
                    if source.fileno() == -1:
                        return
                    continue
                data = source.recv(65536)
                if not data:
                    break
                self.flowing.wait()
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def freeze(self):
        self.flowing.clear()

    def cut(self):
        self.up = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def restore(self):
        self.up = True
        self.flowing.set()

    def close(self):
        self.closed = True
        self.cut()
        self.restore()
        self.listener.close()


def _drop_connections() -> None:
    # As tests/worker.py does: the app looks its broker pools up again after the URLs change.
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    vars(app._local).pop("backend", None)


@pytest.fixture
def switched_worker(transactional_db, mailbox, celery_worker_process, tmp_path):
    """A worker of its own that reaches Redis through a RedisSwitch, as does this process."""
    CeleryWorker = type(celery_worker_process)  # tests/worker.py's, not imported twice
    switch = RedisSwitch()
    queue = f"mail-tests-switched-{uuid.uuid4().hex[:12]}"
    url = switch.url()
    env = {
        **celery_worker_process.env,
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    worker = CeleryWorker(env=env, queue=queue, log_path=tmp_path / "worker.log")
    worker.start()
    changed = {
        "task_always_eager": False,
        "broker_url": url,
        "result_backend": url,
        "task_default_queue": queue,
    }
    saved = {key: app.conf[key] for key in changed}
    _drop_connections()
    app.conf.update(changed)
    yield worker, switch
    app.conf.update(saved)
    _drop_connections()
    switch.restore()
    worker.close()
    switch.close()


@pytest.mark.parametrize("outage", ["freeze", "cut"])
def test_redis_unavailable_for_seconds_while_sending_everything_arrives_once(
    switched_worker, mailbox, outage
):
    worker, switch = switched_worker
    official = OfficialFactory()
    first, second = MeetingFactory(), MeetingFactory()

    invitations_create(meeting=first, emails=addresses(600), actor=official)
    mailbox.wait_for(100, timeout=PATIENCE, settle=0)

    getattr(switch, outage)()
    threading.Timer(6, switch.restore).start()  # Redis back in 6 s, whatever happens here
    # Invitations created while Redis is away: the rows are committed; their queue message
    # waits (frozen) or cannot be sent (cut: the on-commit queuing gives up, logged, and
    # the periodic requeue takes them).
    invitations_create(meeting=second, emails=addresses(300, "late"), actor=official)
    while not (switch.up and switch.flowing.is_set()):
        time.sleep(0.2)

    play_beat_until_all_sent(900, worker=worker)
    mails = mailbox.wait_for(900, timeout=60, settle=3)

    received = Counter(address for mail in mails for address in mail.rcpt_tos)
    print(f"\n{outage}: {len(mails)} messages for {len(received)} addresses")
    assert received == Counter(addresses(600) + addresses(300, "late"))  # each exactly once
    assert states() == {"sent": 900}
