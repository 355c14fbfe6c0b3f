"""factory-boy factories for every model, and a builder for a whole compact.

Translated fields are filled in both languages (``title_sv`` and ``title_en`` …), so a
test can tell which language a page shows. Every user signs in with the password "pw"
and has a verified, primary e-mail address (allauth requires one).
"""

import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import OFFICIALS_GROUP, User
from compact.models import Agreement, PublicParty, Signature, WrittenApplication
from dialogues.models import Meeting, Registration
from organisations.models import ActivityArea, Organisation, Representative
from organisations.numbers import with_check_digit
from principles.models import Commitment, DevelopmentArea, Party, PlanItem, Principle

PASSWORD = "pw"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
OUR_APPS = ["core", "accounts", "organisations", "compact", "principles"]


def agreement_in_force() -> Agreement:
    """The adopted agreement, created if there is none (only one can be in force)."""
    return Agreement.objects.in_force().first() or AgreementFactory()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="sv_SE")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth lets a user sign in only with a verified address (extracted=False: none)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """``totp=True``: a second factor set up with TOTP_SECRET, as the officials' area and
        the admin require (sign in with tests.signin.sign_in_with_second_factor)."""
        if create and extracted:
            TOTP.activate(obj, TOTP_SECRET)


class OfficialFactory(UserFactory):
    """Staff of the public party: a member of the Officials group."""

    email = factory.Sequence(lambda n: f"official{n}@example.org")

    @factory.post_generation
    def officials_group(obj, create, extracted, **kwargs):
        if create:
            # The group holds accounts.official and the view permissions of our models (the
            # migrations grant them; a flushed database between browser tests has lost them).
            group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
            group.permissions.add(
                Permission.objects.get(content_type__app_label="accounts", codename="official"),
                *Permission.objects.filter(
                    content_type__app_label__in=OUR_APPS, codename__startswith="view_"
                ),
            )
            obj.groups.add(group)


class PublicPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicParty

    name = factory.Sequence(lambda n: f"Exempelstads kommun {n}")
    kind = PublicParty.Kind.MUNICIPALITY
    website = "https://example.org/"


