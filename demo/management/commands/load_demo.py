"""Load the demo compact, organisations, users and signatures (local use only).

    python manage.py load_demo [--allow-without-debug]

The content is data, in ``demo/data/``: the compact's versions (``compact-2019.yaml``,
``compact-2024.yaml``, loaded by the same loader as ``manage.py load_compact``), and
``organisations.yaml``, ``users.yaml``, ``signatures.yaml``, ``meetings.yaml`` and
``follow-ups.yaml`` (last year's follow-up, published, and this year's, a draft).

Idempotent: every row is found by its natural key and created only when missing, so
running it again (``make run`` does on every start) changes nothing. The compact's text
is brought back to the demo wording; state the demo users change (statuses,
verification, signatures, profiles) is left as they left it.

Demo logins, password ``demo-portal-2026``: official@example.org (Officials group, TOTP
secret ``JBSWY3DPEHPK3PXP``), admin@example.org (the same TOTP secret), rep@example.org,
rep2@example.org. Because these are published, the command refuses to run when DEBUG is
off unless given ``--allow-without-debug``.
"""

import datetime
import logging
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import OFFICIALS_GROUP
from compact.models import Agreement, PublicParty, Signature, WrittenApplication
from compact.tasks import queue_documents_of_agreement
from demo.followups import load_follow_ups
from dialogues.models import Meeting
from dialogues.services.attendance import walk_in_add
from dialogues.services.invitations import invitable_organisations, invitations_create
from dialogues.services.meetings import meeting_create, meeting_publish
from dialogues.services.registrations import registration_create
from organisations.models import ActivityArea, Organisation, Representative
from principles.loading import CompactDataError, load_compact, read_compact_file
from principles.models import Commitment, PlanItem

DATA = Path(__file__).resolve().parents[2] / "data"

# The compact's versions, oldest first, and the status each is created with.
COMPACT_VERSIONS = [
    ("compact-2019.yaml", Agreement.Status.SUPERSEDED),
    ("compact-2024.yaml", Agreement.Status.ADOPTED),
]

