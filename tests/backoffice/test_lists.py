"""The officials' lists show each row as their templates did: escaped names, the dates in the
page's language, the state and the actions (rows built by backoffice/rows.py)."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from backoffice.views import SUBJECT_NAMES
from compact.models import Agreement
from core.models import ActionRecord
from principles.followups import follow_up_create
from tests.factories import (
    AgreementFactory,
    OfficialFactory,
    OrganisationFactory,
    SignatureFactory,
    WrittenApplicationFactory,
    build_compact,
    build_follow_up,
)
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

# 23:30 UTC on 23 November is 00:30 on the 24th in Stockholm.
LATE = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture
def official_client(client):
    official = OfficialFactory(totp=True, email="official@example.org")
    sign_in_with_second_factor(client, official)
    return client


def page(client, url_name, language="sv", query=""):
    # Inside override: the request's language does not outlast the test.
    with translation.override(language):
        response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_signature_rows(official_client):
    in_force = AgreementFactory(version_label="2.0")
    earlier = AgreementFactory(version_label="1.0", status=Agreement.Status.SUPERSEDED)
    organisation = OrganisationFactory(name="<b>Föreningen & co</b>")
    approver = OfficialFactory(email="approver@example.org")
    paper = SignatureFactory(
        organisation=organisation,
        agreement=in_force,
        signer_name="Anna <Andersson>",
        signed_at=LATE,
        channel="written_application",
        application=WrittenApplicationFactory(organisation=organisation, agreement=in_force),
        approved_by=approver,
    )
    old = SignatureFactory(
        organisation=organisation, agreement=earlier, signer_name="Bo", signed_at=LATE
    )
    withdrawn = SignatureFactory(
        agreement=in_force,
        signer_name="Cecilia",
        signed_at=LATE,
        withdrawn_at=LATE,
        withdrawal_reason="Styrelsen <sa> nej",
    )
    html = page(official_client, "backoffice:signatures")
    with translation.override("sv"):
        organisation_url = reverse("backoffice:organisation", args=[organisation.pk])
        withdraw_url = reverse("backoffice:withdraw", args=[paper.pk])
    assert (
        f"""
    <tr>
      <td><a href="{organisation_url}">&lt;b&gt;Föreningen &amp; co&lt;/b&gt;</a></td>
      <td>2.0</td>
      <td>2026-11-24, Anna &lt;Andersson&gt;</td>
      <td>Skriftlig ansökan (godkänd av approver@example.org)</td>
      <td>Gällande</td>
      <td><a href="{withdraw_url}">Återkalla</a></td>
    </tr>
  """
        in html
    )
    assert (
        f"""
    <tr>
      <td><a href="{organisation_url}">&lt;b&gt;Föreningen &amp; co&lt;/b&gt;</a></td>
      <td>1.0</td>
      <td>2026-11-24, Bo</td>
      <td>Digitalt</td>
      <td>Historik: en tidigare version</td>
      <td></td>
    </tr>
  """
        in html
    )
    assert (
        "<td>Återkallad 2026-11-24: Styrelsen &lt;sa&gt; nej</td>\n      <td></td>\n    </tr>"
        in html
    )
    with translation.override("sv"):
        assert reverse("backoffice:withdraw", args=[old.pk]) not in html
        assert reverse("backoffice:withdraw", args=[withdrawn.pk]) not in html


def test_signature_rows_in_english(official_client):
    SignatureFactory(agreement=AgreementFactory(version_label="2.0"), signed_at=LATE)
    html = page(official_client, "backoffice:signatures", "en")
    assert "<td>24 Nov 2026, " in html
    assert "<td>Online</td>\n      <td>Effective</td>" in html


def test_organisation_rows(official_client):
    signed = OrganisationFactory(name="A & B")
    SignatureFactory(organisation=signed)
    released = OrganisationFactory(
        name="C", organisation_number=None, verification="rejected", kind="foundation"
    )
    html = page(official_client, "backoffice:organisations")
    with translation.override("sv"):
        signed_url = reverse("backoffice:organisation", args=[signed.pk])
        released_url = reverse("backoffice:organisation", args=[released.pk])
    assert (
        f'\n    <tr><td><a href="{signed_url}">A &amp; B</a></td>'
        f"<td>{signed.organisation_number}</td>"
        "<td>Förening</td><td>Kontrollerad</td><td>Ja</td></tr>\n  "
    ) in html
    assert (
        f'<tr><td><a href="{released_url}">C</a></td><td>–</td>'
        "<td>Stiftelse</td><td>Avslagen</td><td>Nej</td></tr>"
    ) in html


def test_an_organisation_has_an_effective_signature_once_whatever_their_number(official_client):
    superseded = AgreementFactory(version_label="1.0", status=Agreement.Status.SUPERSEDED)
    in_force = AgreementFactory(version_label="2.0")
    twice = OrganisationFactory(name="Två gånger")
    SignatureFactory(organisation=twice, agreement=superseded)
    SignatureFactory(organisation=twice, agreement=in_force)
    withdrawn = OrganisationFactory(name="Utträdd")
    SignatureFactory(organisation=withdrawn, agreement=in_force, withdrawn_at=LATE)
    html = page(official_client, "backoffice:organisations")
    assert html.count(">Två gånger</a>") == 1
    assert re.search(r">Två gånger</a>.*?<td>Ja</td></tr>", html)
    assert re.search(r">Utträdd</a>.*?<td>Nej</td></tr>", html)


def test_action_log_rows(official_client):
    organisation = OrganisationFactory(name="<Förening>")
    ActionRecord.objects.create(
        actor=None,
        action_type="organisations.organisation.verified",
        subject=organisation,
        data={"note": "<ok>"},
    )
    html = page(official_client, "backoffice:log", "en")
    record = ActionRecord.objects.get()
    with translation.override("en"):
        when = Template('{{ at|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"at": record.at}))
    assert (
        f"\n    <tr><td>{when}</td><td>–</td><td>Verified the organisation</td>"
        "<td>&lt;Förening&gt;</td><td>&lt;ok&gt;</td></tr>\n  "
    ) in html


def test_action_log_row_of_a_subject_that_is_gone(official_client):
    kept = OrganisationFactory(name="Kvar")
    for object_id in (kept.pk, kept.pk + 1000):  # the second: no such organisation
        ActionRecord.objects.create(
            actor=None,
            action_type="organisations.organisation.verified",
            content_type=ContentType.objects.get_for_model(kept),
            object_id=object_id,
        )
    html = page(official_client, "backoffice:log", "en")
    assert "<td>Verified the organisation</td><td>–</td>" in html
    assert "<td>Verified the organisation</td><td>Kvar</td>" in html


def test_action_log_names_subjects_by_a_column_as_their_str(official_client):
    """SUBJECT_NAMES' kinds are named from one column read with the records: that column is
    their str()."""
    organisation = OrganisationFactory(name="Förening <x>")
    follow_up = follow_up_create(actor=OfficialFactory(), year=2031, agreement=AgreementFactory())
    for subject in (organisation, follow_up):
        assert str(getattr(subject, SUBJECT_NAMES[type(subject)])) == str(subject)
    gone = OrganisationFactory()
    gone_id = gone.pk
    for subject in (organisation, gone):
        ActionRecord.objects.create(
            actor=None, action_type="organisations.organisation.verified", subject=subject
        )
    gone.delete()
    html = page(official_client, "backoffice:log", "en")
    assert "<td>Verified the organisation</td><td>Förening &lt;x&gt;</td>" in html
    assert "<td>2031</td>" in html  # follow_up_create logs the follow-up
    assert ActionRecord.objects.filter(object_id=gone_id).exists()
    assert "<td>Verified the organisation</td><td>–</td>" in html


def test_dashboard_items(official_client):
    waiting = OrganisationFactory(name="<Ny>", organisation_number=None, verification="unverified")
    waiting.created_at = LATE
    waiting.save(update_fields=["created_at"])
    application = WrittenApplicationFactory(organisation=OrganisationFactory(name="D & E"))
    application.submitted_at = LATE
    application.save(update_fields=["submitted_at"])
    html = page(official_client, "backoffice:dashboard")
    with translation.override("sv"):
        waiting_url = reverse("backoffice:organisation", args=[waiting.pk])
        application_url = reverse("backoffice:application", args=[application.pk])
    assert (
        f'<li><a href="{waiting_url}">&lt;Ny&gt;</a> (–, registrerad 24 november 2026)</li>' in html
    )
    assert f'<li><a href="{application_url}">D &amp; E</a> (24 november 2026)</li>' in html


def test_dashboard_counts_what_it_does_not_list(official_client):
    OrganisationFactory.create_batch(21, verification="unverified")
    WrittenApplicationFactory.create_batch(2)
    html = page(official_client, "backoffice:dashboard", "en")
    assert html.count("registered") == 20
    assert "All 21 organisations to verify</a>" in html
    assert "applications in all" not in html


def test_dashboard_with_nothing_to_do(official_client):
    html = page(official_client, "backoffice:dashboard", "en")
    assert "No organisation is waiting to be verified." in html
    assert "No written application is waiting for review." in html


def test_follow_up_rows(official_client):
    agreement = build_compact(version_label="2.<0>")
    published = build_follow_up(agreement, 2025)
    published.refresh_from_db()
    draft = build_follow_up(agreement, 2026, publish=False, status="")
    html = page(official_client, "backoffice:follow_ups", "en")
    commitments = published.commitment_entries.count()
    with translation.override("en"):
        published_url = reverse("backoffice:follow_up", args=[published.pk])
        draft_url = reverse("backoffice:follow_up", args=[draft.pk])
        published_on = Template('{{ at|date:"DATE_FORMAT" }}').render(
            Context({"at": published.published_at})
        )
    draft_row = (
        f'\n    <tr>\n      <td><a href="{draft_url}">2026</a></td>\n      <td>2.&lt;0&gt;</td>'
        f"\n      <td>Draft</td>\n      <td>{commitments} / {commitments}</td>\n    </tr>\n  "
    )
    published_row = (
        f'\n    <tr>\n      <td><a href="{published_url}">2025</a></td>'
        f"\n      <td>2.&lt;0&gt;</td>\n      <td>Published {published_on}</td>"
        f"\n      <td>0 / {commitments}</td>\n    </tr>\n  "
    )
    assert draft_row in html
    assert published_row in html


def test_a_filtered_page_counts_and_shows_only_what_matches(official_client):
    """Counted and paged on the filtered list; the rows' columns read for the page only."""
    compact = AgreementFactory()
    for n in range(60):
        SignatureFactory(
            organisation=OrganisationFactory(name=f"Alfa {n:02d}"),
            agreement=compact,
            withdrawn_at=LATE if n % 2 else None,
            withdrawal_reason="Flyttat" if n % 2 else "",
        )
    SignatureFactory(organisation=OrganisationFactory(name="Beta"), agreement=compact)
    html = page(official_client, "backoffice:signatures", query="?q=alfa&state=withdrawn&page=1")
    assert "30 underskrifter" in html
    assert html.count("<tr>") == 1 + 30  # the header and every withdrawn one: one page
    html = page(official_client, "backoffice:organisations", query="?q=alfa&page=2")
    assert "60 organisationer" in html
    assert html.count("Alfa ") == 10 and "Alfa 59" in html and "Beta" not in html
    assert "Alfa 49" not in html  # on page 1
