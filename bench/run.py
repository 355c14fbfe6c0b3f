"""Benchmark the portal's pages against the bare ping view.

Creates a dedicated PostgreSQL database, migrates it with the production settings, seeds a
large compact (and thousands of signatory organisations), collects the static files, starts
gunicorn on loopback and loads every page in PAGES with concurrent clients (wrk, or a bounded
Python load generator when wrk cannot be had): each public page as the public gets it (the page
cache) and again as a signed-in person gets it (rendered per request), then the signed-in pages
in SIGNED_IN_PAGES with a representative's or an official's session. Besides requests/s it
reads the gunicorn workers' CPU time, per request served. Prints a table and writes
bench/results/latest.json.

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

from seal import seal_env

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent

DB_NAME = os.environ.get("BENCH_DB_NAME", "compact_bench")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432")
HOST = "127.0.0.1"  # loopback only, never anything else
TARGET_RATIO = 0.6  # public pages, as the public gets them (the page cache)
CACHE_OFF_TARGET_RATIO = 0.2  # public pages rendered per request (a signed-in visitor)
SIGNED_IN_TARGET_RATIO = 0.15  # the representative's and the officials' pages

# The size of the seeded compact.
PRINCIPLES = 7
COMMITMENTS_PER_PRINCIPLE = 30
DEVELOPMENT_AREAS = 4
ITEMS_PER_AREA = 20
ORGANISATIONS = 5_000
SIGNED_VERIFIED = 4_000  # verified organisations with an effective online signature
SIGNED_UNVERIFIED = 300  # signed, but not (yet) verified: not public
WITHDRAWN = 200  # verified, signed, then withdrew: not public
ACTION_RECORDS = 5_000  # the officials' action log

# The signed-in bench users (created in the bench database only; they cannot sign in: no
# usable password). The official is a superuser, which counts as an official whatever the
# group or permission that makes one, with a TOTP authenticator.
REPRESENTATIVE_EMAIL = "bench-representative@example.org"
OFFICIAL_EMAIL = "bench-official@example.org"

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
    ("core:accessibility", lambda seed: url("core:accessibility", "sv")),
    ("core:join", lambda seed: url("core:join", "sv")),
    ("principles:history", lambda seed: url("principles:history", "sv")),
    ("principles:version", lambda seed: url("principles:version", "sv", pk=seed["agreement_pk"])),
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
    ("principles:follow_ups", lambda seed: url("principles:follow_ups", "sv")),
    ("principles:follow_up", lambda seed: url("principles:follow_up", "sv", year=2024)),
    (
        "principles:follow_up_party",
        lambda seed: url("principles:follow_up_party", "sv", year=2024, party="sector"),
    ),
    (
        "principles:follow_up_compare",
        lambda seed: url("principles:follow_up_compare", "sv") + "?from=2023&to=2024",
    ),
]

# Signed-in pages, never cached: a label, who asks ("representative": the bench user who
# represents seed["represented_pk"]; "official": an official's session that signed in with TOTP)
# and the path.
SIGNED_IN_PAGES = [
    (
        "organisations:dashboard",
        "representative",
        lambda seed: url("organisations:dashboard", "sv", organisation_pk=seed["represented_pk"]),
    ),
    ("backoffice:dashboard", "official", lambda seed: url("backoffice:dashboard", "sv")),
    ("backoffice:organisations", "official", lambda seed: url("backoffice:organisations", "sv")),
    ("backoffice:signatures", "official", lambda seed: url("backoffice:signatures", "sv")),
    ("backoffice:log", "official", lambda seed: url("backoffice:log", "sv")),
    ("backoffice:follow_ups", "official", lambda seed: url("backoffice:follow_ups", "sv")),
    (
        "backoffice:follow_up_record",
        "official",
        lambda seed: url(
            "backoffice:follow_up_record",
            "sv",
            pk=seed["follow_up_draft_pk"],
            principle=seed["principle_pks"][0],
        ),
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
        "SITE_URL": f"http://{HOST}",
        "SECURITY_CONTACT": "mailto:security@example.org",
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

    official = bench_users(organisations[0].pk)[1]
    seed_action_log(organisations[:ACTION_RECORDS], official)
    seed_follow_ups(current, official)
    return seed_facts()


FOLLOW_UP_YEARS = (2023, 2024)  # published; the next year's is a draft


def seed_follow_ups(agreement, official) -> None:
    """Two published follow-ups of the version in force and a draft, through the services
    (every commitment and plan item with a status and an account)."""
    from principles.followups import (
        EntryChange,
        entries_record,
        follow_up_create,
        follow_up_publish,
    )
    from principles.models import EntryStatus

    statuses = EntryStatus.values
    for offset, year in enumerate((*FOLLOW_UP_YEARS, FOLLOW_UP_YEARS[-1] + 1)):
        follow_up = follow_up_create(actor=official, year=year, agreement=agreement)
        for plan, entries in (
            (False, follow_up.commitment_entries.order_by("pk")),
            (True, follow_up.plan_item_entries.order_by("pk")),
        ):
            entries_record(
                actor=official,
                follow_up=follow_up,
                plan=plan,
                changes=[
                    EntryChange(
                        entry,
                        statuses[(index + offset) % len(statuses)],
                        account=_text(_SV_WORDS, index, 30),
                        links="https://example.org/uppfoljning" if index % 5 == 0 else "",
                    )
                    for index, entry in enumerate(entries)
                ],
            )
        if year in FOLLOW_UP_YEARS:
            follow_up_publish(actor=official, follow_up=follow_up)


def seed_facts() -> dict:
    """What PAGES need to know about the seeded database (also with --skip-setup)."""
    from compact.models import Agreement
    from organisations.models import ActivityArea, Organisation, Representative
    from principles.models import FollowUp, Principle

    current = Agreement.objects.in_force().first()
    if current is None:
        raise SystemExit("the bench database has no seeded compact (run without --skip-setup)")
    represented = Representative.objects.filter(user__email=REPRESENTATIVE_EMAIL).first()
    if represented is None:
        raise SystemExit("the bench database has no bench representative")
    return {
        "agreement_pk": current.pk,
        "principle_pks": list(
            Principle.objects.filter(agreement=current)
            .order_by("position")
            .values_list("pk", flat=True)
        ),
        "organisation_pks": list(
            Organisation.objects.order_by("pk").values_list("pk", flat=True)[:10]
        ),
        "activity_area_slugs": list(
            ActivityArea.objects.order_by("pk").values_list("slug", flat=True)
        ),
        "public_signatories": current.signatures.public().values("organisation").distinct().count(),
        "organisations": Organisation.objects.count(),
        "represented_pk": represented.organisation_id,
        "follow_up_draft_pk": FollowUp.objects.filter(status="draft")
        .values_list("pk", flat=True)
        .first(),
    }


def bench_users(represented_pk: int):
    """The representative (who may sign for organisation `represented_pk`, verified and signed)
    and the official: a member of the Officials group (a superuser where the group does not
    make one an official), with a TOTP authenticator. Neither has a usable password."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from organisations.models import Representative

    users = get_user_model().objects
    representative = users.create_user(REPRESENTATIVE_EMAIL, full_name="Bench Representative")
    Representative.objects.create(
        organisation_id=represented_pk, user=representative, is_contact_person=True, may_sign=True
    )
    official = users.create_user(OFFICIAL_EMAIL, full_name="Bench Official")
    official.groups.add(*Group.objects.filter(name="Officials"))
    official = users.get(pk=official.pk)  # no cached permissions
    if not official.has_perm("accounts.official"):
        official.is_superuser = official.is_staff = True
        official.save(update_fields=["is_superuser", "is_staff"])
    for user in (representative, official):
        user.set_unusable_password()
        user.save(update_fields=["password"])
    TOTP.activate(official, "JBSWY3DPEHPK3PXP")
    return representative, official


