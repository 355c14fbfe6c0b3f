"""The main navigation marks the current section (active) and the page itself
(aria-current="page"; "true" on the section's other pages), the same in every language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import MeetingFactory

SECTIONS = ["principles", "commitments", "areas", "signatories", "meetings", "join"]


def _marks(response) -> list[tuple[str, str]]:
    nav = response.content.decode().split('id="main-nav">')[1].split("</ul>")[0]
    links = re.findall(r'<a class="nav-link( active)?" href="[^"]+"(?: aria-current="(\w+)")?', nav)
    assert len(links) == len(SECTIONS)
    return [
        (section, f"{active.strip()} {current}".strip())
        for section, (active, current) in zip(SECTIONS, links, strict=True)
        if active or current
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_current_section_and_page_are_marked(client, compact, language):
    principle = compact.principles.order_by("position").first()
    organisation = compact.signatures.first().organisation
    meeting = MeetingFactory()
    expected = {
        ("compact:home", ()): [],
        ("principles:list", ()): [("principles", "active page")],
        ("principles:detail", (principle.pk,)): [("principles", "active true")],
        ("principles:party", ("municipality",)): [("commitments", "active page")],
        ("principles:party", ("sector",)): [("commitments", "active true")],
        ("principles:development_areas", ()): [("areas", "active page")],
        ("compact:signatories", ()): [("signatories", "active page")],
        ("organisations:profile", (organisation.pk,)): [("signatories", "active true")],
        ("dialogues:list", ()): [("meetings", "active page")],
        ("dialogues:meeting", (meeting.pk,)): [("meetings", "active true")],
        ("core:join", ()): [("join", "active page")],
    }
    for (name, args), marks in expected.items():
        with translation.override(language):
            path = reverse(name, args=args)
        response = client.get(path)
        assert response.status_code == 200, path
        assert _marks(response) == marks, path
        assert f'href="/{language}/principles/"' in response.content.decode()


@pytest.mark.django_db
def test_the_kept_footer_is_each_languages_own(client, settings):
    settings.DEBUG = False  # kept, as in production
    pages = {}
    for language in ("sv", "en", "sv"):
        with translation.override(language):
            footer = client.get(reverse("core:accessibility")).content.decode()
            footer = footer.split('<footer class="site-footer">')[1]
            assert f'href="{reverse("core:join")}"' in footer
            assert f'href="{reverse("core:accessibility")}"' in footer
        pages.setdefault(language, footer)
        assert footer == pages[language]
    assert "Om portalen" in pages["sv"]
    assert "About the portal" in pages["en"]


def test_a_kept_part_takes_only_plain_values():
    from django.template import TemplateSyntaxError, engines

    page = engines["django"].from_string(
        '{% load portal %}{% kept_include "backoffice/_nav.html" section=section %}'
    )
    assert 'aria-current="page"' in page.render({"section": "log"})
    literal = engines["django"].from_string(
        '{% load portal %}{% kept_include "backoffice/_nav.html" section="log" %}'
    )
    assert literal.render({}) == page.render({"section": "log"})  # a quoted value is a SafeString
    with pytest.raises(TemplateSyntaxError, match="plain values"):
        page.render({"section": object()})


def test_a_visitors_part_in_a_loop_is_refused():
    from django.template import Context, Template, TemplateSyntaxError

    from core.templatetags.portal import _HOLES

    page = Template(
        "{% load portal %}{% for n in numbers %}{% per_visitor %}{{ n }}{% endper_visitor %}"
        "{% endfor %}"
    )
    context = Context({"numbers": [1, 2]})
    with context.render_context.push_state(page), context.bind_template(page):
        context.render_context[_HOLES] = {}  # as while a page is kept for everyone
        with pytest.raises(TemplateSyntaxError, match="outside loops"):
            page.nodelist.render(context)
