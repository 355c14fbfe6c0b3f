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


@pytest.mark.django_db
def test_the_switcher_is_kept_but_not_for_a_token_or_a_long_query(client, compact, monkeypatch):
    from core.templatetags import portal
    from tests.factories import OfficialFactory
    from tests.signin import sign_in_with_second_factor

    sign_in_with_second_factor(client, OfficialFactory(totp=True))  # pages rendered each time
    calls = []
    original = portal.language_links
    monkeypatch.setattr(portal, "language_links", lambda *a: calls.append(1) or original(*a))
    monkeypatch.setattr(portal, "_language_nav_memo", {})
    for _ in range(3):
        assert client.get("/sv/backoffice/signatures/?q=a&page=1").status_code == 200
    assert len(calls) == 1
    assert _link(client.get("/sv/backoffice/signatures/?q=b"), "en") == (
        "/en/backoffice/signatures/?q=b"
    )
    assert len(calls) == 2  # another query: its own
    long_query = "q=" + "x" * portal.LANGUAGE_NAV_MAX_QUERY
    for path in ("/sv/invitations/not-a-real-token/", f"/sv/backoffice/signatures/?{long_query}"):
        for _ in range(2):
            assert client.get(path).status_code in (200, 404)
    assert len(calls) == 2 + 4  # a token in the path, or a long query: each time