class AgreementFactory(factory.django.DjangoModelFactory):
    """An adopted agreement (the one in force) unless status says otherwise."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title_sv = factory.Sequence(lambda n: f"Överenskommelsen {n}")
    title_en = factory.Sequence(lambda n: f"The compact {n}")
    version_label = factory.Sequence(lambda n: f"{2024 + n}.1")
    status = Agreement.Status.ADOPTED
    adopted_on = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Agreement.Status.DRAFT),
        yes_declaration=datetime.date(2024, 3, 14),
        no_declaration=None,
    )
    preamble_sv = "Kommunen och den idéburna sektorn vill samverka."
    preamble_en = "The municipality and the civil-society sector want to work together."

    @factory.post_generation
    def public_parties(obj, create, extracted, **kwargs):
        """One public party unless a list is given (``public_parties=[…]``)."""
        if not create:
            return
        obj.public_parties.set(extracted if extracted is not None else [PublicPartyFactory()])


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    agreement = factory.LazyFunction(agreement_in_force)
    position = factory.Sequence(lambda n: n)
    title_sv = factory.Sequence(lambda n: f"Princip nummer {n}")
    title_en = factory.Sequence(lambda n: f"Principle number {n}")
    description_sv = factory.LazyAttribute(lambda o: f"Beskrivning av {o.title_sv.lower()}.")
    description_en = factory.LazyAttribute(lambda o: f"Description of {o.title_en.lower()}.")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    principle = factory.SubFactory(PrincipleFactory)
    position = factory.Sequence(lambda n: n)
    party = Party.MUNICIPALITY
    text_sv = factory.Sequence(lambda n: f"Åtagande nummer {n}")
    text_en = factory.Sequence(lambda n: f"Commitment number {n}")


class DevelopmentAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentArea

    agreement = factory.LazyFunction(agreement_in_force)
    position = factory.Sequence(lambda n: n)
    title_sv = factory.Sequence(lambda n: f"Utvecklingsområde {n}")
    title_en = factory.Sequence(lambda n: f"Development area {n}")
    aim_sv = "Vi vill stärka dialogen."
    aim_en = "We want to strengthen the dialogue."


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    area = factory.SubFactory(DevelopmentAreaFactory)
    position = factory.Sequence(lambda n: n)
    text_sv = factory.Sequence(lambda n: f"Planpunkt {n}")
    text_en = factory.Sequence(lambda n: f"Plan item {n}")


class ActivityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityArea

    name_sv = factory.Sequence(lambda n: f"Verksamhet {n}")
    name_en = factory.Sequence(lambda n: f"Activity {n}")
    slug = factory.Sequence(lambda n: f"activity-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A verified association with a valid, unique organisation number."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Föreningen Exempel {n}")
    organisation_number = factory.Sequence(lambda n: with_check_digit(f"802{n:06d}"))
    kind = Organisation.Kind.ASSOCIATION
    postal_town = "Exempelstad"
    contact_name = factory.Faker("name", locale="sv_SE")
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    verification = Organisation.Verification.VERIFIED
    verified_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.verification == Organisation.Verification.VERIFIED),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    is_contact_person = True
    may_sign = True


class WrittenApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WrittenApplication

    organisation = factory.SubFactory(OrganisationFactory)
    agreement = factory.LazyFunction(agreement_in_force)
    document = factory.django.FileField(
        filename="application.pdf", data=b"%PDF-1.4\n% a test application\n%%EOF\n"
    )
    message = "Vi vill ansluta oss till överenskommelsen."
    submitted_by = factory.SubFactory(UserFactory)


class SignatureFactory(factory.django.DjangoModelFactory):
    """An effective online signature on the agreement in force."""

    class Meta:
        model = Signature

    organisation = factory.SubFactory(OrganisationFactory)
    agreement = factory.LazyFunction(agreement_in_force)
    channel = Signature.Channel.ONLINE
    signer_name = factory.Faker("name", locale="sv_SE")
    signer_role = "Ordförande"
    authority = Signature.Authority.AUTHORISED_SIGNATORY
    signed_by = factory.SubFactory(UserFactory)


def in_days(days: float, hour: int = 18) -> datetime.datetime:
    """A moment ``days`` from now at ``hour`` o'clock, Swedish time."""
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published dialogue forum a month ahead, three hours long, registration open until
    a week before, 50 places with a waiting list, hosted by one public party."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    kind = Meeting.Kind.DIALOGUE_FORUM
    title_sv = factory.Sequence(lambda n: f"Dialogforum nummer {n}")
    title_en = factory.Sequence(lambda n: f"Dialogue forum number {n}")
    description_sv = "Vi samtalar om överenskommelsen."
    description_en = "We talk about the compact."
    agenda_sv = "Välkommen\nSamtal i grupper\nAvslutning"
    agenda_en = "Welcome\nTalks in groups\nClosing"
    place = "Stadshuset, sal A"
    address = "Storgatan 1, 123 45 Exempelstad"
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    registration_deadline = factory.LazyAttribute(
        lambda o: o.starts_at - datetime.timedelta(days=7)
    )
    capacity = 50
    waiting_list = True
    organiser_name = "Tilda Tjänstesson"
    organiser_email = "dialog@example.org"
    organiser_phone = "08-123 456"
    status = Meeting.Status.PUBLISHED

    @factory.post_generation
    def public_parties(obj, create, extracted, **kwargs):
        """One public party unless a list is given (``public_parties=[…]``)."""
        if create:
            obj.public_parties.set(extracted if extracted is not None else [PublicPartyFactory()])


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration for one person."""

    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    organisation_name = factory.Sequence(lambda n: f"Föreningen Deltagare {n}")
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    participants = 1
    status = Registration.Status.REGISTERED


def add_to_compact(
    agreement: Agreement,
    *,
    principles: int = 7,
    commitments_per_party: int = 2,
    areas: int = 4,
    items_per_area: int = 3,
    signatures: int = 3,
) -> Agreement:
    """Add principles (with commitments for every party), development areas (with plan
    items) and signatures to an agreement. Call again to grow the same agreement."""
    for _ in range(principles):
        principle = PrincipleFactory(agreement=agreement)
        for party in Party:
            CommitmentFactory.create_batch(commitments_per_party, principle=principle, party=party)
    for _ in range(areas):
        PlanItemFactory.create_batch(
            items_per_area, area=DevelopmentAreaFactory(agreement=agreement)
        )
    SignatureFactory.create_batch(signatures, agreement=agreement)
    return agreement


def build_compact(*, scale: int = 1, **agreement_fields) -> Agreement:
    """An agreement (adopted unless told otherwise) with 7 principles, 4 development areas
    and 3 signatures, each multiplied by ``scale``."""
    agreement = AgreementFactory(**agreement_fields)
    return add_to_compact(agreement, principles=7 * scale, areas=4 * scale, signatures=3 * scale)


def build_follow_up(agreement: Agreement, year: int, *, official=None, publish=True, status=None):
    """A follow-up of ``year`` recorded through the services: every commitment and plan item
    given a status in turn (or ``status``), and published unless told otherwise."""
    from principles.followups import (
        EntryChange,
        entries_record,
        follow_up_create,
        follow_up_publish,
    )
    from principles.models import EntryStatus

    official = official or OfficialFactory()
    follow_up = follow_up_create(actor=official, year=year, agreement=agreement)
    statuses = [status] if status is not None else list(EntryStatus.values)
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(entry, statuses[index % len(statuses)], account=f"Redovisning {index}")
            for index, entry in enumerate(follow_up.commitment_entries.order_by("pk"))
        ],
    )
    entries_record(
        actor=official,
        follow_up=follow_up,
        plan=True,
        changes=[
            EntryChange(entry, statuses[index % len(statuses)])
            for index, entry in enumerate(follow_up.plan_item_entries.order_by("pk"))
        ],
    )
    if publish:
        follow_up_publish(actor=official, follow_up=follow_up)
    return follow_up
