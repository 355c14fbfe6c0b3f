"""`manage.py load_demo`: the demo compact, organisations, users and signatures,
loaded twice with the same result; and never without DEBUG unless asked."""

import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, validate_totp_code
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from pypdf import PdfReader
from stdnum import luhn

from accounts.models import OFFICIALS_GROUP
from compact.models import Agreement, PublicParty, Signature, WrittenApplication
from organisations.models import ActivityArea, Organisation, Representative
from principles.models import Commitment, DevelopmentArea, Party, PlanItem, Principle

# Published in the README and in demo/data/users.yaml.
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

PRINCIPLE_TITLES_EN = [
    "Long-term perspective",
    "Openness and transparency",
    "Diversity",
    "Independence",
    "Dialogue",
    "Quality",
    "Community development",
]


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            PublicParty,
            Agreement,
            Principle,
            Commitment,
            DevelopmentArea,
            PlanItem,
            ActivityArea,
            Organisation,
            Representative,
            Signature,
            WrittenApplication,
            EmailAddress,
            Authenticator,
            get_user_model(),
        )
    }


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True  # as `make run` (the local settings)
    first_output = load()
    first = counts()
    second_output = load()
    return {"first": first, "second": counts(), "outputs": (first_output, second_output)}


@pytest.mark.django_db
def test_running_twice_leaves_the_same_data(loaded):
    assert loaded["first"] == loaded["second"]
    assert loaded["first"]["Agreement"] == 2
    assert loaded["first"]["Principle"] == 7 + 2
    assert loaded["first"]["DevelopmentArea"] == 4
    assert loaded["first"]["ActivityArea"] == 8
    assert loaded["first"]["Organisation"] == 8
    assert loaded["first"]["WrittenApplication"] == 1
    assert loaded["first"]["Signature"] == 10
    assert "Demo data loaded" in loaded["outputs"][1]
    assert "0 rows created" in loaded["outputs"][1]


@pytest.mark.django_db
def test_the_adopted_version_follows_the_seed(loaded):
    current = Agreement.objects.current()
    assert current.version_label == "2024"
    assert str(current.adopted_on) == "2024-06-10"
    assert str(current.review_due) == "2028-06-10"
    assert current.title_sv and current.title_en
    assert current.preamble_sv and current.preamble_en
    assert [party.name for party in current.public_parties.all()] == ["Exempelstads kommun"]

    principles = list(current.principles.order_by("position"))
    assert len(principles) == 7
    assert [p.title_en for p in principles] == PRINCIPLE_TITLES_EN
    assert all(p.title_sv and p.description_sv and p.description_en for p in principles)

    commitments = Commitment.objects.filter(principle__agreement=current)
    assert commitments.count() == 35
    assert not commitments.filter(text_sv__isnull=True).exists()
    assert not commitments.filter(text_en__isnull=True).exists()
    assert all(c.text_sv.strip() and c.text_en.strip() for c in commitments)
    assert set(commitments.values_list("party", flat=True)) == set(Party.values)
    for principle in principles:
        parties = set(principle.commitments.values_list("party", flat=True))
        assert {Party.MUNICIPALITY, Party.SECTOR} <= parties

    areas = list(current.development_areas.order_by("position"))
    assert [a.title_en for a in areas] == [
        "Cooperation",
        "Information and participation",
        "The sector's role and voluntary engagement",
        "Long-term perspective",
    ]
    assert all(a.aim_sv.startswith("Vi vill") and a.aim_en.startswith("We want") for a in areas)
    assert PlanItem.objects.filter(area__agreement=current).count() == 22
    assert all(item.text_sv and item.text_en for item in PlanItem.objects.filter(area__in=areas))


@pytest.mark.django_db
def test_the_superseded_version_is_kept(loaded):
    previous = Agreement.objects.get(version_label="2019")
    assert previous.status == Agreement.Status.SUPERSEDED
    assert previous.principles.count() == 2
    assert Agreement.objects.get(version_label="2024").previous == previous
    assert Agreement.objects.in_force().count() == 1
    assert Signature.objects.filter(agreement=previous).count() == 3


@pytest.mark.django_db
def test_organisations(loaded):
    organisations = Organisation.objects.all()
    assert all(luhn.is_valid(o.organisation_number.replace("-", "")) for o in organisations)
    assert organisations.filter(verification="verified").count() == 7
    assert organisations.filter(verification="unverified").count() == 1
    assert len({o.kind for o in organisations}) >= 5
    for organisation in organisations:
        assert "example.org" in organisation.website
        assert organisation.contact_email.endswith("@example.org")
        assert organisation.postal_town
        assert organisation.activity_areas.exists()


