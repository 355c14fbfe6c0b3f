"""The public page cache serves anonymous visitors, and never a page older than the data."""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from principles.models import Party
from tests.factories import (
    OfficialFactory,
    OrganisationFactory,
    RepresentativeFactory,
    SignatureFactory,
    build_follow_up,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True
    caches["public_pages"].clear()
    with translation.override("sv"):
        yield


def listed(response):
    return response.content.decode()


def test_second_anonymous_view_is_served_from_the_cache(client, compact):
    url = reverse("compact:signatories")
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    # Only the request's own transaction (ATOMIC_REQUESTS): no data is read.
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]] == []
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_new_signature_shows_at_once(client, compact):
    url = reverse("compact:signatories")
    client.get(url)
    organisation = OrganisationFactory(name="Nyss undertecknad förening")
    SignatureFactory(organisation=organisation)
    assert "Nyss undertecknad förening" in listed(client.get(url))


def test_a_withdrawal_and_a_verification_show_at_once(client, compact):
    signature = SignatureFactory(organisation=OrganisationFactory(name="Förening Ett"))
    url = reverse("compact:signatories")
    assert "Förening Ett" in listed(client.get(url))
    signature.withdrawn_at = timezone.now()
    signature.save()
    assert "Förening Ett" not in listed(client.get(url))

    waiting = OrganisationFactory(name="Förening Två", verification="unverified")
    SignatureFactory(organisation=waiting)
    assert "Förening Två" not in listed(client.get(url))
    waiting.verification = "verified"
    waiting.save()
    assert "Förening Två" in listed(client.get(url))


def test_principle_edits_show_at_once(client, compact):
    principle = compact.principles.first()
    url = reverse("principles:detail", args=[principle.pk])
    client.get(url)
    principle.title_sv = "Ny rubrik för principen"
    principle.save()
    assert "Ny rubrik för principen" in client.get(url).content.decode()


def test_csv_is_cached_whole_and_invalidated(client, compact):
    url = reverse("compact:signatories_csv")
    body = client.get(url).content  # rendered, streamed, and kept whole for the cache
    second = client.get(url)
    assert second.content == body
    assert second["Content-Disposition"] == 'attachment; filename="signatories.csv"'
    SignatureFactory(organisation=OrganisationFactory(name="CSV-föreningen"))
    assert "CSV-föreningen" in client.get(url).content.decode("utf-8-sig")


