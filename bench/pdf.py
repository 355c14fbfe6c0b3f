"""Benchmark the sealed agreement PDF: its rendering with 1,000 signatories, and its download
beside a static file of the same size.

    make bench                       # after bench/run.py and bench/invitations.py
    .venv/bin/python bench/pdf.py [--renders 3] [--requests 300] [--connections 4]

1. Drops and creates the PostgreSQL database `compact_bench_pdf` (`BENCH_PG_URL`,
   `BENCH_PDF_DB_NAME`), migrates it with the production settings and a throwaway seal
   (bench/seal.py), and seeds the demo compact's adopted version (demo/data/compact-2024.yaml,
   Swedish and English) with 1,000 verified organisations, each with an effective signature.
2. **Render**: issues the Swedish agreement PDF as the worker does (compact.documents.issuing:
   the template, WeasyPrint's PDF/UA, the PAdES seal, the storage and the record) `--renders`
   times, and reports the median of the wall time, WeasyPrint's share and the CPU time.
   Target: under 3 s.
3. **Download**: copies the issued edition's bytes into `STATIC_ROOT` (`bench-pdf/…`, removed
   at the end), starts gunicorn (production settings, 2 sync workers) on 127.0.0.1, and asks
   for the PDF (`/sv/agreement/<pk>/agreement.pdf`: the view, its queries, the file from the
   storage) and for the static file (whitenoise) in turn, `--requests` of each, from
   `--connections` clients at once. Reports the median and mean time per download and the
   ratio. Target: at most 1.5 times the static file's.

Writes bench/results/pdf.json. Everything stays on loopback; gunicorn is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from seal import seal_env

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "pdf.json"
MEDIA = BENCH_DIR / "results" / "pdf-media"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # loopback only
DB_NAME = os.environ.get("BENCH_PDF_DB_NAME", "compact_bench_pdf")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432")
SIGNATORIES = 1_000
RENDER_TARGET_SECONDS = 3.0
DOWNLOAD_TARGET_RATIO = 1.5


def bench_env() -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"{PG_ADMIN_URL}/{DB_NAME}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SITE_URL": f"http://{HOST}",
        "SECURITY_CONTACT": "mailto:security@example.org",
        "DJANGO_MEDIA_ROOT": str(MEDIA / "public"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(MEDIA / "private"),
        **seal_env(),
    }
    os.environ.update(env)
    return dict(os.environ)


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=10) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def luhn_number(n: int) -> str:
    digits = f"802{n:06d}"
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"


def seed() -> int:
    """The demo's adopted version and 1,000 signatories (bulk-created: no signals, no tasks)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from compact.models import Agreement, Signature
    from organisations.models import Organisation
    from principles.loading import load_compact, read_compact_file

    with transaction.atomic():
        load_compact(
            read_compact_file(ROOT / "demo" / "data" / "compact-2024.yaml"),
            status=Agreement.Status.ADOPTED,
        )
        agreement = Agreement.objects.get(status=Agreement.Status.ADOPTED)
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{kind} {place} nr {n}",
                organisation_number=luhn_number(n),
                kind=Organisation.Kind.ASSOCIATION,
                postal_town="Exempelstad",
                verification=Organisation.Verification.VERIFIED,
                verified_at=timezone.now(),
            )
            for n, (kind, place) in enumerate(
                (kind, place)
                for kind in (
                    "Föreningen",
                    "Idrottsklubben",
                    "Kören",
                    "Stiftelsen",
                    "Studieförbundet",
                )
                for place in [f"Exempelstad {i}" for i in range(SIGNATORIES // 5)]
            )
        )
        now = timezone.now()
        Signature.objects.bulk_create(
            Signature(
                organisation=organisation,
                agreement=agreement,
                channel=Signature.Channel.ONLINE,
                signer_name="Kim Exempelsson",
                signer_role="Ordförande",
                signed_at=now - timedelta(hours=index),
            )
            for index, organisation in enumerate(organisations)
        )
    return agreement.pk


def render(agreement_pk: int, times: int) -> dict:
    from compact.documents import issuing, rendering
    from compact.models import Agreement

    agreement = Agreement.objects.get(pk=agreement_pk)
    issuing.issue_agreement(agreement, "sv", force=True)  # imports, fonts, the seal's key
    weasyprint_seconds = []
    original = rendering.html_to_pdf

    def timed(html, **kwargs):
        start = time.perf_counter()
        try:
            return original(html, **kwargs)
        finally:
            weasyprint_seconds.append(time.perf_counter() - start)

    issuing.html_to_pdf = timed
    walls, cpus, document = [], [], None
    try:
        for _ in range(times):
            wall, cpu = time.perf_counter(), time.process_time()
            document = issuing.issue_agreement(agreement, "sv", force=True)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    finally:
        issuing.html_to_pdf = original
    from pypdf import PdfReader

    pages = len(PdfReader(document.file.path).pages)
    return {
        "signatories": document.signatory_count,
        "pages": pages,
        "bytes": document.size,
        "issue_seconds_median": statistics.median(walls),
        "weasyprint_seconds_median": statistics.median(weasyprint_seconds),
        "issue_cpu_seconds_median": statistics.median(cpus),
        "issue_seconds_all": walls,
        "document_pk": document.pk,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, log):
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/ping/", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not answer /ping/ within 60 s")


