"""Load the demo compact, organisations, users and signatures (local use only).

    python manage.py load_demo

Idempotent: every row is found by its natural key and created only when missing, so
running it again (``make run`` does on every start) changes nothing. The compact's text
is brought back to the demo wording; state the demo users change (statuses,
verification, signatures, profiles) is left as they left it.

Demo logins, password ``demo-portal-2026``: official@example.org (Officials group, TOTP
secret ``JBSWY3DPEHPK3PXP``), admin@example.org (the same TOTP secret), rep@example.org,
rep2@example.org.
"""

import logging
from html import escape

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import OFFICIALS_GROUP
from compact.models import Agreement, PublicParty, Signature, WrittenApplication
from organisations.models import ActivityArea, Organisation, Representative
from organisations.numbers import with_check_digit
from principles import demo_content as demo
from principles.models import Commitment, DevelopmentArea, PlanItem, Principle


class Command(BaseCommand):
    help = "Load demo data: a compact in force and its history, organisations, users, signatures."

    def handle(self, *args, **options):
        self.created = 0
        with transaction.atomic():
            party = self.load_public_party()
            previous = self.load_agreement(
                demo.AGREEMENT_PREVIOUS, Agreement.Status.SUPERSEDED, party, None
            )
            self.load_principles(previous, demo.PRINCIPLES_PREVIOUS)
            current = self.load_agreement(
                demo.AGREEMENT_CURRENT, Agreement.Status.ADOPTED, party, previous
            )
            self.load_principles(current, demo.PRINCIPLES_CURRENT)
            self.load_development_areas(current, demo.DEVELOPMENT_AREAS_CURRENT)
            areas = self.load_activity_areas()
            users = self.load_users()
            organisations = self.load_organisations(areas, users["official"])
            self.load_representatives(users, organisations)
            agreements = {previous.version_label: previous, current.version_label: current}
            self.load_signatures(agreements, organisations, users)
            self.load_written_application(agreements, organisations, users["official"])
        self.print_summary(current, previous, organisations, users)

    # -- the compact ---------------------------------------------------------------

    def load_public_party(self):
        data = demo.PUBLIC_PARTY
        party, created = PublicParty.objects.update_or_create(
            name=data["name"], defaults={"kind": data["kind"], "website": data["website"]}
        )
        self.created += created
        return party

    def load_agreement(self, data, status, party, previous):
        """Find the version by its label. Its status and date are set only when it is
        created, so a revision adopted in the demo is not undone by the next run."""
        content = {key: data[key] for key in ("title_sv", "title_en", "preamble_sv", "preamble_en")}
        agreement = Agreement.objects.filter(version_label=data["version_label"]).first()
        if agreement is None:
            if status == Agreement.Status.ADOPTED:
                # Only one version can be in force: whatever was, is now superseded.
                Agreement.objects.in_force().update(status=Agreement.Status.SUPERSEDED)
            agreement = Agreement.objects.create(
                version_label=data["version_label"],
                status=status,
                adopted_on=data["adopted_on"],
                previous=previous,
                **content,
            )
            self.created += 1
        else:
            changed = False
            for key, value in content.items():
                if getattr(agreement, key) != value:
                    setattr(agreement, key, value)
                    changed = True
            if agreement.previous_id is None and previous is not None:
                agreement.previous = previous
                changed = True
            if changed:
                agreement.save()
        agreement.public_parties.add(party)
        return agreement

    def load_principles(self, agreement, principles):
        for position, data in enumerate(principles, start=1):
            principle, created = Principle.objects.update_or_create(
                agreement=agreement,
                position=position,
                defaults={
                    key: data[key]
                    for key in ("title_sv", "title_en", "description_sv", "description_en")
                },
            )
            self.created += created
            for index, (party, text_sv, text_en) in enumerate(data["commitments"], start=1):
                _, created = Commitment.objects.update_or_create(
                    principle=principle,
                    position=index,
                    defaults={"party": party, "text_sv": text_sv, "text_en": text_en},
                )
                self.created += created

    def load_development_areas(self, agreement, areas):
        for position, data in enumerate(areas, start=1):
            area, created = DevelopmentArea.objects.update_or_create(
                agreement=agreement,
                position=position,
                defaults={key: data[key] for key in ("title_sv", "title_en", "aim_sv", "aim_en")},
            )
            self.created += created
            for index, (text_sv, text_en) in enumerate(data["items"], start=1):
                _, created = PlanItem.objects.update_or_create(
                    area=area, position=index, defaults={"text_sv": text_sv, "text_en": text_en}
                )
                self.created += created

    # -- organisations and people ------------------------------------------------------

    def load_activity_areas(self):
        areas = {}
        for slug, name_sv, name_en in demo.ACTIVITY_AREAS:
            area, created = ActivityArea.objects.update_or_create(
                slug=slug, defaults={"name_sv": name_sv, "name_en": name_en}
            )
            self.created += created
            areas[slug] = area
        return areas

    def load_users(self):
        User = get_user_model()
        officials = self.load_officials_group()
        users = {}
        for data in demo.USERS:
            user, created = User.objects.get_or_create(
                email=data["email"],
                defaults={
                    "full_name": data["full_name"],
                    "is_staff": data["is_staff"],
                    "is_superuser": data["is_superuser"],
                },
            )
            self.created += created
            changed = False
            for flag in ("is_staff", "is_superuser"):
                if data[flag] and not getattr(user, flag):
                    setattr(user, flag, True)
                    changed = True
            if not user.is_active:
                user.is_active = True
                changed = True
            if not user.check_password(demo.DEMO_PASSWORD):
                user.set_password(demo.DEMO_PASSWORD)
                changed = True
            if changed:
                user.save()
            self.verify_email(user)
            if data["official"]:
                user.groups.add(officials)
            users[data["key"]] = user
        for key in ("official", "admin"):  # the officials' area and the admin need it
            self.load_authenticator(users[key])
        return users

    def load_officials_group(self):
        group, created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
        self.created += created
        permissions = Permission.objects.filter(
            content_type__app_label__in=demo.OFFICIAL_PERMISSION_APPS
        )
        group.permissions.add(*permissions)
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

    def load_authenticator(self, user):
        """A TOTP authenticator with the documented secret, and recovery codes, so the
        officials' area (which requires a second factor) can be entered locally."""
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            TOTP.activate(user, demo.DEMO_TOTP_SECRET)
            self.created += 1
        elif decrypt(totp.data["secret"]) != demo.DEMO_TOTP_SECRET:
            totp.data = {**totp.data, "secret": encrypt(demo.DEMO_TOTP_SECRET)}
            totp.save(update_fields=["data"])
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
            self.created += 1

    def load_organisations(self, areas, official):
        """Organisations are found by their number and created when missing; a profile
        edited in the demo, or a verification decided there, stays as it is."""
        organisations = {}
        for data in demo.ORGANISATIONS:
            verified = data["verification"] == Organisation.Verification.VERIFIED
            organisation, created = Organisation.objects.get_or_create(
                organisation_number=with_check_digit(data["nine_digits"]),
                defaults={
                    "name": data["name"],
                    "kind": data["kind"],
                    "postal_town": data["postal_town"],
                    "website": data["website"],
                    "description": data["description"],
                    "public_email": data["public_email"],
                    "publish_email": data["publish_email"],
                    "contact_name": data["contact_name"],
                    "contact_email": data["contact_email"],
                    "contact_phone": data["contact_phone"],
                    "verification": data["verification"],
                    "verified_by": official if verified else None,
                    "verified_at": demo.at(2024, 6, 12) if verified else None,
                },
            )
            if created:
                organisation.activity_areas.set([areas[slug] for slug in data["areas"]])
                self.created += 1
            organisations[data["key"]] = organisation
        return organisations

    def load_representatives(self, users, organisations):
        for data in demo.REPRESENTATIVES:
            _, created = Representative.objects.get_or_create(
                organisation=organisations[data["organisation"]],
                user=users[data["user"]],
                defaults={
                    "is_contact_person": data["is_contact_person"],
                    "may_sign": data["may_sign"],
                },
            )
            self.created += created

    # -- signatures --------------------------------------------------------------------

    def load_signatures(self, agreements, organisations, users):
        for data in demo.SIGNATURES:
            organisation = organisations[data["organisation"]]
            agreement = agreements[data["agreement"]]
            existing = Signature.objects.filter(
                organisation=organisation, agreement=agreement, signed_at=data["signed_at"]
            )
            if existing.exists():
                continue
            withdrawn_at = data.get("withdrawn_at")
            if (
                withdrawn_at is None
                and Signature.objects.effective()
                .filter(organisation=organisation, agreement=agreement)
                .exists()
            ):
                continue  # signed again in the demo: one effective signature at a time
            Signature.objects.create(
                organisation=organisation,
                agreement=agreement,
                channel=Signature.Channel.ONLINE,
                signer_name=data["signer_name"],
                signer_role=data["signer_role"],
                authority=Signature.Authority.AUTHORISED_SIGNATORY,
                signed_by=users[data["signed_by"]] if data["signed_by"] else None,
                signed_at=data["signed_at"],
                withdrawn_at=withdrawn_at,
                withdrawal_reason=data.get("withdrawal_reason", ""),
            )
            self.created += 1

    def load_written_application(self, agreements, organisations, official):
        data = demo.WRITTEN_APPLICATION
        organisation = organisations[data["organisation"]]
        agreement = agreements[data["agreement"]]
        application = WrittenApplication.objects.filter(
            organisation=organisation, agreement=agreement, submitted_at=data["submitted_at"]
        ).first()
        if application is None:
            application = WrittenApplication(
                organisation=organisation,
                agreement=agreement,
                message=data["message"],
                submitted_by=official,
                submitted_at=data["submitted_at"],
                status=WrittenApplication.Status.APPROVED,
                decided_by=official,
                decided_at=data["decided_at"],
            )
            application.document.save(
                data["filename"], ContentFile(application_pdf(organisation, data)), save=False
            )
            application.save()
            self.created += 1
        elif not application.document or not application.document.storage.exists(
            application.document.name
        ):
            # The file was cleaned away (e.g. a fresh media folder): write it again.
            application.document.save(
                data["filename"], ContentFile(application_pdf(organisation, data)), save=True
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
            signed_at=data["decided_at"],
            application=application,
            approved_by=application.decided_by or official,
        )
        self.created += 1

    # -- summary -----------------------------------------------------------------------

    def print_summary(self, current, previous, organisations, users):
        principles = current.principles.count()
        commitments = Commitment.objects.filter(principle__agreement=current).count()
        areas = current.development_areas.count()
        items = PlanItem.objects.filter(area__agreement=current).count()
        signatories = (
            Signature.objects.effective().filter(agreement=current).values("organisation").count()
        )
        verified = sum(1 for organisation in organisations.values() if organisation.is_verified)
        lines = [
            f"Demo data loaded ({self.created} rows created, the rest already there).",
            f"  Compact {current.version_label} ({current.get_status_display()}): "
            f"{principles} principles, {commitments} commitments, "
            f"{areas} development areas, {items} plan items, {signatories} signatories.",
            f"  Earlier version {previous.version_label} ({previous.get_status_display()}): "
            f"{previous.principles.count()} principles.",
            f"  {len(organisations)} demo organisations ({verified} verified), "
            f"{ActivityArea.objects.count()} areas of activity.",
            f"  Users (password {demo.DEMO_PASSWORD}): "
            + ", ".join(user.email for user in users.values()),
            f"  {users['official'].email} and {users['admin'].email}: "
            f"TOTP secret {demo.DEMO_TOTP_SECRET}.",
        ]
        self.stdout.write("\n".join(lines))


def application_pdf(organisation, data) -> bytes:
    """A small, real PDF: the organisation's signed application (demo content)."""
    html = f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Ansökan</title>
<style>body {{ font-family: sans-serif; margin: 2cm; }} p.demo {{ color: #666; }}</style>
</head><body>
<h1>Ansökan om anslutning till överenskommelsen</h1>
<p>{escape(organisation.name)} ({escape(organisation.organisation_number)}) ansöker om att
ansluta sig till överenskommelsen om samverkan mellan idéburen sektor och
{escape(demo.PUBLIC_PARTY["name"])}, version {escape(data["agreement"])}.</p>
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
