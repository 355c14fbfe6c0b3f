"""Real parts for task-and-mail tests: an SMTP server (aiosmtpd) in this process and a
Celery worker in a subprocess, talking over Redis to the test database.

Register with ``pytest_plugins = ["tests.worker"]`` in a test module. Fixtures:
    mailbox        – the SMTP server's collected messages, emptied for the test.
    celery_worker  – a running worker (started once per session, restarted if a test
                     stopped it); while the test runs, this process queues tasks to it
                     instead of running them eagerly. It makes the test transactional:
                     the worker must see committed rows.

The worker and this process use Redis database 15 and a queue of their own, so they
neither see the eager suite's Redis nor another run's worker. The worker runs with
config.settings.test and the environment variables TEST_SMTP_PORT (mail over SMTP to
the mailbox), CELERY_EAGER=0 and CELERY_TASK_DEFAULT_QUEUE (tasks it queues itself go to its
own queue).
"""

import os
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection

from config.celery_app import app

REDIS_URL = "redis://127.0.0.1:6379/15"
CELERY = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
WORKER_START_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 20


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the SMTP server received it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> list[str]:
        return [address for _name, address in getaddresses(self.message.get_all("To", []))]

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class Mailbox:
    """The aiosmtpd handler: keeps every message it is sent."""

    def __init__(self):
        self._messages: list[ReceivedMail] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        mail = ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=message_from_bytes(envelope.original_content, policy=policy.default),
        )
        with self._changed:
            self._messages.append(mail)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._changed:
            return list(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def wait_for(self, count: int, *, timeout: float = 30, settle: float = 1.0):
        """Wait (at most ``timeout`` seconds) until ``count`` messages have arrived, then
        ``settle`` seconds more for any that should not come; return them all."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self._messages) >= count, timeout)
        if not arrived:
            raise AssertionError(
                f"{len(self.messages)} of {count} e-mails arrived within {timeout} s"
            )
        time.sleep(settle)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server(handler) -> Controller:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, started."""
    for _attempt in range(5):  # a free port can be taken between probing and binding
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        try:
            controller.start()
        except (OSError, RuntimeError):
            continue
        return controller
    pytest.fail("Could not start the SMTP server on a free port.")


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1 for the whole session; its handler is a Mailbox."""
    controller = start_smtp_server(Mailbox())
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.clear()
    return smtp_server.handler


class CeleryWorker:
    """``celery -A config worker`` as a subprocess that can be stopped and started again."""

    def __init__(self, *, env: dict[str, str], queue: str, log_path: Path):
        self.env = env
        self.queue = queue
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._starts = 0
        self._control = Celery("mail-tests-control", broker=REDIS_URL, set_as_current=False)
        self._redis = redis.Redis.from_url(REDIS_URL)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        assert not self.running, "the worker is already running"
        self._starts += 1
        self.hostname = f"{self.queue}-{self._starts}@localhost"
        with self.log_path.open("a") as log:
            log.write(f"\n===== start {self._starts} =====\n")
            log.flush()
            # Started directly (no shell): the pid is the worker's own.
            self.process = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    self.queue,
                    "-n",
                    self.hostname,
                    "--loglevel=info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    # Content type ids change with each flushed test database.
                    "--include",
                    "tests.worker_hooks",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"The Celery worker exited on start:\n{self.log_tail()}")
            if self._control.control.ping(destination=[self.hostname], timeout=0.5):
                return
        self.stop()
        raise AssertionError(
            f"The Celery worker did not answer a ping in {WORKER_START_TIMEOUT} s:\n"
            f"{self.log_tail()}"
        )

    def stop(self) -> None:
        """A warm shutdown (SIGTERM to the worker's pid), a kill if it hangs."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(WORKER_STOP_TIMEOUT)
        self.process = None

    def tasks_run(self) -> dict[str, int]:
        """How many tasks of each name this worker has taken on (failed ones too), from
        its own statistics."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            replies = self._control.control.inspect(destination=[self.hostname], timeout=1).stats()
            if replies:
                return replies[self.hostname]["total"]
        raise AssertionError(f"The Celery worker did not report its statistics:\n{self.log_tail()}")

    def queued(self) -> int:
        """How many task messages wait in Redis for a worker."""
        return self._redis.llen(self.queue)

    def purge(self) -> None:
        self._redis.delete(self.queue)

    def close(self) -> None:
        self.stop()
        self.purge()
        self._redis.close()
        self._control.close()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])


def _database_url() -> str:
    """The test database this process uses (after pytest-django created it)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, smtp_server, tmp_path_factory):
    """The session's worker, not yet started (``celery_worker`` starts it)."""
    queue = f"mail-tests-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "TEST_SMTP_PORT": str(smtp_server.port),
        "CELERY_EAGER": "0",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(
        env=env, queue=queue, log_path=tmp_path_factory.mktemp("celery") / "worker.log"
    )
    yield worker
    worker.close()


def _drop_connections() -> None:
    # The app keeps its broker pools and result backend once made; after their URLs
    # change it must look them up again (as Celery does after a fork). The pools stay
    # open in kombu's registry, one per broker URL, for the next test to reuse.
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    vars(app._local).pop("backend", None)


@pytest.fixture
def celery_worker(transactional_db, mailbox, celery_worker_process):
    """A running worker; tasks queued by this process go to it through Redis."""
    if not celery_worker_process.running:
        celery_worker_process.start()
    changed = {
        "task_always_eager": False,
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_default_queue": celery_worker_process.queue,
    }
    saved = {key: app.conf[key] for key in changed}
    _drop_connections()
    app.conf.update(changed)
    yield celery_worker_process
    app.conf.update(saved)
    _drop_connections()
    celery_worker_process.purge()  # nothing a failed test left behind reaches the next one
