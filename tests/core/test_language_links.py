"""The language switcher links to the same page, with the same query, in the other language:
what django.urls.translate_url() gives, without resolving the path a second time."""

import html
import re

import pytest
from django.urls import translate_url


def _link(response, language):
    hrefs = re.findall(rf'href="([^"]+)" hreflang="{language}"', response.content.decode())
    assert len(hrefs) == 1
    return html.unescape(hrefs[0])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/sv/principles/{pk}/?a=1&b=%C3%A5", "en"),
        ("/en/signatories/?kind=association&page=2", "sv"),
        ("/sv/principles/", "en"),
        ("/sv/no-such-page/", "en"),  # a 404: the path as it is
    ],
)
def test_the_same_page_in_the_other_language(client, compact, path, other):
    path = path.format(pk=compact.principles.order_by("position").first().pk)
    response = client.get(path)
    assert _link(response, other) == translate_url(path, other)
    if response.status_code == 200:
        assert _link(response, other).startswith(f"/{other}/")


@pytest.mark.django_db
def test_kept_links_follow_the_query_and_the_page(client, compact):
    """The switcher is kept per page, query and language: each answer its own."""
    for path in ("/sv/signatories/?page=2", "/sv/signatories/?page=3", "/sv/signatories/?page=2"):
        for _ in range(2):
            assert _link(client.get(path), "en") == translate_url(path, "en")
    assert _link(client.get("/en/signatories/?page=2"), "sv") == "/sv/signatories/?page=2"
