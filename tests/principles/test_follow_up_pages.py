"""The public follow-up pages: only published years, by principle and by party, the chart
and its table with the same figures, the comparison of two years, attachments, the
representative's account page, and query bounds at two data sizes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from principles.followups import (
    EntryChange,
    account_decide,
    account_submit,
    correction_add,
    entries_record,
    follow_up_publish,
)
from principles.models import EntryStatus, FollowUp, OrganisationAccount, Party
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    SignatureFactory,
    build_follow_up,
)
from tests.principles.test_follow_up_services import PNG
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LANGUAGES = ["sv", "en"]
MAX_QUERIES = 8  # with the latest edition of the year's sealed PDF


def url(name, language="en", *args):
    with translation.override(language):
        return reverse(name, args=args)


def text(response):
    return response.content.decode()


def public_urls(year, language):
    return [
        url("principles:follow_ups", language),
        url("principles:follow_up", language, year),
        *(url("principles:follow_up_party", language, year, party) for party in Party.values),
        url("principles:follow_up_compare", language),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_follow_up_pages_answer_in_each_language(client, compact, language):
    build_follow_up(compact, 2024)
    build_follow_up(compact, 2025)
    for page in public_urls(2025, language):
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{language}">' in text(response)


def test_a_draft_is_not_public(client, compact):
    build_follow_up(compact, 2025, publish=False)

    assert client.get(url("principles:follow_up", "en", 2025)).status_code == 404
    assert "2025" not in text(client.get(url("principles:follow_ups", "en")))


def test_the_year_shows_every_commitment_by_principle_with_its_status(client, compact):
    follow_up = build_follow_up(compact, 2025)

    html = text(client.get(url("principles:follow_up", "en", 2025)))

    for entry in follow_up.commitment_entries.select_related("commitment"):
        assert entry.commitment.text_en in html
        assert entry.account in html
    for principle in compact.principles.all():
        assert f'id="principle-{principle.pk}"' in html
    for entry in follow_up.plan_item_entries.select_related("plan_item"):
        assert entry.plan_item.text_en in html


def chart_and_table(html):
    svg = re.search(
        r"<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\".*?</svg>", html, re.S
    )
    table = re.search(r"<table class=\"table table-sm\">.*?</table>", html, re.S)
    assert svg and table
    return svg.group(0), table.group(0)


def test_the_chart_is_an_accessible_svg_with_the_tables_figures(client, compact):
    follow_up = build_follow_up(compact, 2025)

    html = text(client.get(url("principles:follow_up", "en", 2025)))
    svg, table = chart_and_table(html)

    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert "style=" not in svg  # the CSP allows no inline styles: presentation attributes
    total = follow_up.commitment_entries.count()
    done = follow_up.commitment_entries.filter(status="done").count()
    # The last row: all commitments. The same figures in the table and in the chart's text.
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    label, cells = rows[-1]
    figures = [int(n) for n in re.findall(r">(\d+)</td>", cells)]
    assert label == "All commitments"
    assert figures[-1] == total and sum(figures[:-1]) == total
    assert figures[EntryStatus.values.index("done")] == done
    assert (
        f"All commitments: Not started {figures[0]}, In progress {figures[1]}, Done {figures[2]}"
        in svg
    )
    # Each party's bar's segments add up to the chart's width.
    widths = re.findall(
        r'<rect x="[\d.]+" y="20" width="([\d.]+)" height="20" fill="#(?!f1f3f5)', svg
    )
    assert abs(sum(float(w) for w in widths) - 600 * (len(Party) + 1)) < 0.1


@pytest.mark.parametrize("party", Party.values)
def test_a_partys_page_shows_its_commitments_only(client, compact, party):
    follow_up = build_follow_up(compact, 2025)

    html = text(client.get(url("principles:follow_up_party", "en", 2025, party)))

    for entry in follow_up.commitment_entries.select_related("commitment"):
        assert (entry.commitment.text_en in html) == (entry.commitment.party == party)


def test_included_accounts_and_corrections_are_shown(client, compact):
    official = OfficialFactory()
    follow_up = build_follow_up(compact, 2025, publish=False, official=official)
    kept, dropped = RepresentativeFactory(), RepresentativeFactory()
    entry = follow_up.commitment_entries.filter(commitment__party=Party.SECTOR).first()
    for representative, words in ((kept, "Vi gjorde det här"), (dropped, "Det här syns inte")):
        SignatureFactory(organisation=representative.organisation, agreement=compact)
        account = account_submit(
            actor=representative.user,
            organisation=representative.organisation,
            entry=entry,
            text=words,
        )
        account_decide(actor=official, account=account, include=representative is kept)
    follow_up_publish(actor=official, follow_up=follow_up)
    correction_add(actor=official, follow_up=follow_up, text="Rättelse: mötet var i maj.")

    html = text(client.get(url("principles:follow_up", "en", 2025)))

    assert "Vi gjorde det här" in html and kept.organisation.name in html
    assert "Det här syns inte" not in html
    assert "Rättelse: mötet var i maj." in html
    assert OrganisationAccount.objects.count() == 2


def test_the_comparison_shows_each_commitments_status_in_both_years(client, compact):
    build_follow_up(compact, 2024, status=EntryStatus.IN_PROGRESS)
    build_follow_up(compact, 2025, status=EntryStatus.DONE)

    html = text(client.get(url("principles:follow_up_compare", "en") + "?from=2024&to=2025"))

    rows = re.findall(r"<tr>\s*<td>.*?</tr>", html, re.S)
    assert len(rows) == FollowUp.objects.get(year=2025).commitment_entries.count()
    assert all("In progress" in row and "<strong>Done</strong>" in row for row in rows)


def test_the_comparison_without_two_years_says_so(client, compact):
    build_follow_up(compact, 2025)

    html = text(client.get(url("principles:follow_up_compare", "en") + "?from=x&to=2025"))

    assert "Two published follow-ups are needed to compare." in html


def test_an_attachment_is_public_once_published(client, compact):
    official = OfficialFactory(totp=True)
    follow_up = build_follow_up(compact, 2025, publish=False, official=official)
    entry = follow_up.commitment_entries.first()
    entries_record(
        actor=official,
        follow_up=follow_up,
        changes=[
            EntryChange(entry, EntryStatus.DONE, attachment=SimpleUploadedFile("bild.png", PNG))
        ],
    )
    address = url("principles:follow_up_attachment", "en", entry.pk)

    assert client.get(address).status_code == 404  # a draft's: not the public's
    sign_in_with_second_factor(client, official)
    response = client.get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    follow_up_publish(actor=official, follow_up=follow_up)
    client.logout()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("data", ["compact", "big_compact"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_follow_up_pages_queries_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, request, data, language
):
    agreement = request.getfixturevalue(data)
    official = OfficialFactory()
    build_follow_up(agreement, 2024, official=official)
    follow_up = build_follow_up(agreement, 2025, official=official, publish=False)
    scale = agreement.principles.count() // 7
    sector = follow_up.commitment_entries.filter(commitment__party=Party.SECTOR)
    for entry in sector[: 2 * scale]:
        representative = RepresentativeFactory()
        SignatureFactory(organisation=representative.organisation, agreement=agreement)
        account = account_submit(
            actor=representative.user,
            organisation=representative.organisation,
            entry=entry,
            text="Med",
        )
        account_decide(actor=official, account=account, include=True)
    follow_up_publish(actor=official, follow_up=follow_up)
    correction_add(actor=official, follow_up=follow_up, text="Rättelse.")

    for page in public_urls(2025, language):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(page)
        assert response.status_code == 200, page


# -- the representative's page -------------------------------------------------------------


def test_a_signatorys_representative_submits_an_account(client, compact):
    follow_up = build_follow_up(compact, 2025, publish=False)
    representative = RepresentativeFactory()
    SignatureFactory(organisation=representative.organisation, agreement=compact)
    client.force_login(representative.user)
    address = url("principles:follow_up_account", "en", representative.organisation.pk)
    entry = follow_up.commitment_entries.filter(commitment__party=Party.BOTH).first()

    page = text(client.get(address))
    assert entry.commitment.text_en in page
    municipal = follow_up.commitment_entries.filter(commitment__party=Party.MUNICIPALITY).first()
    assert municipal.commitment.text_en not in page

    response = client.post(address, {"entry": entry.pk, "text": "Vi bjöd in till samråd."})
    assert response.status_code == 302
    account = OrganisationAccount.objects.get()
    assert (account.entry, account.organisation) == (entry, representative.organisation)

    response = client.post(address, {"entry": entry.pk, "text": ""})
    assert response.status_code == 400
    assert OrganisationAccount.objects.get().text == "Vi bjöd in till samråd."


def test_a_representative_of_an_organisation_that_has_not_signed_is_told(client, compact):
    build_follow_up(compact, 2025, publish=False)
    representative = RepresentativeFactory()
    client.force_login(representative.user)

    response = client.get(url("principles:follow_up_account", "en", representative.organisation.pk))

    assert response.status_code == 200
    assert "takes accounts from organisations that have signed" in text(response)


def test_a_correction_reaches_the_cached_public_page(client, compact, settings):
    """The page cache serves the public; adding a correction bumps its content version."""
    settings.PUBLIC_PAGE_CACHE = True
    official = OfficialFactory()
    follow_up = build_follow_up(compact, 2025, official=official)
    address = url("principles:follow_up", "en", 2025)
    assert "Rättelse efteråt." not in text(client.get(address))

    correction_add(actor=official, follow_up=follow_up, text="Rättelse efteråt.")

    assert "Rättelse efteråt." in text(client.get(address))


def test_the_pages_kept_for_everyone_change_when_a_year_is_published_corrected_or_issued(
    client, compact, settings
):
    """Signed in, the follow-up pages come from the page kept for everyone
    (core/public_cache.py); publishing a year, a correction and a new edition of its PDF each
    bump the content version, so no one gets a page older than the follow-up."""
    from django.core.cache import caches

    from compact.models import IssuedDocument
    from core.public_cache import content_version

    settings.PUBLIC_PAGE_CACHE = True
    caches["public_pages"].clear()

    def kept(path):
        return caches["public_pages"].get(f"content:{content_version()}:en:{path}") is not None

    official = OfficialFactory()
    build_follow_up(compact, 2024, official=official)
    follow_up = build_follow_up(compact, 2025, official=official, publish=False)
    client.force_login(RepresentativeFactory().user)
    listing, compare = url("principles:follow_ups"), url("principles:follow_up_compare")
    year = url("principles:follow_up", "en", 2025)
    party = url("principles:follow_up_party", "en", 2025, Party.SECTOR)
    pdf = url("principles:follow_up_pdf", "en", 2025)
    assert "The follow-up of 2025" not in text(client.get(listing))
    assert '<option value="2025"' not in text(client.get(compare))
    assert kept(listing) and kept(compare)

    follow_up_publish(actor=official, follow_up=follow_up)

    assert "The follow-up of 2025" in text(client.get(listing))
    assert '<option value="2025" selected>' in text(client.get(compare))
    for page in (year, party):
        assert "Rättelse för alla." not in text(client.get(page))
        assert kept(page)

    correction_add(actor=official, follow_up=follow_up, text="Rättelse för alla.")

    for page in (year, party):
        assert "Rättelse för alla." in text(client.get(page))
    assert pdf not in text(client.get(year)) and kept(year)

    IssuedDocument.objects.create(
        kind=IssuedDocument.Kind.FOLLOW_UP,
        agreement=compact,
        language="en",
        year=2025,
        file="documents/follow-up-2025-en.pdf",
        size=1,
        sha256="0" * 64,
        source_digest="0" * 64,
    )

    assert pdf in text(client.get(year))


def test_an_account_of_the_year_is_a_redovisning_and_the_menu_still_konto(client, compact):
    build_follow_up(compact, 2025)
    with translation.override("sv"):
        page = client.get(reverse("principles:follow_up", args=[2025])).content.decode()
    assert '<th scope="col">Redovisning</th>' in page
    assert '<nav aria-label="Konto">' in page
