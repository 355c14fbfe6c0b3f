"""Benchmark the sending of invitations: 10,000 invitations to one meeting through the real
worker and Redis to a local SMTP server, beside a plain smtplib loop that sends the same
10,000 messages (made beforehand, so only the sending is timed) over one connection.

    make bench-invitations            # or: .venv/bin/python bench/invitations.py
    .venv/bin/python bench/invitations.py --count 2000 --concurrency 2

What is timed for the portal: from the official's ``invitations_create`` (10,000 rows in one
transaction, the sending queued on commit) until the SMTP server has received the last
message, the worker claiming batches, rendering each copy, sending it and marking its row.
The worker runs with the production settings, as in docker-compose (prefork, one process per
core unless --concurrency says otherwise). The SMTP server (aiosmtpd, counting only) runs in
a process of its own, the same server for both. The smtplib loop runs before and after; its
mean is the yardstick. Target: the portal at most 1.5 times the loop.

A PostgreSQL database of its own (``compact_bench_invitations``, dropped and created), Redis
database 14 with a queue of its own; everything on loopback. Results in
bench/results/invitations.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

from seal import seal_env

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "invitations.json"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

DB_NAME = os.environ.get("BENCH_INVITATIONS_DB_NAME", "compact_bench_invitations")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET = 1.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# The SMTP server ------------------------------------------------------------------------


def _serve_smtp(port: int, received, ready) -> None:
    """In a process of its own: accept every message and count it, nothing more."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 Message accepted for delivery"

    controller = Controller(Counting(), hostname=HOST, port=port)
    controller.start()
    ready.set()
    signal.sigwait({signal.SIGTERM})
    controller.stop()


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.received = multiprocessing.Value("q", 0)
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_serve_smtp, args=(self.port, self.received, ready), daemon=True
        )
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # the child waits for it
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        if not ready.wait(30):
            raise RuntimeError("The SMTP server did not start.")

    @property
    def count(self) -> int:
        return self.received.value

    def wait_for(self, count: int, *, timeout: float) -> float:
        """Wait until ``count`` messages have arrived; the moment the last one came."""
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.count} of {count} messages arrived in {timeout} s")
            time.sleep(0.005)
        return time.perf_counter()

    def stop(self):
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


# The environment and the database ---------------------------------------------------------


def bench_env(smtp_port: int, queue: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG_ADMIN_URL}/{DB_NAME}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "SITE_URL": "https://samverkan.example.se",
        "SECURITY_CONTACT": "mailto:security@example.org",
        **seal_env(),
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(smtp_port),
    }
    os.environ.update(env)
    return dict(os.environ)


def recreate_database(env: dict[str, str]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=10) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )


def setup_django(queue: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from config.celery_app import app

    app.conf.task_default_queue = queue


def seed(count: int):
    """A published meeting for the portal's run, one for the loop's messages, an official."""
    from tests.factories import MeetingFactory, OfficialFactory

    official = OfficialFactory(email="official@example.org")
    return MeetingFactory(), MeetingFactory(), official


def addresses(count: int) -> list[str]:
    return [f"medlem{n}@forening{n % 97}.example.org" for n in range(count)]


def prepared_messages(meeting, count: int) -> list[tuple[str, bytes]]:
    """The same invitation e-mails as the worker makes (the portal's own code), as bytes."""
    import email.policy

    from dialogues.models import Invitation
    from dialogues.services.invitations import _Mail

    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, email=address) for address in addresses(count)
    )
    mail = _Mail(meeting)
    return [
        (invitation.email, mail.message(invitation).message(policy=email.policy.SMTP).as_bytes())
        for invitation in Invitation.objects.filter(meeting=meeting).order_by("pk")
    ]


# The runs -------------------------------------------------------------------------------


def smtplib_loop(server: SmtpServer, messages: list[tuple[str, bytes]]) -> float:
    """Seconds to send every message over one connection, until the server has them all."""
    from django.conf import settings

    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    expected = server.count + len(messages)
    start = time.perf_counter()
    with smtplib.SMTP(HOST, server.port, timeout=30) as smtp:
        for address, data in messages:
            smtp.sendmail(sender, [address], data)
    return server.wait_for(expected, timeout=600) - start


