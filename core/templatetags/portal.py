from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language_info, override

register = template.Library()


def _page_in(request, path: str, code: str) -> str:
    """The page at `path` in language `code`: translate_url(), without resolving the path
    again when the request already has (resolving it cost more than the rest of base.html's
    header)."""
    match = request.resolver_match
    if match is None or match.url_name is None:  # e.g. a 404 page
        return translate_url(path, code)
    with override(code):
        try:
            url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in each language: (code, name in that language, url, is_current)."""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": _page_in(request, path, code),
                "current": code == current,
            }
        )
    return links
