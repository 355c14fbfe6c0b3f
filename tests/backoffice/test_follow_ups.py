"""The officials' follow-up pages: start one, record a principle's commitments on one page,
the plan items, organisations' accounts, publish, correct; and their query bounds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from principles.followups import account_submit
from principles.models import (
    CommitmentEntry,
    CorrectionNote,
    FollowUp,
    OrganisationAccount,
    Party,
)
from tests.factories import (
    OfficialFactory,
    RepresentativeFactory,
    SignatureFactory,
    build_follow_up,
)
from tests.principles.test_follow_up_services import PNG
from tests.signin import sign_in_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MAX_QUERIES = 14


@pytest.fixture
def official(db):
    return OfficialFactory(totp=True)


@pytest.fixture
def signed_in(client, official):
    return sign_in_with_second_factor(client, official)


def record_data(entries, status="done", **extra):
    data = {}
    for entry in entries:
        data[f"entry-{entry.pk}-status"] = status
        data[f"entry-{entry.pk}-account"] = f"Redovisning {entry.pk}"
        data[f"entry-{entry.pk}-links"] = ""
    data.update(extra)
    return data


def test_an_official_starts_a_follow_up_for_a_year(signed_in, compact):
    response = signed_in.post(reverse("backoffice:follow_ups"), {"year": 2025})

    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:follow_up", args=[follow_up.pk])
    assert (follow_up.year, follow_up.agreement) == (2025, compact)

    again = signed_in.post(reverse("backoffice:follow_ups"), {"year": 2025})
    assert again.status_code == 400
    assert "There is already a follow-up of 2025." in again.content.decode()


def test_one_page_records_every_commitment_of_a_principle(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official, publish=False, status="")
    principle = compact.principles.order_by("position")[1]
    entries = list(follow_up.commitment_entries.filter(commitment__principle=principle))
    url = reverse("backoffice:follow_up_record", args=[follow_up.pk, principle.pk])

    page = signed_in.get(url).content.decode()
    for entry in entries:
        assert entry.commitment.text_en in page
    first = entries[0]
    data = record_data(entries, status="in_progress")
    data[f"entry-{first.pk}-links"] = "https://example.org/rapport"
    data[f"entry-{first.pk}-attachment"] = SimpleUploadedFile("rapport.png", PNG)
    response = signed_in.post(url, data)

    assert response.status_code == 302
    recorded = CommitmentEntry.objects.filter(pk__in=[e.pk for e in entries])
    assert {e.status for e in recorded} == {"in_progress"}
    first.refresh_from_db()
    assert first.link_list == ["https://example.org/rapport"]
    assert first.attachment
    # Other principles' commitments are untouched.
    assert follow_up.commitment_entries.exclude(pk__in=[e.pk for e in entries]).filter(
        status=""
    ).count() == follow_up.commitment_entries.count() - len(entries)


def test_a_bad_field_saves_nothing_and_says_where(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official, publish=False, status="")
    principle = compact.principles.first()
    entries = list(follow_up.commitment_entries.filter(commitment__principle=principle))
    data = record_data(entries)
    data[f"entry-{entries[-1].pk}-links"] = "not a link"
    data[f"entry-{entries[0].pk}-attachment"] = SimpleUploadedFile("x.pdf", b"MZ\x90 program")

    response = signed_in.post(
        reverse("backoffice:follow_up_record", args=[follow_up.pk, principle.pk]), data
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "not a link is not a web address" in html
    assert "must be a PDF document or a PNG or JPEG picture" in html
    assert not follow_up.commitment_entries.exclude(status="").exists()


def test_the_plan_page_records_the_plan_items(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official, publish=False, status="")
    entries = list(follow_up.plan_item_entries.all())

    response = signed_in.post(
        reverse("backoffice:follow_up_plan", args=[follow_up.pk]), record_data(entries)
    )

    assert response.status_code == 302
    assert not follow_up.plan_item_entries.filter(status="").exists()


def test_publish_refused_while_incomplete_then_published(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official, publish=False, status="")
    publish = reverse("backoffice:follow_up_publish", args=[follow_up.pk])

    response = signed_in.post(publish, follow=True)
    assert "The follow-up is not complete" in response.content.decode()
    follow_up.refresh_from_db()
    assert not follow_up.is_published

    build_follow_up(compact, 2026, official=official, publish=False)  # another year
    complete = FollowUp.objects.get(year=2026)
    response = signed_in.post(reverse("backoffice:follow_up_publish", args=[complete.pk]))
    complete.refresh_from_db()
    assert response.status_code == 302 and complete.is_published
    # A GET of the decision's URL goes back to the page.
    assert signed_in.get(publish)["Location"] == reverse(
        "backoffice:follow_up", args=[follow_up.pk]
    )


def test_a_published_follow_up_is_corrected_not_rewritten(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official)
    principle = compact.principles.first()
    entries = list(follow_up.commitment_entries.filter(commitment__principle=principle))
    before = {e.pk: e.status for e in entries}

    response = signed_in.post(
        reverse("backoffice:follow_up_record", args=[follow_up.pk, principle.pk]),
        record_data(entries, status="not_started"),
    )
    assert response.status_code == 200  # shown, not saved
    assert {e.pk: e.status for e in CommitmentEntry.objects.filter(pk__in=before)} == before

    commitment = entries[0].commitment
    response = signed_in.post(
        reverse("backoffice:follow_up_correct", args=[follow_up.pk]),
        {"text": "Mötet hölls i maj, inte i april.", "commitment": commitment.pk},
    )
    assert response.status_code == 302
    note = CorrectionNote.objects.get()
    assert (note.commitment, note.added_by) == (commitment, official)
    page = signed_in.get(reverse("backoffice:follow_up", args=[follow_up.pk])).content.decode()
    assert "Mötet hölls i maj, inte i april." in page

    empty = signed_in.post(
        reverse("backoffice:follow_up_correct", args=[follow_up.pk]), {"text": ""}
    )
    assert empty.status_code == 400
    assert CorrectionNote.objects.count() == 1


def test_officials_include_or_leave_out_an_organisations_account(signed_in, compact, official):
    follow_up = build_follow_up(compact, 2025, official=official, publish=False)
    representative = RepresentativeFactory()
    SignatureFactory(organisation=representative.organisation, agreement=compact)
    account = account_submit(
        actor=representative.user,
        organisation=representative.organisation,
        entry=follow_up.commitment_entries.filter(commitment__party=Party.SECTOR).first(),
        text="Vi höll tre öppna möten.",
    )
    url = reverse("backoffice:follow_up_accounts", args=[follow_up.pk])

    page = signed_in.get(url).content.decode()
    assert "Vi höll tre öppna möten." in page and representative.organisation.name in page

    response = signed_in.post(url, {"account": account.pk, "include": "1"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.decision == OrganisationAccount.Decision.INCLUDED
    signed_in.post(url, {"account": account.pk, "include": "0"})
    account.refresh_from_db()
    assert account.decision == OrganisationAccount.Decision.EXCLUDED


def test_the_officials_area_has_a_follow_ups_tab(signed_in, compact):
    html = signed_in.get(reverse("backoffice:follow_ups")).content.decode()

    assert f'href="{reverse("backoffice:follow_ups")}">Follow-ups</a>' in html
    assert 'aria-current="page" href="/en/backoffice/follow-ups/"' in html


@pytest.mark.parametrize("data", ["compact", "big_compact"])
@pytest.mark.parametrize("page", ["list", "detail", "record", "plan", "accounts"])
def test_the_follow_up_pages_are_bounded(
    client, official, django_assert_max_num_queries, request, data, page
):
    """The same bound at both sizes (the big compact has five times the principles,
    commitments and plan items, and as many organisations' accounts)."""
    agreement = request.getfixturevalue(data)
    scale = agreement.principles.count() // 7
    sign_in_with_second_factor(client, official)
    build_follow_up(agreement, 2024, official=official)
    follow_up = build_follow_up(agreement, 2025, official=official, publish=False)
    for entry in follow_up.commitment_entries.filter(commitment__party=Party.BOTH)[: 3 * scale]:
        representative = RepresentativeFactory()
        SignatureFactory(organisation=representative.organisation, agreement=agreement)
        account_submit(
            actor=representative.user,
            organisation=representative.organisation,
            entry=entry,
            text="Redovisning",
        )
    url = {
        "list": reverse("backoffice:follow_ups"),
        "detail": reverse("backoffice:follow_up", args=[follow_up.pk]),
        "record": reverse(
            "backoffice:follow_up_record",
            args=[follow_up.pk, agreement.principles.order_by("position").first().pk],
        ),
        "plan": reverse("backoffice:follow_up_plan", args=[follow_up.pk]),
        "accounts": reverse("backoffice:follow_up_accounts", args=[follow_up.pk]),
    }[page]
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200


def test_the_list_shows_the_newest_year_first(signed_in, compact):
    years = [2021, 2024, 2020, 2026, 2022, 2025, 2023]
    for year in years:
        signed_in.post(reverse("backoffice:follow_ups"), {"year": year})
    tbody = signed_in.get(reverse("backoffice:follow_ups")).content.decode().split("<tbody")[1]
    shown = sorted(years, key=lambda year: tbody.index(f">{year}</a>"))
    assert shown == sorted(years, reverse=True)