class Worker:
    def __init__(self, env: dict[str, str], queue: str, concurrency: int, log: Path):
        self.hostname = f"{queue}@localhost"
        command = [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-n",
            self.hostname,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ]
        if concurrency:
            command += ["--concurrency", str(concurrency)]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 120) -> None:
        from config.celery_app import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("The worker exited; see bench/results/invitations-worker.log")
            if app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise RuntimeError("The worker did not answer in time.")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        self.log.close()


def forget_queue(queue: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as connection:
        connection.delete(queue, f"_kombu.binding.{queue}")


def portal_run(server: SmtpServer, meeting, official, count: int) -> dict:
    from dialogues.models import Invitation
    from dialogues.services.invitations import invitations_create

    expected = server.count + count
    start = time.perf_counter()
    invitations_create(meeting=meeting, emails=addresses(count), actor=official)
    created = time.perf_counter()
    last = server.wait_for(expected, timeout=1800)
    deadline = time.monotonic() + 60
    while Invitation.objects.filter(meeting=meeting, status="sent").count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError("The rows were not all marked sent.")
        time.sleep(0.05)
    return {"seconds": last - start, "create_seconds": created - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--concurrency", type=int, default=0, help="worker processes (default: one per core)"
    )
    options = parser.parse_args()
    RESULTS.parent.mkdir(exist_ok=True)
    queue = f"bench-invitations-{uuid.uuid4().hex[:8]}"
    server = SmtpServer()
    worker = None
    try:
        env = bench_env(server.port, queue)
        print(f"Database {DB_NAME}: creating and migrating …", flush=True)
        recreate_database(env)
        setup_django(queue)
        meeting, baseline_meeting, official = seed(options.count)
        print(f"Making the {options.count:,} messages for the smtplib loop …", flush=True)
        messages = prepared_messages(baseline_meeting, options.count)
        size = sum(len(data) for _address, data in messages) / len(messages)

        worker = Worker(env, queue, options.concurrency, RESULTS.parent / "invitations-worker.log")
        worker.wait_ready()

        load_before = os.getloadavg()
        print("smtplib loop …", flush=True)
        loop_before = smtplib_loop(server, messages)
        print(f"  {loop_before:.2f} s", flush=True)
        print("The portal: invitations_create → Redis → worker → SMTP …", flush=True)
        portal = portal_run(server, meeting, official, options.count)
        print(f"  {portal['seconds']:.2f} s", flush=True)
        print("smtplib loop again …", flush=True)
        loop_after = smtplib_loop(server, messages)
        print(f"  {loop_after:.2f} s", flush=True)
        load_after = os.getloadavg()
    finally:
        if worker:
            worker.stop()
        server.stop()
        forget_queue(queue)

    loop = (loop_before + loop_after) / 2
    ratio = portal["seconds"] / loop
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": options.count,
        "message_bytes": round(size),
        "worker_concurrency": options.concurrency or os.cpu_count(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loop_seconds": [round(loop_before, 2), round(loop_after, 2)],
        "portal_seconds": round(portal["seconds"], 2),
        "create_seconds": round(portal["create_seconds"], 2),
        "ratio": round(ratio, 2),
        "sending_ratio": round((portal["seconds"] - portal["create_seconds"]) / loop, 2),
        "target": TARGET,
        "load_average": [round(x, 2) for x in (*load_before, *load_after)],
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    per_message = 1000 * portal["seconds"] / options.count
    print()
    print(f"| {options.count:,} invitations ({result['message_bytes']:,} bytes each) | s | msg/s |")
    print("|---|---:|---:|")
    print(f"| smtplib loop, one connection (mean) | {loop:.2f} | {options.count / loop:,.0f} |")
    print(
        f"| the portal: create, Redis, worker, SMTP | {portal['seconds']:.2f} | "
        f"{options.count / portal['seconds']:,.0f} |"
    )
    print()
    print(
        f"× loop: {ratio:.2f} (target ≤ {TARGET}: {'yes' if ratio <= TARGET else 'NO'}); "
        f"{per_message:.2f} ms a message; of the {portal['seconds']:.2f} s, creating the rows "
        f"took {portal['create_seconds']:.2f} s, the sending after the commit "
        f"{result['sending_ratio']:.2f} × loop; load average {result['load_average']}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