def test_signed_in_visitors_get_a_fresh_page(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    response = client.get(reverse("compact:home"))
    assert rep.user.email in response.content.decode()
    client.logout()
    assert rep.user.email not in client.get(reverse("compact:home")).content.decode()


def test_languages_are_cached_apart(client, compact):
    sv = client.get("/sv/principles/").content.decode()
    en = client.get("/en/principles/").content.decode()
    assert 'lang="sv"' in sv
    assert 'lang="en"' in en


def test_without_redis_pages_are_rendered_and_changes_still_saved(client, compact, settings):
    settings.CACHES = {
        **settings.CACHES,
        "public_version": {
            **settings.CACHES["public_version"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    url = reverse("compact:signatories")
    assert client.get(url).status_code == 200
    SignatureFactory(organisation=OrganisationFactory(name="Utan Redis-föreningen"))
    assert "Utan Redis-föreningen" in client.get(url).content.decode()


def test_the_version_is_kept_in_redis(compact):
    from core.public_cache import VERSION_KEY, bump_content_version, content_version

    assert "RedisCache" in caches["public_version"].__class__.__name__
    before = content_version()
    bump_content_version()
    after = content_version()
    assert before != after
    assert caches["public_version"].get(VERSION_KEY) == after


def test_a_redis_that_lost_its_version_does_not_bring_old_pages_back(client, compact, settings):
    from core.public_cache import VERSION_KEY

    url = reverse("compact:signatories")
    client.get(url)  # cached under the current version
    caches["public_version"].delete(VERSION_KEY)  # as after a restart
    SignatureFactory(organisation=OrganisationFactory(name="Efter omstart-föreningen"))
    caches["public_version"].delete(VERSION_KEY)
    assert "Efter omstart-föreningen" in client.get(url).content.decode()


# A signed-in person's page: rendered for them, the content shared (content_for_everyone).


def _content_keys():
    cache = caches["public_pages"]
    return [key for key in cache._cache if ":content:" in key]  # LocMemCache's own keys


def _cached_content(path):
    """The page kept for `path` (the one current version, language sv), with a marker where
    each visitor's own part goes."""
    from core.public_cache import content_version

    kept = caches["public_pages"].get(f"content:{content_version()}:sv:{path}")
    if not kept:
        return kept
    _secret, _charset, _template_name, parts = kept  # bytes between the visitors' parts
    return "".join(
        f"\x00hole:0:{part}\x00" if isinstance(part, int) else part.decode() for part in parts
    )


_NONCE = re.compile(r' nonce="[^"]*"')


def _shared_parts(shared):
    """The shared page's text between the visitors' own parts."""
    return [
        part
        for i, part in enumerate(re.split("\x00hole:[0-9a-f]+:(\\d+)\x00", shared))
        if i % 2 == 0
    ]


def _in_order(parts, html):
    """Each part is in the page, in this order (else ValueError). CSP nonces aside: a page
    kept in the cache keeps the nonce of its first rendering, as the anonymous pages do; a
    page served from the cache sends no nonce in its header, and its scripts are our own
    files, which the policy allows ('self')."""
    parts, html = [_NONCE.sub("", part) for part in parts], _NONCE.sub("", html)
    at = 0
    for part in parts:
        at = html.index(part, at) + len(part)


def _content_pages(compact, organisation):
    principle = compact.principles.first()
    return [
        reverse("compact:home"),
        reverse("principles:list"),
        reverse("principles:detail", args=[principle.pk]),
        reverse("principles:party", args=["municipality"]),
        reverse("principles:development_areas"),
        reverse("compact:signatories"),
        reverse("compact:signatories") + "?kind=association&sort=-date",
        reverse("organisations:profile", args=[organisation.pk]),
        reverse("principles:history"),
        reverse("principles:version", args=[compact.pk]),
        reverse("core:accessibility"),
        reverse("core:join"),  # with a part of its own for the visitor: what to do first
        reverse("principles:follow_ups"),
        reverse("principles:follow_up", args=[2025]),
        *(reverse("principles:follow_up_party", args=[2025, party]) for party in Party.values),
        reverse("principles:follow_up_compare"),
        reverse("principles:follow_up_compare") + "?from=2024&to=2025",
    ]


def _follow_ups(compact, representative):
    """Two published years; the later one with the representative's organisation's account
    included and a correction."""
    from principles.followups import account_decide, account_submit, correction_add
    from principles.followups import follow_up_publish as publish

    official = OfficialFactory()
    build_follow_up(compact, 2024, official=official)
    follow_up = build_follow_up(compact, 2025, official=official, publish=False)
    entry = follow_up.commitment_entries.filter(commitment__party=Party.SECTOR).first()
    account = account_submit(
        actor=representative.user,
        organisation=representative.organisation,
        entry=entry,
        text="Vår egen redovisning",
    )
    account_decide(actor=official, account=account, include=True)
    publish(actor=official, follow_up=follow_up)
    correction_add(actor=official, follow_up=follow_up, text="En rättelse i efterhand.")


def test_content_shared_with_signed_in_visitors_names_no_one(client, compact, settings):
    """The content one person's page put in the cache is, character for character, what
    anyone else's page shows freshly rendered (anonymous, a representative of the organisation
    shown, an official), and names none of them."""
    rep = RepresentativeFactory(organisation__name="Visad förening")
    SignatureFactory(organisation=rep.organisation)
    _follow_ups(compact, rep)
    official = OfficialFactory()
    other = RepresentativeFactory()
    for path in _content_pages(compact, rep.organisation):
        client.force_login(other.user)
        page = client.get(path)
        assert page.status_code == 200, path
        shared = _cached_content(path)
        # The account menu and the messages (How to join: and what to do first).
        parts_of_visitor = 3 if path == reverse("core:join") else 2
        assert shared and shared.count("\x00") == 2 * parts_of_visitor, path
        parts = _shared_parts(shared)
        _in_order(parts, page.content.decode())
        settings.PUBLIC_PAGE_CACHE = False  # each person's page rendered afresh
        for user in (rep.user, official, None):
            client.logout()
            if user is not None:
                client.force_login(user)
            _in_order(parts, client.get(path).content.decode())
        settings.PUBLIC_PAGE_CACHE = True
        for user in (rep.user, official, other.user):
            assert user.email not in shared, path


def test_a_signed_in_visitor_gets_their_own_page_around_the_shared_content(client, compact):
    one, two = RepresentativeFactory(), RepresentativeFactory()
    url = reverse("principles:list")
    client.force_login(one.user)
    assert one.user.email in client.get(url).content.decode()
    client.force_login(two.user)
    page = client.get(url).content.decode()
    assert two.user.email in page
    assert one.user.email not in page


def test_shared_content_changes_with_the_data(client, compact):
    client.force_login(RepresentativeFactory().user)
    principle = compact.principles.first()
    url = reverse("principles:detail", args=[principle.pk])
    listing = reverse("principles:list")
    client.get(url)
    client.get(listing)
    with CaptureQueriesContext(connection) as cached:
        client.get(listing)
    principle.title_sv = "En ny rubrik, signerad in"
    principle.save()
    assert "En ny rubrik, signerad in" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as fresh:
        assert "En ny rubrik, signerad in" in client.get(listing).content.decode()
    assert len(cached) < len(fresh)  # the kept content did not read the principles

    signatories = reverse("compact:signatories")
    assert "Alldeles ny förening" not in client.get(signatories).content.decode()
    SignatureFactory(organisation=OrganisationFactory(name="Alldeles ny förening"))
    assert "Alldeles ny förening" in client.get(signatories).content.decode()
    home = client.get(reverse("compact:home")).content.decode()
    count = compact.signatures.public().count()
    assert f"{count} organisationer har undertecknat" in home


def test_shared_content_is_kept_per_language_and_path(client, compact):
    client.force_login(RepresentativeFactory().user)
    sv = client.get("/sv/principles/").content.decode()
    en = client.get("/en/principles/").content.decode()
    assert "Principer" in sv and "Principles" in en
    assert client.get("/sv/signatories/?kind=foundation").status_code == 200
    assert client.get("/sv/signatories/").status_code == 200
    filtered = _cached_content("/sv/signatories/?kind=foundation")
    assert filtered and filtered != _cached_content("/sv/signatories/")


def test_an_error_page_is_not_kept_as_content(client, compact):
    client.force_login(RepresentativeFactory().user)
    before = set(_content_keys())
    assert client.get(reverse("principles:detail", args=[999999])).status_code == 404
    assert set(_content_keys()) == before


def test_pages_not_for_everyone_keep_no_content(client, compact):
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    dashboard = reverse("organisations:dashboard", args=[rep.organisation.pk])
    assert client.get(dashboard).status_code == 200
    assert _content_keys() == []


def test_signed_in_without_redis_the_page_is_rendered(client, compact, settings):
    settings.CACHES = {
        **settings.CACHES,
        "public_version": {
            **settings.CACHES["public_version"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    client.force_login(RepresentativeFactory().user)
    assert client.get(reverse("principles:list")).status_code == 200
    assert _content_keys() == []


def test_the_csv_comes_from_the_cache_signed_in_too(client, compact):
    url = reverse("compact:signatories_csv")
    client.force_login(RepresentativeFactory().user)
    first = client.get(url).content
    with CaptureQueriesContext(connection) as queries:
        signed_in = client.get(url)
    assert signed_in.content == first
    assert not [q for q in queries if "compact_signature" in q["sql"]]
    client.logout()
    assert client.get(url).content == first  # the same file for anyone
    client.force_login(RepresentativeFactory().user)
    SignatureFactory(organisation=OrganisationFactory(name="CSV inloggad-föreningen"))
    assert "CSV inloggad-föreningen" in client.get(url).content.decode("utf-8-sig")


def test_a_kept_page_is_served_without_the_view(client, compact):
    """The second signed-in request reads the session and the user, and no content."""
    client.force_login(RepresentativeFactory().user)
    principle = compact.principles.first()
    url = reverse("principles:detail", args=[principle.pk])
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')  # masked anew each time
    assert token.sub("", _NONCE.sub("", second.content.decode())) == token.sub(
        "", _NONCE.sub("", first.content.decode())
    )
    tables = " ".join(q["sql"] for q in queries)
    assert "principles_" not in tables and "compact_" not in tables


def test_a_visitors_message_shows_on_a_kept_page(client, compact):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    client.force_login(RepresentativeFactory().user)
    url = reverse("principles:list")
    client.get(url)  # kept
    message = Message(constants.SUCCESS, "Ett meddelande bara till dig")
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode([message])
    assert "Ett meddelande bara till dig" in client.get(url).content.decode()
    assert "Ett meddelande bara till dig" not in client.get(url).content.decode()  # shown once


def test_a_meeting_is_kept_only_until_its_registration_closes(client):
    """Nothing in the data changes when a deadline passes: the page is kept no longer."""
    import datetime
    import time

    from tests.factories import MeetingFactory

    meeting = MeetingFactory(registration_deadline=timezone.now() + datetime.timedelta(seconds=2))
    register = reverse("dialogues:register", args=[meeting.pk])
    for url in (reverse("dialogues:meeting", args=[meeting.pk]), reverse("dialogues:list")):
        assert client.get(url).status_code == 200
    page = client.get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()
    assert register in page
    time.sleep(2.5)
    page = client.get(reverse("dialogues:meeting", args=[meeting.pk])).content.decode()
    assert register not in page
    assert "Anmälan är stängd." in page


def test_how_to_join_is_kept_with_what_to_do_first_per_visitor(client, compact):
    """A part of the visitor's own in a page's template (not base.html): How to join tells
    a signed-in person to go to their organisations, anyone else to create an account."""
    url = reverse("core:join")
    client.force_login(RepresentativeFactory().user)
    page = client.get(url).content.decode()
    assert reverse("organisations:mine") in page.split('class="join-steps')[1]
    assert _cached_content(url)  # kept for everyone
    client.logout()
    page = client.get(url).content.decode()
    assert reverse("account_signup") in page.split('class="join-steps')[1]
    client.force_login(RepresentativeFactory().user)
    page = client.get(url).content.decode()  # from the kept page, the visitor's part filled in
    steps = page.split('class="join-steps')[1]
    assert reverse("organisations:mine") in steps
    assert reverse("account_signup") not in steps


@pytest.mark.parametrize("term", ["\x00hole:0\x00", "\x00hole:999999\x00", "\x00hole:ab:1\x00"])
def test_text_on_a_page_cannot_pass_for_a_visitors_part(client, compact, term):
    """The signatory list echoes the search term: a term shaped like a part's place is text."""
    rep = RepresentativeFactory()
    client.force_login(rep.user)
    url = reverse("compact:signatories") + "?" + urlencode({"q": term})
    for _ in range(2):  # the first rendering, then the kept page
        page = client.get(url)
        assert page.status_code == 200
        search_box = page.content.decode().split('name="q"')[1].split(">")[0]
        assert rep.user.email not in search_box
        assert page.content.decode().count(rep.user.email) == 1  # in the account menu only


def test_a_kept_page_is_byte_for_byte_the_page_rendered_afresh(client, compact, settings):
    """From the doctype to the last newline, but for the CSRF token (masked anew on every
    rendering) and the CSP nonce (the kept one, see _in_order)."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')

    def normalised(response):
        return token.sub("", _NONCE.sub("", response.content.decode()))

    first_visitor, visitor = RepresentativeFactory().user, OfficialFactory()
    for path in (reverse("principles:list"), reverse("core:join")):
        client.force_login(first_visitor)
        client.get(path)  # rendered for the first visitor, and kept
        assert _cached_content(path)
        client.force_login(visitor)
        kept = client.get(path)
        settings.PUBLIC_PAGE_CACHE = False
        fresh = client.get(path)
        settings.PUBLIC_PAGE_CACHE = True
        assert normalised(kept) == normalised(fresh), path
        assert first_visitor.email not in kept.content.decode()
        assert visitor.email in kept.content.decode()
        assert kept.content.startswith(b"<!DOCTYPE html>")
        assert kept["Content-Type"] == fresh["Content-Type"]


def test_a_page_kept_by_another_process_is_not_filled_here(client, compact):
    """Parts are named by ids of this process: a page kept with another process's secret
    (were the page cache shared) is rendered afresh."""
    from core.public_cache import content_version

    path = reverse("principles:list")
    client.force_login(RepresentativeFactory().user)
    client.get(path)
    key = f"content:{content_version()}:sv:{path}"
    _secret, charset, template_name, parts = caches["public_pages"].get(key)
    foreign = tuple(b"FOREIGN" if isinstance(part, bytes) else part for part in parts)
    caches["public_pages"].set(key, ("another-process", charset, template_name, foreign))
    page = client.get(path)
    assert page.status_code == 200
    assert b"FOREIGN" not in page.content
    assert page.content.startswith(b"<!DOCTYPE html>")
