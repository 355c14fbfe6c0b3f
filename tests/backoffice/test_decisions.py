"""The officials' area: one view per decision, each through the domain's services."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from compact.models import Signature
from core.models import ActionRecord
from organisations.services import review_version
from tests.factories import (
    MeetingFactory,
    OfficialFactory,
    OrganisationFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SignatureFactory,
    WrittenApplicationFactory,
)
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# Who signed the application's paper, as the official confirms it on approval.
SIGNATORY = {
    "signatory-signer_name": "Robin Ros",
    "signatory-signer_role": "Ordförande",
    "signatory-signed_on": "2026-01-05",
}


@pytest.fixture
def official():
    return OfficialFactory(totp=True)


def test_official_approves_an_application(
    client, compact, official, mailoutbox, django_capture_on_commit_callbacks
):
    application = WrittenApplicationFactory()
    RepresentativeFactory(organisation=application.organisation)
    sign_in_with_second_factor(client, official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:application_approve", args=[application.pk]), SIGNATORY
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", official)
    signature = Signature.objects.get(organisation=application.organisation)
    assert (signature.channel, signature.application, signature.approved_by) == (
        "written_application",
        application,
        official,
    )
    assert len(mailoutbox) == 1
    assert "approved" in mailoutbox[0].subject
    listing = client.get(reverse("compact:signatories"))
    assert application.organisation in [s.organisation for s in listing.context["page_obj"]]


def test_official_rejects_an_application_with_a_reason(
    client, compact, official, mailoutbox, django_capture_on_commit_callbacks
):
    application = WrittenApplicationFactory()
    sign_in_with_second_factor(client, official)
    url = reverse("backoffice:application_reject", args=[application.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    assert "This field is required." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "The document is not signed."})
    application.refresh_from_db()
    assert (application.status, application.rejection_reason) == (
        "rejected",
        "The document is not signed.",
    )
    assert not Signature.objects.filter(organisation=application.organisation).exists()
    assert len(mailoutbox) == 1
    assert "The document is not signed." in mailoutbox[0].body


def test_a_decided_application_cannot_be_decided_again(client, compact, official):
    application = WrittenApplicationFactory()
    sign_in_with_second_factor(client, official)
    client.post(reverse("backoffice:application_reject", args=[application.pk]), {"reason": "No."})
    response = client.post(
        reverse("backoffice:application_approve", args=[application.pk]), SIGNATORY
    )
    assert response.status_code == 302
    assert "already been decided" in client.get(response["Location"]).content.decode()
    application.refresh_from_db()
    assert application.status == "rejected"
    assert not Signature.objects.filter(organisation=application.organisation).exists()


def test_official_without_second_factor_is_sent_to_set_it_up(client):
    client.force_login(OfficialFactory())
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_official_signed_in_without_the_second_factor_must_confirm_it(client, compact):
    """A password alone (here: a session without the second factor) opens nothing."""
    official = OfficialFactory(totp=True)
    application = WrittenApplicationFactory()
    client.force_login(official)
    for url in (
        reverse("backoffice:dashboard"),
        reverse("organisations:edit", args=[application.organisation.pk]),
        reverse("compact:application_document", args=[application.organisation.pk, application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), url
    sign_in_with_second_factor(client, official)
    assert client.get(reverse("backoffice:dashboard")).status_code == 200


def test_non_official_gets_no_officials_area(client):
    client.force_login(RepresentativeFactory().user)
    assert client.get(reverse("backoffice:dashboard")).status_code == 403


def test_official_actions_are_recorded(client, compact, official):
    organisation = OrganisationFactory(verification="unverified")
    sign_in_with_second_factor(client, official)
    client.post(
        reverse("backoffice:organisation_reject", args=[organisation.pk]),
        {
            "reason": "Not a civil-society organisation.",
            "seen_version": review_version(organisation),
        },
    )
    organisation.refresh_from_db()
    assert (organisation.verification, organisation.verification_note) == (
        "rejected",
        "Not a civil-society organisation.",
    )
    record = ActionRecord.objects.get()
    assert (record.actor, record.action_type, record.subject, record.data) == (
        official,
        "organisations.organisation.rejected",
        organisation,
        {"reason": "Not a civil-society organisation."},
    )
    log = client.get(reverse("backoffice:log"))
    assert "Rejected the organisation" in log.content.decode()


def test_approving_the_application_of_an_unverified_organisation_verifies_it(
    client, compact, official
):
    application = WrittenApplicationFactory(
        organisation=OrganisationFactory(verification="unverified")
    )
    sign_in_with_second_factor(client, official)
    client.post(reverse("backoffice:application_approve", args=[application.pk]), SIGNATORY)
    organisation = application.organisation
    organisation.refresh_from_db()
    assert (organisation.verification, organisation.verified_by) == ("verified", official)
    assert Signature.objects.public().filter(organisation=organisation).count() == 1


def test_an_application_for_a_superseded_version_cannot_be_approved(client, compact, official):
    application = WrittenApplicationFactory()
    compact.status = "superseded"
    compact.save()
    sign_in_with_second_factor(client, official)
    client.post(reverse("backoffice:application_approve", args=[application.pk]), SIGNATORY)
    application.refresh_from_db()
    assert application.status == "pending"
    assert not Signature.objects.filter(organisation=application.organisation).exists()


def test_each_decision_has_its_own_url_and_a_get_goes_back_to_its_page(client, compact, official):
    organisation = OrganisationFactory(verification="unverified")
    application = WrittenApplicationFactory()
    sign_in_with_second_factor(client, official)
    for name, pk in (
        ("backoffice:organisation_verify", organisation.pk),
        ("backoffice:organisation_reject", organisation.pk),
        ("backoffice:application_approve", application.pk),
        ("backoffice:application_reject", application.pk),
    ):
        response = client.get(reverse(name, args=[pk]))  # e.g. the language link
        page = "backoffice:organisation" if "organisation" in name else "backoffice:application"
        assert response["Location"] == reverse(page, args=[pk]), name
    organisation.refresh_from_db()
    application.refresh_from_db()
    assert (organisation.verification, application.status) == ("unverified", "pending")


def test_verifying_an_organisation_is_one_post(client, compact, official):
    organisation = OrganisationFactory(verification="unverified")
    sign_in_with_second_factor(client, official)
    response = client.post(
        reverse("backoffice:organisation_verify", args=[organisation.pk]),
        {"seen_version": review_version(organisation)},
    )
    assert response["Location"] == reverse("backoffice:dashboard")
    organisation.refresh_from_db()
    assert (organisation.verification, organisation.verified_by) == ("verified", official)


def test_a_rejection_without_a_reason_keeps_the_organisation_as_it_was(client, compact, official):
    organisation = OrganisationFactory(verification="unverified")
    sign_in_with_second_factor(client, official)
    response = client.post(
        reverse("backoffice:organisation_reject", args=[organisation.pk]), {"reason": " "}
    )
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    html = response.content.decode()
    summary = html.split('<div class="error-summary')[1].split("</div>")[0]  # the shared one
    assert "Nothing was decided." in summary and "Reason" in summary
    assert 'href="#id_reason"' in summary and 'tabindex="-1"' in summary
    assert html.count('class="error-summary') == 1
    assert "<title>Error: " in html
    with translation.override("sv"):
        swedish = client.post(
            reverse("backoffice:organisation_reject", args=[organisation.pk]), {"reason": ""}
        ).content.decode()
    assert "Inget beslut fattades." in swedish and "<title>Fel: " in swedish
    organisation.refresh_from_db()
    assert organisation.verification == "unverified"
    assert not ActionRecord.objects.exists()


def test_the_organisation_page_shows_its_history(client, compact, official):
    rep = RepresentativeFactory()
    organisation = rep.organisation
    signature = SignatureFactory(organisation=organisation, agreement=compact)
    other = OrganisationFactory(name="Someone Else")
    organisation.log_action("organisations.organisation.registered", actor=rep.user)
    signature.log_action(
        "compact.signature.withdrawn", actor=rep.user, data={"reason": "We merged."}
    )
    other.log_action("organisations.organisation.verified", actor=official)
    sign_in_with_second_factor(client, official)
    page = client.get(reverse("backoffice:organisation", args=[organisation.pk]))
    history = list(page.context["history"])
    assert [r.action_type for r in history] == [
        "compact.signature.withdrawn",
        "organisations.organisation.registered",
    ]
    html = page.content.decode()
    assert "Withdrew a signature: We merged." in html
    assert "Registered the organisation" in html


def test_the_current_tab_is_marked(client, compact, official, settings):
    settings.DEBUG = False  # the tabs are kept per section and language, as in production
    sign_in_with_second_factor(client, official)
    tabs = (
        ("backoffice:dashboard", "To review", "Att hantera"),
        ("backoffice:organisations", "Organisations", "Organisationer"),
        ("backoffice:meetings", "Meetings", "Möten"),
        ("backoffice:versions", "Versions", "Versioner"),
        ("backoffice:signatures", "Signatures", "Underskrifter"),
        ("backoffice:follow_ups", "Follow-ups", "Uppföljningar"),
        ("backoffice:log", "Action log", "Händelselogg"),
    )
    for language in ("en", "sv", "en"):
        with translation.override(language):
            for name, english, swedish in tabs:
                label = english if language == "en" else swedish
                html = client.get(reverse(name)).content.decode()
                tabs_html = html.split('<ul class="nav nav-tabs mb-4">')[1].split("</ul>")[0]
                assert tabs_html.count('aria-current="page"') == 1, name
                assert f'aria-current="page" href="{reverse(name)}">{label}</a>' in tabs_html
                assert tabs_html.count(f'href="/{language}/backoffice/') == len(tabs), name


def test_the_action_log_names_each_subject_in_bounded_queries(
    client, compact, official, django_assert_max_num_queries
):
    sign_in_with_second_factor(client, official)
    for n in range(20):
        organisation = OrganisationFactory(name=f"Förening {n}")
        organisation.log_action("organisations.organisation.verified", actor=official)
        signature = SignatureFactory(organisation=organisation, agreement=compact)
        signature.log_action("compact.signature.signed_online", actor=official)
        WrittenApplicationFactory(organisation=organisation).log_action(
            "compact.application.submitted", actor=official
        )
        meeting = MeetingFactory(title_en=f"Forum {n}")
        meeting.log_action("dialogues.meeting.published", actor=official)
        RegistrationFactory(meeting=meeting, name=f"Deltagare {n}").log_action(
            "dialogues.registration.created", actor=None
        )
    with django_assert_max_num_queries(20):
        html = client.get(reverse("backoffice:log")).content.decode()
    assert "Förening 19" in html
    assert "Signed online" in html
    assert "Deltagare 19" in html


def test_an_unregistered_action_type_is_refused(compact):
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="Unregistered"):
        organisation.log_action("organisations.organisation.vanished", actor=None)


def test_a_decision_on_what_the_official_did_not_see_is_refused(client, compact, official):
    """The official opens the page; the representative renames the organisation; the
    official's "verify" is refused, and the renamed organisation stays unverified."""
    rep = RepresentativeFactory(organisation__verification="unverified")
    organisation = rep.organisation
    sign_in_with_second_factor(client, official)
    page = client.get(reverse("backoffice:organisation", args=[organisation.pk]))
    seen = page.context["seen_version"]
    assert f'name="seen_version" value="{seen}"' in page.content.decode()

    renamer = Client()
    renamer.force_login(rep.user)
    form = {
        "name": "Ett helt annat namn",
        "organisation_number": organisation.organisation_number,
        "kind": organisation.kind,
        "contact_name": organisation.contact_name,
        "contact_email": organisation.contact_email,
    }
    assert (
        renamer.post(reverse("organisations:edit", args=[organisation.pk]), form).status_code == 302
    )

    for name, data in (
        ("backoffice:organisation_verify", {"seen_version": seen}),
        ("backoffice:organisation_reject", {"seen_version": seen, "reason": "No."}),
    ):
        response = client.post(reverse(name, args=[organisation.pk]), data, follow=True)
        assert "was changed after you opened it" in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.name, organisation.verification) == ("Ett helt annat namn", "unverified")
    assert not ActionRecord.objects.filter(
        action_type__startswith="organisations.organisation.v"
    ).exists()

    # Opened again, the new name can be verified.
    seen = client.get(reverse("backoffice:organisation", args=[organisation.pk])).context[
        "seen_version"
    ]
    client.post(
        reverse("backoffice:organisation_verify", args=[organisation.pk]), {"seen_version": seen}
    )
    organisation.refresh_from_db()
    assert organisation.verification == "verified"


def test_two_officials_deciding_at_once_record_the_first_decision_only(client, compact, official):
    organisation = OrganisationFactory(verification="unverified")
    sign_in_with_second_factor(client, official)
    seen = review_version(organisation)
    client.post(
        reverse("backoffice:organisation_verify", args=[organisation.pk]), {"seen_version": seen}
    )
    client.post(
        reverse("backoffice:organisation_reject", args=[organisation.pk]),
        {"seen_version": seen, "reason": "Too late."},
    )
    organisation.refresh_from_db()
    assert organisation.verification == "verified"


def test_the_dashboard_shows_the_oldest_work_and_how_much_there_is(client, compact, official):
    from backoffice.views import DASHBOARD_ITEMS

    organisations = [
        OrganisationFactory(verification="unverified") for _ in range(DASHBOARD_ITEMS + 3)
    ]
    sign_in_with_second_factor(client, official)
    page = client.get(reverse("backoffice:dashboard"))
    shown = list(page.context["organisations"])
    assert shown == organisations[:DASHBOARD_ITEMS]
    assert page.context["organisation_count"] == DASHBOARD_ITEMS + 3
    assert f"All {DASHBOARD_ITEMS + 3} organisations to verify" in page.content.decode()