def seed_action_log(organisations, official) -> None:
    """One verification per organisation in the action log."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import ActionRecord

    content_type = ContentType.objects.get_for_model(organisations[0])
    ActionRecord.objects.bulk_create(
        (
            ActionRecord(
                actor=official,
                action_type="organisations.organisation.verified",
                content_type=content_type,
                object_id=org.pk,
            )
            for org in organisations
        ),
        batch_size=2000,
    )


# --------------------------------------------------------------------------------------
# Signed-in sessions
# --------------------------------------------------------------------------------------


def signed_in_cookies() -> dict[str, str]:
    """A Cookie header per role: a fresh database session for the bench user, as a browser
    holds it after signing in (with a CSRF cookie). The official's session records a TOTP
    authentication, as allauth's MFA stage records it, so the officials' area opens."""
    from importlib import import_module

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.http import HttpRequest
    from django.utils.crypto import get_random_string

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    users = get_user_model().objects
    cookies = {}
    for role, email in (("representative", REPRESENTATIVE_EMAIL), ("official", OFFICIAL_EMAIL)):
        user = users.get(email=email)
        request = HttpRequest()
        request.session = store_class()
        request.session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        request.session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        record_authentication(request, user, "password", email=email)
        if role == "official":
            totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
        request.session.save()
        cookies[role] = (
            f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        )
    return cookies


# --------------------------------------------------------------------------------------
# Query counts (in process, Django's test client)
# --------------------------------------------------------------------------------------


def page_profile(path: str, cookie: str = "") -> dict:
    """Status, SQL statements and their time for one unloaded request (median of 5), with the
    public page cache off: what the view itself costs when the content has just changed.
    `cookie`: a signed-in session's Cookie header (the statements include reading it)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST=HOST, headers={"cookie": cookie} if cookie else None)
    timings: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - start)

    runs = []
    # Settings overridden once: a change of settings forgets what the process keeps (the
    # kept queries, parts and forms), which a warmed-up worker holds.
    with override_settings(PUBLIC_PAGE_CACHE=False):
        client.get(path)  # warm caches (templates, translations, kept queries)
        for _ in range(5):
            timings.clear()
            with connection.execute_wrapper(timed):
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
            # A worker takes no more connections than it has threads, so the load generator's
            # connections are spread over the workers. Without the bound one worker often held
            # all of them while the other idled (gthread accepts as long as it can), which
            # halved the throughput of CPU-bound pages, differently from run to run. As with
            # production's sync workers, a connection serves one request (--keep-alive 0).
            "--worker-connections",
            str(self.threads),
            "--keep-alive",
            "0",
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


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children (its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == master:  # field 4: ppid
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), in seconds."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # fields 14 and 15: utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


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


