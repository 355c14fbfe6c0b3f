"""The representative's dashboard lists the organisation's signatures and applications as
its template did (rows built by organisations/rows.py), and finds the version in force
whether or not the organisation signed it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from compact.models import Agreement
from tests.factories import (
    AgreementFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    WrittenApplicationFactory,
)

pytestmark = pytest.mark.django_db

# 23:30 UTC on 23 November is 00:30 on the 24th in Stockholm.
LATE = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=datetime.UTC)


def dashboard(client, representative, language="en"):
    client.force_login(representative.user)
    # Inside override: the request's language does not outlast the test.
    with translation.override(language):
        url = reverse("organisations:dashboard", args=[representative.organisation.pk])
        response = client.get(url)
    assert response.status_code == 200
    return response


def squeezed(html):
    return " ".join(html.split())


def test_signature_rows_of_a_verified_organisation(client):
    earlier = AgreementFactory(version_label="1.<0>", status=Agreement.Status.SUPERSEDED)
    in_force = AgreementFactory(version_label="2.0", previous=earlier)
    representative = RepresentativeFactory(may_sign=True)
    organisation = representative.organisation
    old = SignatureFactory(
        organisation=organisation,
        agreement=earlier,
        signed_at=LATE,
        signer_name="Bo <Berg>",
        signer_role="Kassör",
    )
    current = SignatureFactory(organisation=organisation, agreement=in_force, signed_at=LATE)
    response = dashboard(client, representative)
    html = squeezed(response.content.decode())
    assert response.context["agreement"] == in_force
    with translation.override("en"):
        certificate = reverse("compact:certificate_pdf", args=[organisation.pk, old.pk])
        current_certificate = reverse("compact:certificate_pdf", args=[organisation.pk, current.pk])
        withdraw = reverse("compact:withdraw", args=[organisation.pk, current.pk])
    assert (
        '<tr class="history"> <td><strong>Version 1.&lt;0&gt;</strong></td> '
        '<td data-label="Signed">24 November 2026 – Bo &lt;Berg&gt;, Kassör</td> '
        '<td data-label="Channel">Online</td> <td data-label="State"> '
        "History: an earlier version, no longer in force "
        f'<br><a href="{certificate}">Certificate of signing, version 1.&lt;0&gt; (PDF)</a> '
        "</td> <td></td> </tr>"
    ) in html
    assert (
        '<td data-label="State"> Effective and public '
        f'<br><a href="{current_certificate}">Certificate of signing, version 2.0 (PDF)</a> </td>'
    ) in html
    assert f'<td><a href="{withdraw}">Withdraw the signature on version 2.0</a></td>' in html


def test_signature_rows_of_an_unverified_organisation_in_swedish(client):
    agreement = AgreementFactory(version_label="2.0")
    organisation = OrganisationFactory(verification="unverified")
    representative = RepresentativeFactory(organisation=organisation, may_sign=False)
    SignatureFactory(
        organisation=organisation,
        agreement=agreement,
        signed_at=LATE,
        withdrawn_at=LATE,
        withdrawal_reason="x",
    )
    response = dashboard(client, representative, "sv")
    html = squeezed(response.content.decode())
    assert response.context["agreement"] == agreement
    assert '<tr class="history"> <td><strong>Version 2.0</strong></td>' in html
    assert '<td data-label="Undertecknad">24 november 2026 – ' in html
    assert '<td data-label="Läge"> Återkallad 24 november 2026 </td> <td></td> </tr>' in html
    assert "certificate.pdf" not in html


def test_version_in_force_found_when_the_organisation_has_not_signed_it(client):
    earlier = AgreementFactory(version_label="1.0", status=Agreement.Status.SUPERSEDED)
    in_force = AgreementFactory(version_label="2.0", previous=earlier)
    representative = RepresentativeFactory()
    SignatureFactory(organisation=representative.organisation, agreement=earlier)
    response = dashboard(client, representative)
    assert response.context["agreement"] == in_force
    assert response.context["signed_previous"] is True
    assert "Version 2.0 of the compact is not signed yet" in response.content.decode()


def test_application_items(client):
    AgreementFactory()
    representative = RepresentativeFactory()
    application = WrittenApplicationFactory(
        organisation=representative.organisation,
        status="rejected",
        rejection_reason="Saknar <underskrift>",
    )
    application.submitted_at = LATE
    application.save(update_fields=["submitted_at"])
    html = dashboard(client, representative).content.decode()
    with translation.override("en"):
        document = reverse(
            "compact:application_document",
            args=[representative.organisation.pk, application.pk],
        )
    assert (
        "\n      <li>24 November 2026: Rejected – Saknar &lt;underskrift&gt;\n"
        f'        – <a href="{document}">Download the application (PDF)</a></li>\n    '
    ) in html