@pytest.mark.django_db
def test_users_and_their_roles(loaded):
    User = get_user_model()
    for email in (
        "official@example.org",
        "admin@example.org",
        "rep@example.org",
        "rep2@example.org",
    ):
        user = User.objects.get(email=email)
        assert user.check_password("demo-portal-2026")
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()

    official = User.objects.get(email="official@example.org")
    assert official.is_staff and not official.is_superuser
    assert official.groups.filter(name=OFFICIALS_GROUP).exists()
    assert official.has_perm("accounts.official")  # what makes an official (accounts/rules.py)
    for perm in (
        "organisations.view_organisation",
        "organisations.view_activityarea",
        "compact.view_agreement",
        "core.view_actionrecord",
    ):
        assert official.has_perm(perm)
    for perm in (  # decisions go through the officials' area, never the admin
        "compact.change_agreement",
        "principles.add_commitment",
        "organisations.change_organisation",
        "organisations.delete_organisation",
    ):
        assert not official.has_perm(perm)
    totp = Authenticator.objects.get(user=official, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == TOTP_SECRET
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    assert validate_totp_code(decrypt(totp.data["secret"]), code)

    assert User.objects.get(email="admin@example.org").is_superuser

    rep = Representative.objects.get(user__email="rep@example.org")
    assert rep.is_contact_person and rep.may_sign
    assert rep.organisation.is_verified
    assert rep.organisation.kind == Organisation.Kind.ASSOCIATION
    current = Agreement.objects.current()
    assert (
        not Signature.objects.effective()
        .filter(organisation=rep.organisation, agreement=current)
        .exists()
    )

    rep2 = Representative.objects.get(user__email="rep2@example.org")
    assert rep2.organisation != rep.organisation


@pytest.mark.django_db
def test_signatures_on_the_version_in_force(loaded):
    current = Agreement.objects.current()
    signatures = Signature.objects.filter(agreement=current)
    assert signatures.count() == 7
    assert signatures.effective().count() == 6
    assert Signature.objects.public().count() == 6
    assert {s.signed_at.year for s in signatures} == {2024, 2025, 2026}

    online = signatures.filter(channel=Signature.Channel.ONLINE)
    assert online.count() == 6
    assert all(s.signer_name and s.signer_role and s.authority == "signatory" for s in online)
    assert online.filter(signed_by__email="rep2@example.org").exists()

    written = signatures.get(channel=Signature.Channel.WRITTEN_APPLICATION)
    application = written.application
    assert application.status == WrittenApplication.Status.APPROVED
    assert application.decided_by.email == "official@example.org"
    assert written.approved_by == application.decided_by
    with application.document.open("rb") as document:
        assert document.read(5) == b"%PDF-"
    with application.document.open("rb") as document:
        assert len(PdfReader(document).pages) == 1

    withdrawn = signatures.get(withdrawn_at__isnull=False)
    assert withdrawn.withdrawal_reason
    again = signatures.effective().get(organisation=withdrawn.organisation)
    assert again.signed_at > withdrawn.withdrawn_at > withdrawn.signed_at


@pytest.mark.django_db
def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG") as refused:
        load()
    assert "password" in str(refused.value)
    assert "load_compact" in str(refused.value)
    assert "--allow-without-debug" in str(refused.value)
    assert counts() == before
    assert before["User"] == 0


@pytest.mark.django_db
def test_load_demo_without_debug_runs_when_allowed(settings):
    settings.DEBUG = False
    output = load("--allow-without-debug")
    assert "Demo data loaded" in output
    assert Agreement.objects.current().version_label == "2024"
    assert get_user_model().objects.filter(email="official@example.org").exists()


@pytest.mark.django_db
def test_demo_has_meetings_ahead_and_one_behind_with_minutes(loaded):
    from dialogues.models import Meeting

    assert Meeting.objects.count() == 3
    forum, workshop, autumn = (
        Meeting.objects.get(title_sv__startswith="Dialogforum våren"),
        Meeting.objects.get(kind=Meeting.Kind.WORKSHOP),
        Meeting.objects.get(title_sv__startswith="Dialogforum hösten"),
    )
    assert {m.status for m in (forum, workshop, autumn)} == {Meeting.Status.PUBLISHED}
    assert set(Meeting.objects.upcoming()) == {forum, workshop}
    assert list(Meeting.objects.past()) == [autumn]
    assert sorted(forum.public_parties.values_list("name", flat=True)) == [
        "Exempelstads kommun",
        "Grannby kommun",
    ]
    assert forum.registration_open()
    assert autumn.minutes_published_at is not None and "Minnesanteckningar" in autumn.minutes
    assert workshop.online_link.startswith("https://")
    # Created, published and invited to through the officials' services: the history
    # says so.
    assert [r.action_type for r in forum.history()] == [
        "dialogues.meeting.invitations_queued",
        "dialogues.meeting.published",
        "dialogues.meeting.created",
    ]


@pytest.mark.django_db
def test_demo_meetings_have_invitations_registrations_and_walk_ins(loaded):
    from dialogues.models import Invitation, Meeting, Registration
    from organisations.models import Organisation

    forum = Meeting.objects.get(title_sv__startswith="Dialogforum våren")
    autumn = Meeting.objects.get(title_sv__startswith="Dialogforum hösten")
    verified = Organisation.objects.verified()
    # Every verified organisation's contact person invited: the rows, waiting to be sent
    # when load_demo's transaction commits (the test's never does), and invited once only
    # though the demo was loaded twice.
    assert sorted(forum.invitations.values_list("email", flat=True)) == sorted(
        organisation.contact_email.lower() for organisation in verified
    )
    assert set(forum.invitations.values_list("status", flat=True)) == {Invitation.Status.PENDING}
    registrations = Registration.objects.filter(meeting=forum).order_by("pk")
    assert [r.organisation_name for r in registrations] == [
        "Kvarterskören i Exempelstad",
        "IK Stenbacken",
        "Grannby hembygdsförening",
    ]
    assert forum.registered_count() == 4
    assert registrations[0].user.email == "rep@example.org"
    walk_ins = Registration.objects.filter(meeting=autumn)
    assert walk_ins.count() == 2 and all(r.walk_in and r.attended for r in walk_ins)