def download(port: int, path: str, expected: bytes) -> float:
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - start
    if response.status != 200 or body != expected:
        raise RuntimeError(f"{path}: {response.status}, {len(body)} bytes")
    return elapsed


def load(port: int, paths: list[str], expected: bytes, requests: int, connections: int):
    """``requests`` downloads of each path, the paths in turn, from ``connections`` clients."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    lock = threading.Lock()
    queue = [path for _ in range(requests) for path in paths]

    def client():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            elapsed = download(port, path, expected)
            with lock:
                times[path].append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="reuse the database and the PDF of the last run: measure the download only",
    )
    opts = parser.parse_args()

    env = bench_env()
    sys.path.insert(0, str(ROOT))
    load_before = os.getloadavg()
    if not opts.skip_setup:
        print(f"Database {DB_NAME}: creating, migrating, seeding {SIGNATORIES} signatories …")
        recreate_database()
        shutil.rmtree(MEDIA, ignore_errors=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from compact.models import IssuedDocument

    if opts.skip_setup:
        last = json.loads(RESULTS.read_text())
        rendered = {**last["render"], "document_pk": IssuedDocument.objects.latest("pk").pk}
        agreement_pk = IssuedDocument.objects.get(pk=rendered["document_pk"]).agreement_id
    else:
        agreement_pk = seed()
        print(f"Rendering the Swedish agreement PDF {opts.renders} times …")
        rendered = render(agreement_pk, opts.renders)

    document = IssuedDocument.objects.get(pk=rendered["document_pk"])
    with document.file.open("rb") as file:
        data = file.read()
    static_dir = Path(settings.STATIC_ROOT) / "bench-pdf"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "agreement.pdf").write_bytes(data)
    with translation.override("sv"):
        pdf_path = reverse("compact:agreement_pdf", args=[agreement_pk])
    static_path = f"{settings.STATIC_URL}bench-pdf/agreement.pdf"

    port = free_port()
    server = start_gunicorn(env, port, BENCH_DIR / "results" / "gunicorn-pdf.log")
    try:
        print(
            f"Downloading {len(data):,} bytes: {opts.requests} × each, {opts.connections} clients …"
        )
        load(port, [pdf_path, static_path], data, 20, opts.connections)  # warm-up
        times = load(port, [pdf_path, static_path], data, opts.requests, opts.connections)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_dir, ignore_errors=True)
    pdf_median = statistics.median(times[pdf_path])
    static_median = statistics.median(times[static_path])
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}",
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "render": {k: v for k, v in rendered.items() if k != "document_pk"},
        "render_target_seconds": RENDER_TARGET_SECONDS,
        "download": {
            "bytes": len(data),
            "requests_each": opts.requests,
            "connections": opts.connections,
            "pdf_ms_median": pdf_median * 1000,
            "static_ms_median": static_median * 1000,
            "pdf_ms_mean": statistics.mean(times[pdf_path]) * 1000,
            "static_ms_mean": statistics.mean(times[static_path]) * 1000,
            "ratio_median": pdf_median / static_median,
        },
        "download_target_ratio": DOWNLOAD_TARGET_RATIO,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    r, d = result["render"], result["download"]
    print()
    print(
        f"Agreement PDF, {r['signatories']} signatories, {r['pages']} pages, {r['bytes']:,} bytes:"
    )
    print(
        f"  issued in {r['issue_seconds_median']:.2f} s (median of {opts.renders}; WeasyPrint "
        f"{r['weasyprint_seconds_median']:.2f} s; CPU {r['issue_cpu_seconds_median']:.2f} s)"
        f"  target < {RENDER_TARGET_SECONDS:.0f} s: "
        f"{'met' if r['issue_seconds_median'] < RENDER_TARGET_SECONDS else 'NOT met'}"
    )
    print(
        f"  download {d['pdf_ms_median']:.1f} ms, static file {d['static_ms_median']:.1f} ms "
        f"(medians): {d['ratio_median']:.2f} ×  target ≤ {DOWNLOAD_TARGET_RATIO}: "
        f"{'met' if d['ratio_median'] <= DOWNLOAD_TARGET_RATIO else 'NOT met'}"
    )
    print(f"  load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