# The demo's times are written as local times.
LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def read(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def local_time(value: str | datetime.datetime) -> datetime.datetime:
    """A time from the data files ("2024-06-18 20:12"), in Stockholm unless it says."""
    moment = (
        value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


class Command(BaseCommand):
    help = (
        "Load demo data: a compact in force and its history, organisations, users with a "
        "published password, signatures. Local use only (refuses without DEBUG)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help=(
                "run even though DEBUG is off, e.g. on a throw-away test server. Never on a "
                "real site: the demo users' password and TOTP secret are published."
            ),
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "load_demo runs only with DEBUG on (the local settings): it creates users, "
                "an official and an administrator among them, whose password and TOTP secret "
                "are published in the README. To load the compact's text on a real site, use "
                "`manage.py load_compact <file.yaml>`. On a throw-away server, pass "
                "--allow-without-debug."
            )
        self.created = 0
        users_data = read("users.yaml")
        organisations_data = read("organisations.yaml")
        signatures_data = read("signatures.yaml")
        meetings_data = read("meetings.yaml")
        with transaction.atomic():
            agreements = self.load_compact_versions()
            areas = self.load_activity_areas(organisations_data["activity_areas"])
            users = self.load_users(users_data)
            organisations = self.load_organisations(
                organisations_data["organisations"], areas, users
            )
            self.load_representatives(users_data["representatives"], users, organisations)
            self.load_signatures(signatures_data["signatures"], agreements, organisations, users)
            for data in signatures_data["written_applications"]:
                self.load_written_application(data, agreements, organisations, users)
            self.load_meetings(meetings_data, users, organisations)
            self.created += load_follow_ups(
                read("follow-ups.yaml"), agreements, organisations, users
            )
            # The sealed PDFs of the public versions (issued on commit; tasks run in-process
            # locally, and an unchanged document is not issued again, so a second run is quick).
            for agreement in agreements.values():
                if agreement.is_public:
                    queue_documents_of_agreement(agreement.pk)
        versions = list(agreements.values())
        self.print_summary(versions[-1], versions[0], organisations, users, users_data)

    # -- the compact ---------------------------------------------------------------

    def load_compact_versions(self):
        """Each version through the loader ``load_compact`` uses. Its status is set only
        when it is created, so a revision adopted in the demo is not undone by the next run."""
        agreements = {}
        for name, status in COMPACT_VERSIONS:
            try:
                result = load_compact(read_compact_file(DATA / name), status=status)
            except CompactDataError as error:
                raise CommandError(f"demo/data/{name}: {error}") from error
            self.created += result.created
            agreements[result.agreement.version_label] = result.agreement
        return agreements

    # -- organisations and people ------------------------------------------------------

    def load_activity_areas(self, data):
        areas = {}
        for row in data:
            area, created = ActivityArea.objects.update_or_create(
                slug=row["slug"],
                defaults={"name_sv": row["name"]["sv"], "name_en": row["name"]["en"]},
            )
            self.created += created
            areas[row["slug"]] = area
        return areas

    def load_users(self, data):
        User = get_user_model()
        password = data["password"]
        officials = self.load_officials_group(
            data["official_permissions"], data["official_view_apps"]
        )
        users = {}
        for row in data["users"]:
            user, created = User.objects.get_or_create(
                email=row["email"],
                defaults={
                    "full_name": row["full_name"],
                    "is_staff": row["is_staff"],
                    "is_superuser": row["is_superuser"],
                },
            )
            self.created += created
            changed = False
            for flag in ("is_staff", "is_superuser"):
                if row[flag] and not getattr(user, flag):
                    setattr(user, flag, True)
                    changed = True
            if not user.is_active:
                user.is_active = True
                changed = True
            if not user.check_password(password):
                user.set_password(password)
                changed = True
            if changed:
                user.save()
            self.verify_email(user)
            if row["official"]:
                user.groups.add(officials)
            if row["totp"]:  # the officials' area and the admin need a second factor
                self.load_authenticator(user, data["totp_secret"])
            users[row["key"]] = user
        return users

    def load_officials_group(self, permissions, apps):
        """The group, with its permissions: granted here too, not only by the migrations,
        since a flushed database (a test's) keeps no migration data. Officials only view
        the models of ``apps`` in the admin; their decisions go through the officials' area."""
        group, created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
        self.created += created
        for name in permissions:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise CommandError(f"users.yaml: there is no permission {name}; run migrate.")
            group.permissions.add(permission)
        ours = Permission.objects.filter(content_type__app_label__in=apps)
        group.permissions.remove(*ours.filter(codename__regex=r"^(add|change|delete)_"))
        group.permissions.add(*ours.filter(codename__startswith="view_"))
        return group

    def verify_email(self, user):
        address, created = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        self.created += created
        if not (address.verified and address.primary):
            EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
                primary=False
            )
            address.verified = True
            address.primary = True
            address.save(update_fields=["verified", "primary"])

    def load_authenticator(self, user, secret):
        """A TOTP authenticator with the documented secret, and recovery codes, so the
        officials' area (which requires a second factor) can be entered locally."""
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            TOTP.activate(user, secret)
            self.created += 1
        elif decrypt(totp.data["secret"]) != secret:
            totp.data = {**totp.data, "secret": encrypt(secret)}
            totp.save(update_fields=["data"])
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
            self.created += 1

    def load_organisations(self, data, areas, users):
        """Organisations are found by their number and created when missing; a profile
        edited in the demo, or a verification decided there, stays as it is."""
        organisations = {}
        for row in data:
            verified_by = row.get("verified_by")
            verified_at = row.get("verified_at")
            organisation, created = Organisation.objects.get_or_create(
                organisation_number=row["organisation_number"],
                defaults={
                    **{
                        key: row[key]
                        for key in (
                            "name",
                            "kind",
                            "postal_town",
                            "website",
                            "description",
                            "public_email",
                            "publish_email",
                            "contact_name",
                            "contact_email",
                            "contact_phone",
                            "verification",
                        )
                    },
                    "verified_by": users[verified_by] if verified_by else None,
                    "verified_at": local_time(verified_at) if verified_at else None,
                },
            )
            if created:
                organisation.activity_areas.set([areas[slug] for slug in row["areas"]])
                self.created += 1
            organisations[row["key"]] = organisation
        return organisations

    def load_representatives(self, data, users, organisations):
        for row in data:
            _, created = Representative.objects.get_or_create(
                organisation=organisations[row["organisation"]],
                user=users[row["user"]],
                defaults={
                    "is_contact_person": row["is_contact_person"],
                    "may_sign": row["may_sign"],
                },
            )
            self.created += created

    # -- signatures --------------------------------------------------------------------

    def load_signatures(self, data, agreements, organisations, users):
        for row in data:
            organisation = organisations[row["organisation"]]
            agreement = agreements[row["agreement"]]
            signed_at = local_time(row["signed_at"])
            existing = Signature.objects.filter(
                organisation=organisation, agreement=agreement, signed_at=signed_at
            )
            if existing.exists():
                continue
            withdrawn_at = local_time(row["withdrawn_at"]) if row.get("withdrawn_at") else None
            if (
                withdrawn_at is None
                and Signature.objects.effective()
                .filter(organisation=organisation, agreement=agreement)
                .exists()
            ):
                continue  # signed again in the demo: one effective signature at a time
            signed_by = row.get("signed_by")
            Signature.objects.create(
                organisation=organisation,
                agreement=agreement,
                channel=Signature.Channel.ONLINE,
                signer_name=row["signer_name"],
                signer_role=row["signer_role"],
                authority=Signature.Authority.AUTHORISED_SIGNATORY,
                signed_by=users[signed_by] if signed_by else None,
                signed_at=signed_at,
                withdrawn_at=withdrawn_at,
                withdrawal_reason=row.get("withdrawal_reason", ""),
            )
            self.created += 1

    def load_written_application(self, data, agreements, organisations, users):
        organisation = organisations[data["organisation"]]
        agreement = agreements[data["agreement"]]
        submitted_at = local_time(data["submitted_at"])
        decided_at = local_time(data["decided_at"])
        decided_by = users[data["decided_by"]]
        application = WrittenApplication.objects.filter(
            organisation=organisation, agreement=agreement, submitted_at=submitted_at
        ).first()
        if application is None:
            application = WrittenApplication(
                organisation=organisation,
                agreement=agreement,
                message=data["message"],
                submitted_by=users[data["submitted_by"]],
                submitted_at=submitted_at,
                status=WrittenApplication.Status.APPROVED,
                decided_by=decided_by,
                decided_at=decided_at,
                signatory_name=data["signer_name"],
                signatory_role=data["signer_role"],
                signed_on=data["signed_on"],
            )
            application.document.save(
                data["filename"],
                ContentFile(application_pdf(organisation, agreement, data)),
                save=False,
            )
            application.save()
            self.created += 1
        elif not application.document or not application.document.storage.exists(
            application.document.name
        ):
            # The file was cleaned away (e.g. a fresh media folder): write it again.
            application.document.save(
                data["filename"],
                ContentFile(application_pdf(organisation, agreement, data)),
                save=True,
            )
        if application.status != WrittenApplication.Status.APPROVED:
            return
        if Signature.objects.filter(application=application).exists():
            return
        if (
            Signature.objects.effective()
            .filter(organisation=organisation, agreement=agreement)
            .exists()
        ):
            return
        Signature.objects.create(
            organisation=organisation,
            agreement=agreement,
            channel=Signature.Channel.WRITTEN_APPLICATION,
            signer_name=data["signer_name"],
            signer_role=data["signer_role"],
            authority=data["authority"],
            board_decision_on=data["board_decision_on"],
            signed_by=None,
            # Signed on the paper's date (noon, as the portal records a paper signature).
            signed_at=local_time(f"{data['signed_on']} 12:00"),
            application=application,
            approved_by=application.decided_by or decided_by,
        )
        self.created += 1

    # -- meetings ----------------------------------------------------------------------

    def load_meetings(self, data, users, organisations):
        """Each meeting, when no meeting has its Swedish title, through the officials'
        services (created, then published), dated relative to today; then its invitations,
        registrations and, for a meeting held, who came, through the same services."""
        official = users[data["created_by"]]
        for row in data["public_parties"]:
            _, created = PublicParty.objects.get_or_create(
                name=row["name"], defaults={"kind": row["kind"], "website": row["website"]}
            )
            self.created += created
        for row in data["meetings"]:
            if Meeting.objects.filter(title_sv=row["title"]["sv"]).exists():
                continue
            meeting = self.load_meeting(row, official)
            self.created += 1
            self.load_meeting_people(meeting, row, official, users, organisations)

    def load_meeting(self, row, official):
        hour, minute = (int(part) for part in row["starts_at"].split(":"))
        day = timezone.localdate() + datetime.timedelta(days=row["starts_in_days"])
        starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), LOCAL_TIME)
        deadline_day = day - datetime.timedelta(days=row["deadline_days_before"])
        hosts = list(PublicParty.objects.filter(name__in=row["hosts"]))
        if len(hosts) != len(row["hosts"]):
            raise CommandError(f"meetings.yaml: a host of {row['title']['sv']!r} is unknown.")
        try:
            meeting = meeting_create(
                actor=official,
                public_parties=hosts,
                kind=row["kind"],
                title_sv=row["title"]["sv"],
                title_en=row["title"]["en"],
                description_sv=row["description"]["sv"],
                description_en=row["description"]["en"],
                agenda_sv=row["agenda"]["sv"],
                agenda_en=row["agenda"]["en"],
                place=row["place"],
                address=row["address"],
                online_link=row["online_link"],
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=row["hours"]),
                registration_deadline=datetime.datetime.combine(
                    deadline_day, datetime.time(23, 59), LOCAL_TIME
                ),
                capacity=row["capacity"],
                waiting_list=row["waiting_list"],
                language=row["language"],
                organiser_name=row["organiser"]["name"],
                organiser_email=row["organiser"]["email"],
                organiser_phone=row["organiser"]["phone"],
            )
        except ValidationError as error:
            raise CommandError(f"meetings.yaml, {row['title']['sv']!r}: {error}") from error
        if row["status"] == Meeting.Status.PUBLISHED:
            meeting_publish(meeting=meeting, actor=official)
        if row.get("minutes"):
            published = meeting.ends_at + datetime.timedelta(
                days=row["minutes_published_days_after"]
            )
            meeting.minutes = row["minutes"]
            meeting.minutes_published_at = min(published, timezone.now())
            meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
        return meeting

    def load_meeting_people(self, meeting, row, official, users, organisations):
        """The meeting's invitations (``invite``: an audience, as the official chooses it),
        registrations (``registrations``: by a representative's user key for their
        organisation, or by name and e-mail) and, once held, the walk-ins (``walk_ins``)."""
        if row.get("invite"):
            invitations_create(
                meeting=meeting,
                organisations=invitable_organisations(audience=row["invite"]),
                language=meeting.language,
                actor=official,
            )
        for person in row.get("registrations", []):
            user = users.get(person.get("user"))
            organisation = organisations.get(person.get("organisation"))
            with translation.override(meeting.language):
                registration_create(
                    meeting=meeting,
                    actor=user,
                    name=person["name"],
                    email=person.get("email") or user.email,
                    participants=person.get("participants", 1),
                    needs=person.get("needs", ""),
                    organisation=organisation,
                    organisation_name=person.get("organisation_name", ""),
                )
            self.created += 1
        for person in row.get("walk_ins", []):
            walk_in_add(meeting=meeting, actor=official, **person)
            self.created += 1

    # -- summary -----------------------------------------------------------------------

    def print_summary(self, current, previous, organisations, users, users_data):
        principles = current.principles.count()
        commitments = Commitment.objects.filter(principle__agreement=current).count()
        areas = current.development_areas.count()
        items = PlanItem.objects.filter(area__agreement=current).count()
        signatories = (
            Signature.objects.effective().filter(agreement=current).values("organisation").count()
        )
        verified = sum(1 for organisation in organisations.values() if organisation.is_verified)
        with_totp = [users[row["key"]].email for row in users_data["users"] if row["totp"]]
        lines = [
            f"Demo data loaded ({self.created} rows created, the rest already there).",
            f"  Compact {current.version_label} ({current.get_status_display()}): "
            f"{principles} principles, {commitments} commitments, "
            f"{areas} development areas, {items} plan items, {signatories} signatories.",
            f"  Earlier version {previous.version_label} ({previous.get_status_display()}): "
            f"{previous.principles.count()} principles.",
            f"  {len(organisations)} demo organisations ({verified} verified), "
            f"{ActivityArea.objects.count()} areas of activity.",
            f"  {Meeting.objects.upcoming().count()} upcoming meetings, "
            f"{Meeting.objects.past().count()} past.",
            f"  Users (password {users_data['password']}): "
            + ", ".join(user.email for user in users.values()),
            f"  {' and '.join(with_totp)}: TOTP secret {users_data['totp_secret']}.",
        ]
        self.stdout.write("\n".join(lines))