def run_wrk(
    wrk: str, target: str, seconds: float, connections: int, threads: int, cookie: str = ""
) -> dict:
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
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        target,
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    match = re.search(r"^BENCH (\{.*\})$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return json.loads(match.group(1))


def run_python_load(
    target: str, seconds: float, connections: int, threads: int, cookie: str = ""
) -> dict:
    """A bounded closed-loop generator: `connections` threads, keep-alive, `seconds` long."""
    del threads
    headers = {"Cookie": cookie} if cookie else {}
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
                conn.request("GET", path, headers=headers)
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

    if opts.skip_setup:
        seed = seed_facts()
    else:
        print("· seed", flush=True)
        seed = seed_database()
        analyze_database()
        print("· collectstatic", flush=True)
        manage("collectstatic", "--noinput", "-v0", env=env)
    print(
        f"  data: {PRINCIPLES}×{COMMITMENTS_PER_PRINCIPLE} commitments, "
        f"{DEVELOPMENT_AREAS}×{ITEMS_PER_AREA} plan items, {seed['organisations']} organisations, "
        f"{seed['public_signatories']} public signatories "
        f"({time.monotonic() - t0:.0f} s)",
        flush=True,
    )

    cookies = signed_in_cookies()
    # (label, path, who): who is "ping", "public" (measured twice: anonymous, through the page
    # cache; and signed in, rendered per request), "representative" or "official".
    pages = [
        (label, make_path(seed), "ping" if label == "ping" else "public")
        for label, make_path in PAGES
    ]
    pages += [(label, make_path(seed), who) for label, who, make_path in SIGNED_IN_PAGES]
    if opts.only:
        unknown = set(opts.only) - {label for label, _, _ in pages}
        if unknown:
            raise SystemExit(f"--only: no page labelled {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page[0] == "ping" or page[0] in opts.only]
    if any(who == "ping" for _, _, who in pages):
        pages.append(("ping (end)", "/ping/", "ping"))  # ping again last: the yardstick is the mean

    profiles = {}
    for label, path, who in pages:
        profiles[label] = page_profile(path, cookies.get(who, ""))
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

    def measure(label: str, path: str, cookie: str = "") -> dict:
        target = server.base + path
        status = first_status(target, cookie)
        if status != 200:
            raise RuntimeError(f"{label} {path} answered {status}, not 200")

        def load(seconds: float) -> dict:
            if wrk:
                return run_wrk(wrk, target, seconds, opts.connections, opts.threads, cookie)
            return run_python_load(target, seconds, opts.connections, opts.threads, cookie)

        if opts.warmup:
            load(opts.warmup)
        workers = worker_pids(server.proc.pid)
        cpu_before = [cpu_seconds([pid]) for pid in workers]
        result = load(opts.duration)
        cpu_each = [cpu_seconds([pid]) - b for pid, b in zip(workers, cpu_before, strict=True)]
        result["worker_cpu_s"] = [round(c, 2) for c in cpu_each]  # how the load was spread
        cpu = sum(cpu_each)
        result["cpu_ms"] = round(cpu * 1000 / result["requests"], 3) if result["requests"] else None
        print(
            f"  {label + (' (signed in)' if cookie else ''):<42} {result['rps']:>8.1f} req/s  "
            f"p95 {result['p95_ms']:>7.1f} ms  CPU {result['cpu_ms'] or 0:>6.2f} ms/req",
            flush=True,
        )
        return result

    rows = []
    try:
        print(
            f"· gunicorn on {HOST}:{server.port} ({opts.workers} workers × "
            f"{opts.worker_threads} threads, gthread); load: {generator}, "
            f"{opts.connections} connections, {opts.warmup:g}+{opts.duration:g} s per page",
            flush=True,
        )
        server.start()
        for label, path, who in pages:
            row = {"page": label, "path": path, "who": who, **profiles[label]}
            if who in ("ping", "public"):
                row["cached"] = measure(label, path)
            if who != "ping":
                # The page as a signed-in person gets it: never from the page cache.
                row["signed_in"] = measure(
                    label, path, cookies["representative" if who == "public" else who]
                )
            rows.append(row)
    finally:
        server.stop()

    pings = [row["cached"]["rps"] for row in rows if row["who"] == "ping"]
    ping_rps = sum(pings) / len(pings) if pings else 0
    for row in rows:
        for key, target in (
            ("cached", TARGET_RATIO),
            (
                "signed_in",
                CACHE_OFF_TARGET_RATIO if row["who"] == "public" else SIGNED_IN_TARGET_RATIO,
            ),
        ):
            if key in row:
                result = row[key]
                result["ratio"] = round(result["rps"] / ping_rps, 3) if ping_rps else None
                result["target_ratio"] = target
                result["meets_target"] = result["ratio"] is not None and result["ratio"] >= target

    report = {
        "generated_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": list(os.getloadavg()),
        },
        "target_ratio": {
            "public_cached": TARGET_RATIO,
            "public_signed_in": CACHE_OFF_TARGET_RATIO,
            "signed_in_pages": SIGNED_IN_TARGET_RATIO,
        },
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
            "organisations": seed["organisations"],
            "public_signatories": seed["public_signatories"],
        },
        "pages": rows,
    }
    (RESULTS_DIR / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(rows))
    print(f"\nwritten: {(RESULTS_DIR / 'latest.json').relative_to(ROOT)}")
    results = [row[key] for row in rows for key in ("cached", "signed_in") if key in row]
    failed_requests = sum(result["errors"] + result["non_2xx"] for result in results)
    if failed_requests:
        print(f"WARNING: {failed_requests} failed or non-2xx responses under load")
    for key, name in (("cached", "through the page cache"), ("signed_in", "signed in")):
        failing = [row["page"] for row in rows if key in row and not row[key]["meets_target"]]
        if failing:
            print(f"below target {name}: {', '.join(failing)}")
    return 0


