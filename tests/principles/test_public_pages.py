"""The public pages: content in each language, 404s, the Swedish default, query bounds."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from compact.models import Agreement
from principles.models import Party
from tests.factories import AgreementFactory, PrincipleFactory

LANGUAGES = ["sv", "en"]

# Three reads at most (the agreement, its related rows, a count) plus the savepoint pair
# that ATOMIC_REQUESTS wraps around every view. The same bound holds at both data sizes.
MAX_QUERIES = 5


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def public_urls(agreement, language):
    principle = agreement.principles.order_by("position")[3]
    return [
        url("compact:home", language),
        url("principles:list", language),
        url("principles:detail", language, principle.pk),
        *(url("principles:party", language, party) for party in Party.values),
        url("principles:development_areas", language),
        url("core:accessibility", language),
        url("core:join", language),
    ]


def text(response):
    return response.content.decode()


def section(html, labelled_by):
    """The opening tag and the inner HTML of the one <section> labelled by that heading id."""
    found = re.findall(
        rf'(<section [^>]*aria-labelledby="{labelled_by}"[^>]*>)(.*?)</section>', html, re.S
    )
    assert len(found) == 1, f"{len(found)} sections labelled by {labelled_by}"
    return found[0]


def other(language):
    return "en" if language == "sv" else "sv"


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_answer_in_the_language_of_the_url(client, compact, language):
    for page in public_urls(compact, language):
        response = client.get(page)

        assert response.status_code == 200, page
        assert f'<html lang="{language}">' in text(response), page
        assert response.headers["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_shows_the_agreement_in_force_in_the_language(client, compact, language):
    html = text(client.get(url("compact:home", language)))

    assert getattr(compact, f"title_{language}") in html
    assert getattr(compact, f"title_{other(language)}") not in html
    assert compact.public_parties.get().name in html


def test_home_counts_the_signatory_organisations(client, compact):
    html = text(client.get(url("compact:home", "en")))

    assert "3 signatory organisations" in html
    assert "7 principles" in html


def test_home_without_an_agreement_in_force_still_answers(client, db):
    AgreementFactory(status=Agreement.Status.DRAFT)

    response = client.get(url("compact:home", "en"))

    assert response.status_code == 200
    assert "No version of the compact is in force yet." in text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_principle_list_shows_every_title_in_order_in_the_language(client, compact, language):
    html = text(client.get(url("principles:list", language)))

    titles = [getattr(p, f"title_{language}") for p in compact.principles.order_by("position")]
    positions = [html.index(f">{title}</a>") for title in titles]
    assert positions == sorted(positions)
    for principle in compact.principles.all():
        assert f">{getattr(principle, f'title_{other(language)}')}<" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_principle_detail_groups_commitments_by_party(client, compact, language):
    principle = compact.principles.order_by("position")[2]

    html = text(client.get(url("principles:detail", language, principle.pk)))

    assert f"<h1>{getattr(principle, f'title_{language}')}</h1>" in html
    for party in Party.values:
        tag, group = section(html, f"party-{party}")
        assert f"party-{party}" in tag
        for commitment in principle.commitments.all():
            shown = f"<li>{getattr(commitment, f'text_{language}')}</li>" in group
            assert shown == (commitment.party == party), (party, commitment.text_en)
            assert getattr(commitment, f"text_{other(language)}") not in group


def test_principle_detail_links_to_its_neighbours(client, compact):
    first, second, third = compact.principles.order_by("position")[:3]

    html = text(client.get(url("principles:detail", "en", second.pk)))

    assert f'href="{url("principles:detail", "en", first.pk)}"' in html
    assert f'href="{url("principles:detail", "en", third.pk)}"' in html


@pytest.mark.parametrize("party", Party.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_party_page_lists_that_partys_commitments_only(client, compact, language, party):
    html = text(client.get(url("principles:party", language, party)))

    for principle in compact.principles.prefetch_related("commitments"):
        tag, group = section(html, f"principle-{principle.pk}")
        assert f"party-{party}" in tag
        assert getattr(principle, f"title_{language}") in group
        for commitment in principle.commitments.all():
            shown = f"<li>{getattr(commitment, f'text_{language}')}</li>" in group
            assert shown == (commitment.party == party)


@pytest.mark.parametrize("language", LANGUAGES)
def test_development_areas_show_aims_and_plan_items(client, compact, language):
    html = text(client.get(url("principles:development_areas", language)))

    areas = compact.development_areas.prefetch_related("plan_items").order_by("position")
    assert len(areas) == 4
    for area in areas:
        assert getattr(area, f"title_{language}") in html
        assert getattr(area, f"aim_{language}") in html
        assert getattr(area, f"aim_{other(language)}") not in html
        for item in area.plan_items.all():
            assert f"<li>{getattr(item, f'text_{language}')}</li>" in html


def test_principle_of_a_draft_agreement_is_not_found(client, compact):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    principle = PrincipleFactory(agreement=draft)

    response = client.get(url("principles:detail", "sv", principle.pk))

    assert response.status_code == 404


def test_unknown_party_is_not_found(client, compact):
    response = client.get(url("principles:party", "sv", "nobody"))

    assert response.status_code == 404


def test_principle_list_without_an_agreement_in_force_is_not_found(client, db):
    AgreementFactory(status=Agreement.Status.DRAFT)

    response = client.get(url("principles:list", "sv"))

    assert response.status_code == 404


def test_swedish_is_the_default_language(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/sv/"


def test_a_browser_asking_for_english_gets_english(client, db):
    response = client.get("/", headers={"accept-language": "en"})

    assert response["Location"] == "/en/"


@pytest.mark.parametrize("data", ["compact", "big_compact"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, request, data, language
):
    agreement = request.getfixturevalue(data)
    assert agreement.principles.count() == (7 if data == "compact" else 35)

    for page in public_urls(agreement, language):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(page)
        assert response.status_code == 200, page
