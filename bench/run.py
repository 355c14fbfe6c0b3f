"""Benchmark the public pages against the bare ping view.

Creates a dedicated PostgreSQL database, migrates it with the production settings, seeds a
large compact (and thousands of signatory organisations), collects the static files, starts
gunicorn on loopback and loads every page in PAGES with concurrent clients (wrk, or a bounded
Python load generator when wrk cannot be had). Prints a table and writes bench/results/latest.json.

    make bench                      # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --duration 5 --only home,ping

Every request goes to 127.0.0.1 only; every load run is bounded in time; gunicorn is stopped
at the end, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent

DB_NAME = os.environ.get("BENCH_DB_NAME", "compact_bench")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432")
HOST = "127.0.0.1"  # loopback only, never anything else
TARGET_RATIO = 0.6

# The size of the seeded compact.
PRINCIPLES = 7
COMMITMENTS_PER_PRINCIPLE = 30
DEVELOPMENT_AREAS = 4
ITEMS_PER_AREA = 20
ORGANISATIONS = 5_000
SIGNED_VERIFIED = 4_000  # verified organisations with an effective online signature
SIGNED_UNVERIFIED = 300  # signed, but not (yet) verified: not public
WITHDRAWN = 200  # verified, signed, then withdrew: not public

# --------------------------------------------------------------------------------------
# The pages. One line per page: a label and a function from the seed facts to a path.
# `url(name, lang, **kwargs)` reverses a URL name under an i18n prefix; `seed` is the dict
# returned by seed_database() (agreement_pk, principle_pks, organisation_pks, …).
# "ping" is the yardstick: every other page's requests/s is divided by ping's.
# --------------------------------------------------------------------------------------
PAGES = [
    ("ping", lambda seed: "/ping/"),
    ("compact:home", lambda seed: url("compact:home", "sv")),
    ("compact:home (en)", lambda seed: url("compact:home", "en")),
    ("principles:list", lambda seed: url("principles:list", "sv")),
    ("principles:detail", lambda seed: url("principles:detail", "sv", pk=seed["principle_pks"][3])),
    ("principles:party", lambda seed: url("principles:party", "sv", party="municipality")),
    ("principles:development_areas", lambda seed: url("principles:development_areas", "sv")),
    ("compact:signatories", lambda seed: url("compact:signatories", "sv")),
    (
        "compact:signatories (filtered)",
        lambda seed: (
            url("compact:signatories", "sv")
            + f"?kind=association&area={seed['activity_area_slugs'][1]}&sort=-date"
        ),
    ),
    ("compact:signatories (page 40)", lambda seed: url("compact:signatories", "sv") + "?page=40"),
    ("compact:signatories_csv", lambda seed: url("compact:signatories_csv", "sv")),
    (
        "compact:signatories_csv (filtered)",
        lambda seed: url("compact:signatories_csv", "sv") + "?kind=foundation",
    ),
    (
        "organisations:profile",
        lambda seed: url("organisations:profile", "sv", pk=seed["organisation_pks"][2]),
    ),
]


def url(name: str, lang: str, **kwargs) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


# --------------------------------------------------------------------------------------
# Environment and database
# --------------------------------------------------------------------------------------


def bench_env() -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": f"{PG_ADMIN_URL}/{DB_NAME}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
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


def analyze_database() -> None:
    """Fresh statistics, as autovacuum would give a production database: without them the
    planner takes every freshly bulk-loaded table for empty."""
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/{DB_NAME}", autocommit=True, connect_timeout=10) as conn:
        conn.execute("VACUUM ANALYZE")


def manage(*args: str, env: dict[str, str], timeout: int = 300) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout
    )


# --------------------------------------------------------------------------------------
# Seed data
# --------------------------------------------------------------------------------------

_SV_WORDS = [
    "dialog",
    "samverkan",
    "förtroende",
    "självständighet",
    "mångfald",
    "öppenhet",
    "kvalitet",
    "långsiktighet",
    "föreningsliv",
    "civilsamhälle",
    "kommunen",
    "delaktighet",
    "inflytande",
    "finansiering",
    "mötesplatser",
    "kunskap",
    "uppföljning",
    "ansvar",
    "tillit",
    "demokrati",
]
_EN_WORDS = [
    "dialogue",
    "cooperation",
    "trust",
    "independence",
    "diversity",
    "openness",
    "quality",
    "long-term",
    "associations",
    "civil-society",
    "municipality",
    "participation",
    "influence",
    "funding",
    "meeting-places",
    "knowledge",
    "follow-up",
    "responsibility",
    "confidence",
    "democracy",
]


def _text(words: list[str], seed: int, length: int) -> str:
    picked = [words[(seed * 7 + i * 3) % len(words)] for i in range(length)]
    return (" ".join(picked)).capitalize() + "."


def seed_database() -> dict:
    from django.db import transaction

    from compact.models import Agreement, PublicParty, Signature
    from organisations.models import ActivityArea, Organisation
    from organisations.numbers import with_check_digit
    from principles.models import Commitment, DevelopmentArea, Party, PlanItem, Principle

    parties = list(Party)
    with transaction.atomic():
        municipality = PublicParty.objects.create(
            name="Exempelby kommun", kind=PublicParty.Kind.MUNICIPALITY
        )
        region = PublicParty.objects.create(name="Region Exempel", kind=PublicParty.Kind.REGION)

        old = Agreement.objects.create(
            title_sv="Överenskommelsen (2019)",
            title_en="The compact (2019)",
            version_label="1.0",
            status=Agreement.Status.SUPERSEDED,
            adopted_on=date(2019, 5, 20),
            preamble_sv=_text(_SV_WORDS, 1, 60),
            preamble_en=_text(_EN_WORDS, 1, 60),
        )
        old.public_parties.set([municipality])
        current = Agreement.objects.create(
            title_sv="Överenskommelsen mellan kommunen och idéburen sektor",
            title_en="The compact between the municipality and the civil-society sector",
            version_label="2.0",
            status=Agreement.Status.ADOPTED,
            adopted_on=date(2023, 6, 12),
            previous=old,
            preamble_sv="\n\n".join(_text(_SV_WORDS, i, 80) for i in range(4)),
            preamble_en="\n\n".join(_text(_EN_WORDS, i, 80) for i in range(4)),
        )
        current.public_parties.set([municipality, region])

        principle_pks = []
        for agreement, count in ((old, 5), (current, PRINCIPLES)):
            principles = Principle.objects.bulk_create(
                Principle(
                    agreement=agreement,
                    position=i,
                    title_sv=f"Princip {i + 1}: {_SV_WORDS[i % len(_SV_WORDS)]}",
                    title_en=f"Principle {i + 1}: {_EN_WORDS[i % len(_EN_WORDS)]}",
                    description_sv="\n\n".join(_text(_SV_WORDS, i + k, 60) for k in range(3)),
                    description_en="\n\n".join(_text(_EN_WORDS, i + k, 60) for k in range(3)),
                )
                for i in range(count)
            )
            if agreement is current:
                principle_pks = [p.pk for p in principles]
            per = COMMITMENTS_PER_PRINCIPLE if agreement is current else 8
            Commitment.objects.bulk_create(
                Commitment(
                    principle=principle,
                    position=j,
                    party=parties[j % len(parties)],
                    text_sv=_text(_SV_WORDS, principle.pk + j, 25),
                    text_en=_text(_EN_WORDS, principle.pk + j, 25),
                )
                for principle in principles
                for j in range(per)
            )
            areas = DevelopmentArea.objects.bulk_create(
                DevelopmentArea(
                    agreement=agreement,
                    position=i,
                    title_sv=f"Utvecklingsområde {i + 1}",
                    title_en=f"Development area {i + 1}",
                    aim_sv="Vi vill " + _text(_SV_WORDS, i, 30).lower(),
                    aim_en="We want " + _text(_EN_WORDS, i, 30).lower(),
                )
                for i in range(DEVELOPMENT_AREAS if agreement is current else 2)
            )
            PlanItem.objects.bulk_create(
                PlanItem(
                    area=area,
                    position=j,
                    text_sv=_text(_SV_WORDS, area.pk + j, 20),
                    text_en=_text(_EN_WORDS, area.pk + j, 20),
                )
                for area in areas
                for j in range(ITEMS_PER_AREA if agreement is current else 5)
            )

        activity_areas = ActivityArea.objects.bulk_create(
            ActivityArea(name=name, slug=slug)
            for name, slug in (
                ("Idrott", "idrott"),
                ("Kultur", "kultur"),
                ("Socialt arbete", "socialt-arbete"),
                ("Utbildning", "utbildning"),
                ("Miljö", "miljo"),
                ("Trossamfund", "trossamfund"),
                ("Barn och unga", "barn-och-unga"),
                ("Funktionsrätt", "funktionsratt"),
                ("Integration", "integration"),
                ("Äldre", "aldre"),
            )
        )

        kinds = list(Organisation.Kind)
        towns = ["Exempelby", "Norrby", "Söderby", "Västerby", "Österby", "Sjöstad"]
        n_verified = SIGNED_VERIFIED + WITHDRAWN + 300  # some verified ones never signed
        now = datetime.now(tz=UTC)

        def verification(i: int) -> str:
            if i < n_verified:
                return Organisation.Verification.VERIFIED
            return (
                Organisation.Verification.REJECTED
                if i % 10 == 0
                else Organisation.Verification.UNVERIFIED
            )

        organisations = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"{_SV_WORDS[i % len(_SV_WORDS)].capitalize()}föreningen {i:05d}",
                    organisation_number=with_check_digit(f"{802000000 + i:09d}"),
                    kind=kinds[i % len(kinds)],
                    website=f"https://forening{i}.example.org/" if i % 3 == 0 else "",
                    description=_text(_SV_WORDS, i, 30),
                    postal_town=towns[i % len(towns)],
                    public_email=f"info{i}@example.org",
                    publish_email=i % 2 == 0,
                    contact_name=f"Kontakt {i}",
                    contact_email=f"kontakt{i}@example.org",
                    verification=verification(i),
                    verified_at=now if i < n_verified else None,
                )
                for i in range(ORGANISATIONS)
            ),
            batch_size=1000,
        )
        through = Organisation.activity_areas.through
        through.objects.bulk_create(
            (
                through(organisation_id=org.pk, activityarea_id=activity_areas[(i + k) % 10].pk)
                for i, org in enumerate(organisations)
                for k in range(1 + i % 3)
            ),
            batch_size=2000,
        )

        def signature(org, agreement, day: int, **extra) -> Signature:
            return Signature(
                organisation=org,
                agreement=agreement,
                channel=Signature.Channel.ONLINE,
                signer_name=f"Firmatecknare {org.pk}",
                signer_role="Ordförande",
                authority=Signature.Authority.AUTHORISED_SIGNATORY,
                signed_at=now - timedelta(days=day % 700, minutes=org.pk % 1440),
                **extra,
            )

        signatures = []
        verified_signers = organisations[:SIGNED_VERIFIED]
        withdrawn = organisations[SIGNED_VERIFIED : SIGNED_VERIFIED + WITHDRAWN]
        unverified_signers = organisations[n_verified : n_verified + SIGNED_UNVERIFIED]
        signatures += [signature(o, current, i) for i, o in enumerate(verified_signers)]
        signatures += [
            signature(o, current, i, withdrawn_at=now, withdrawal_reason="Styrelsebeslut")
            for i, o in enumerate(withdrawn)
        ]
        signatures += [signature(o, current, i) for i, o in enumerate(unverified_signers)]
        # Signatures on the superseded version (history).
        signatures += [signature(o, old, 900 + i) for i, o in enumerate(organisations[:2500])]
        Signature.objects.bulk_create(signatures, batch_size=2000)

    public_signatories = current.signatures.public().values("organisation").distinct().count()
    return {
        "agreement_pk": current.pk,
        "principle_pks": principle_pks,
        "organisation_pks": [o.pk for o in organisations[:10]],
        "activity_area_slugs": [a.slug for a in activity_areas],
        "public_signatories": public_signatories,
    }


# --------------------------------------------------------------------------------------
# Query counts (in process, Django's test client)
# --------------------------------------------------------------------------------------


def page_profile(path: str) -> dict:
    """Status, SQL statements and their time for one unloaded request (median of 5), with the
    public page cache off: what the view itself costs when the content has just changed."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST=HOST)
    client.get(path)  # warm caches (templates, translations)
    timings: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - start)

    runs = []
    for _ in range(5):
        timings.clear()
        with override_settings(PUBLIC_PAGE_CACHE=False), connection.execute_wrapper(timed):
            response = client.get(path)
        runs.append((sum(timings) * 1000, len(timings)))
    sql_ms, queries = sorted(runs)[len(runs) // 2]
    return {
        "status": response.status_code,
        "queries": queries,  # SQL statements; ATOMIC_REQUESTS' BEGIN/COMMIT not counted
        "sql_ms": round(sql_ms, 2),  # client-side time in the database driver, unloaded
        "bytes": len(
            b"".join(response.streaming_content) if response.streaming else response.content
        ),
    }


# --------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workers: int, threads: int):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = RESULTS_DIR / "gunicorn.log"

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/ping/", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /ping/ within 60 s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------------------
# Load generators
# --------------------------------------------------------------------------------------

WRK_LUA = """
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"seconds\\": %.3f, \\"rps\\": %.2f, \\"p50_ms\\": %.2f, "
    .. "\\"p95_ms\\": %.2f, \\"p99_ms\\": %.2f, \\"errors\\": %d, \\"non_2xx\\": %d}\\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    print("wrk absent: installing it (apt-get install wrk)…", flush=True)
    apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=apt_env, check=True, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], env=apt_env, check=True, timeout=300
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"could not install wrk ({exc}); using the Python load generator", flush=True)
        return None
    return shutil.which("wrk")


def run_wrk(wrk: str, target: str, seconds: float, connections: int, threads: int) -> dict:
    script = RESULTS_DIR / "report.lua"
    script.write_text(WRK_LUA)
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        target,
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    match = re.search(r"^BENCH (\{.*\})$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return json.loads(match.group(1))


def run_python_load(target: str, seconds: float, connections: int, threads: int) -> dict:
    """A bounded closed-loop generator: `connections` threads, keep-alive, `seconds` long."""
    del threads
    if not target.startswith(f"http://{HOST}:"):
        raise ValueError(f"loopback targets only, not {target}")
    hostport, _, path = target.removeprefix("http://").partition("/")
    host, port = hostport.split(":")
    path = "/" + path
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine: list[float] = []
        errors = non_2xx = 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    non_2xx += 1
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["non_2xx"] += non_2xx

    began = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 15)
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 2),
        "p50_ms": round(pct(50), 2),
        "p95_ms": round(pct(95), 2),
        "p99_ms": round(pct(99), 2),
        **counts,
    }


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


@dataclass
class Options:
    duration: float
    warmup: float
    connections: int
    threads: int
    workers: int
    worker_threads: int
    only: list[str] | None
    skip_setup: bool
    generator: str


def parse_args() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8, help="seconds of load per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="load-generator threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--only", help="comma-separated page labels (ping is always measured)")
    parser.add_argument(
        "--skip-setup", action="store_true", help="reuse the seeded database and static files"
    )
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk (installed if missing), or the bounded Python one",
    )
    args = parser.parse_args()
    if not 0 < args.duration <= 60 or not 0 <= args.warmup <= 10:
        parser.error("--duration must be in (0, 60] and --warmup in [0, 10]")
    if not 1 <= args.connections <= 64:
        parser.error("--connections must be in [1, 64]")
    return Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        worker_threads=args.worker_threads,
        only=args.only.split(",") if args.only else None,
        skip_setup=args.skip_setup,
        generator=args.generator,
    )


def main() -> int:
    opts = parse_args()
    RESULTS_DIR.mkdir(exist_ok=True)
    env = bench_env()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    t0 = time.monotonic()
    if not opts.skip_setup:
        print(f"· database {DB_NAME}: drop and create", flush=True)
        recreate_database()
        print("· migrate (production settings)", flush=True)
        manage("migrate", "--noinput", "-v0", env=env)

    import django

    django.setup()
    from compact.models import Agreement

    if opts.skip_setup:
        from principles.models import Principle

        current = Agreement.objects.in_force().first()
        if current is None:
            raise SystemExit("--skip-setup: the bench database has no seeded compact")
        seed = {
            "agreement_pk": current.pk,
            "principle_pks": list(
                Principle.objects.filter(agreement=current).values_list("pk", flat=True)
            ),
            "public_signatories": current.signatures.public()
            .values("organisation")
            .distinct()
            .count(),
        }
    else:
        print("· seed", flush=True)
        seed = seed_database()
        analyze_database()
        print("· collectstatic", flush=True)
        manage("collectstatic", "--noinput", "-v0", env=env)
    print(
        f"  data: {PRINCIPLES}×{COMMITMENTS_PER_PRINCIPLE} commitments, "
        f"{DEVELOPMENT_AREAS}×{ITEMS_PER_AREA} plan items, {ORGANISATIONS} organisations, "
        f"{seed['public_signatories']} public signatories "
        f"({time.monotonic() - t0:.0f} s)",
        flush=True,
    )

    pages = [(label, make_path(seed)) for label, make_path in PAGES]
    if opts.only:
        pages = [(label, path) for label, path in pages if label == "ping" or label in opts.only]

    if any(path == "/ping/" for _, path in pages):
        pages.append(("ping (end)", "/ping/"))  # ping again last: the yardstick is their mean

    profiles = {}
    for label, path in pages:
        profiles[label] = page_profile(path)
        if profiles[label]["status"] != 200:
            raise SystemExit(f"{label} {path} answered {profiles[label]['status']}, not 200")
    from django.db import connections

    connections.close_all()

    wrk = ensure_wrk() if opts.generator != "python" else None
    if opts.generator == "wrk" and not wrk:
        raise SystemExit("wrk cannot be had here; try --generator python")
    load_before = list(os.getloadavg())
    if load_before[0] > 1.0:
        print(
            f"  note: load average {load_before[0]:.1f} before the run: other processes share "
            "the 2 cores, so absolute figures will be low and noisy",
            flush=True,
        )
    generator = "wrk" if wrk else "python"
    server = Server(env, opts.workers, opts.worker_threads)

    def on_signal(signum, _frame):
        server.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    rows = []
    try:
        print(
            f"· gunicorn on {HOST}:{server.port} ({opts.workers} workers × "
            f"{opts.worker_threads} threads, gthread); load: {generator}, "
            f"{opts.connections} connections, {opts.warmup:g}+{opts.duration:g} s per page",
            flush=True,
        )
        server.start()
        for label, path in pages:
            target = server.base + path
            with urllib.request.urlopen(target, timeout=10) as resp:  # noqa: S310
                if resp.status != 200:
                    raise RuntimeError(f"{label} {path} answered {resp.status}")

            def load(seconds: float, target: str = target) -> dict:
                if wrk:
                    return run_wrk(wrk, target, seconds, opts.connections, opts.threads)
                return run_python_load(target, seconds, opts.connections, opts.threads)

            if opts.warmup:
                load(opts.warmup)
            result = load(opts.duration)
            rows.append({"page": label, "path": path, **result, **profiles[label]})
            print(
                f"  {label:<30} {result['rps']:>8.1f} req/s  p95 {result['p95_ms']:>7.1f} ms",
                flush=True,
            )
    finally:
        server.stop()

    pings = [row["rps"] for row in rows if row["path"] == "/ping/"]
    ping_rps = sum(pings) / len(pings)
    for row in rows:
        row["ratio"] = round(row["rps"] / ping_rps, 3) if ping_rps else None
        row["meets_target"] = row["ratio"] is not None and row["ratio"] >= TARGET_RATIO

    report = {
        "generated_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": list(os.getloadavg()),
        },
        "target_ratio": TARGET_RATIO,
        "ping_rps_mean": round(ping_rps, 2),
        "settings": "config.settings.production",
        "server": {
            "gunicorn_workers": opts.workers,
            "worker_class": "gthread",
            "threads": opts.worker_threads,
        },
        "load": {
            "generator": generator,
            "connections": opts.connections,
            "threads": opts.threads,
            "warmup_s": opts.warmup,
            "duration_s": opts.duration,
        },
        "data": {
            "principles": PRINCIPLES,
            "commitments_per_principle": COMMITMENTS_PER_PRINCIPLE,
            "development_areas": DEVELOPMENT_AREAS,
            "plan_items_per_area": ITEMS_PER_AREA,
            "organisations": ORGANISATIONS,
            "public_signatories": seed["public_signatories"],
        },
        "pages": rows,
    }
    (RESULTS_DIR / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(rows))
    print(f"\nwritten: {(RESULTS_DIR / 'latest.json').relative_to(ROOT)}")
    failed_requests = sum(row["errors"] + row["non_2xx"] for row in rows)
    if failed_requests:
        print(f"WARNING: {failed_requests} failed or non-2xx responses under load")
    failing = [row["page"] for row in rows if not row["meets_target"]]
    if failing:
        print(f"below {TARGET_RATIO} of ping: {', '.join(failing)}")
    return 0


def table(rows: list[dict]) -> str:
    head = ("page", "req/s", "p95 ms", "× ping", f"≥ {TARGET_RATIO}", "queries", "SQL ms", "KB")
    widths = (30, 8, 7, 6, 5, 7, 6, 6)
    lines = [
        "| "
        + " | ".join(
            f"{h:<{w}}" if i == 0 else f"{h:>{w}}"
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        )
        + " |",
        "|"
        + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths))
        + "|",
    ]
    for row in rows:
        cells = (
            row["page"],
            f"{row['rps']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['ratio']:.2f}",
            "yes" if row["meets_target"] else "NO",
            str(row["queries"]),
            f"{row['sql_ms']:.1f}",
            f"{row['bytes'] / 1024:.1f}",
        )
        lines.append(
            "| "
            + " | ".join(
                f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )
    return "\n".join(lines)


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (subprocess.SubprocessError, OSError):
        return None


if __name__ == "__main__":
    sys.exit(main())