def application_pdf(organisation, agreement, data) -> bytes:
    """A small, real PDF: the organisation's signed application (demo content)."""
    public_parties = ", ".join(party.name for party in agreement.public_parties.order_by("name"))
    html = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Ansökan</title>
<style>body {{ font-family: sans-serif; margin: 2cm; }} p.demo {{ color: #666; }}</style>
</head><body>
<h1>Ansökan om anslutning till överenskommelsen</h1>
<p>{escape(organisation.name)} ({escape(organisation.organisation_number)}) ansöker om att
ansluta sig till överenskommelsen om samverkan mellan idéburen sektor och
{escape(public_parties)}, version {escape(agreement.version_label)}.</p>
<p>Styrelsen beslutade om anslutningen den {data["board_decision_on"]:%Y-%m-%d}.</p>
<p>Underskrift: {escape(data["signer_name"])}, {escape(data["signer_role"])}</p>
<p class="demo">Demodokument med påhittade uppgifter.</p>
</body></html>"""
    # WeasyPrint reports every rendering step (and, on import, its own stylesheets) at
    # INFO; the command's summary is what matters here.
    logger = logging.getLogger("weasyprint.progress")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        from weasyprint import HTML

        return HTML(string=html).write_pdf()
    finally:
        logger.setLevel(level)