def first_status(target: str, cookie: str = "") -> int:
    """One request, redirects not followed: a signed-in page that redirects (to sign in, or to
    the second factor) is an error here, not a page."""
    hostport, _, path = target.removeprefix("http://").partition("/")
    host, port = hostport.split(":")
    if host != HOST:
        raise ValueError(f"loopback targets only, not {target}")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/" + path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def table(rows: list[dict]) -> str:
    """Markdown: per page, through the page cache (anonymous) and signed in (per request)."""
    head = (
        "page",
        "req/s",
        "× ping",
        "CPU ms",
        "≥ 0.6",
        "signed in req/s",
        "× ping",
        "CPU ms",
        "target",
        "p95 ms",
        "queries",
        "SQL ms",
        "KB",
    )
    widths = (34, 7, 6, 6, 5, 15, 6, 6, 9, 6, 7, 6, 6)

    def line(cells) -> str:
        return (
            "| "
            + " | ".join(
                f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    def figures(result: dict | None) -> tuple[str, str, str]:
        if result is None:
            return ("–", "–", "–")
        cpu = result.get("cpu_ms")
        return (f"{result['rps']:.0f}", f"{result['ratio']:.2f}", f"{cpu:.2f}" if cpu else "?")

    lines = [
        line(head),
        "|"
        + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths))
        + "|",
    ]
    for row in rows:
        cached, signed_in = row.get("cached"), row.get("signed_in")
        p95 = (signed_in or cached)["p95_ms"]
        lines.append(
            line(
                (
                    row["page"],
                    *figures(cached),
                    ("yes" if cached["meets_target"] else "NO") if cached else "–",
                    *figures(signed_in),
                    (
                        f"{'≥' if signed_in['meets_target'] else '<'} "
                        f"{signed_in['target_ratio']:g} {'yes' if signed_in['meets_target'] else 'NO'}"
                    )
                    if signed_in
                    else "–",
                    f"{p95:.1f}",
                    str(row["queries"]),
                    f"{row['sql_ms']:.1f}",
                    f"{row['bytes'] / 1024:.1f}",
                )
            )
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
