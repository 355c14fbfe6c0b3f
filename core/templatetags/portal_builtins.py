"""Template tags every template gets without ``{% load %}`` (``builtins`` in TEMPLATES).

``{% url %}`` here is Django's, with each answer remembered: reversing a name cost about
150,000 instructions (≈ 30 µs) a call, eight in ``base.html`` and one a row in the lists;
remembered, it is a dictionary lookup. The answer of ``reverse()`` depends only on the
arguments, the URL configuration, the active language (``i18n_patterns``), the script
prefix and the current application namespace, which is all in the key; the URL patterns do
not change while a process runs (a test that changes ROOT_URLCONF clears the memo with
Django's own URL caches). Only calls whose arguments are strings or integers are remembered
(exactly those types: a template's literal is a SafeString; a model instance's ``str()``
may change); a name that does not reverse is never remembered.
"""

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_MEMO: dict = {}
_MEMO_MAX = 20_000  # emptied when full: rows' links (one per organisation) stay well under it
_PLAIN = (str, SafeString, int)  # exact types: not bool (True == 1), not a model


def _clear(**kwargs):
    _MEMO.clear()


setting_changed.connect(_clear, dispatch_uid="core.portal_builtins.url_memo")


def memoised_reverse(view_name, args, kwargs, current_app):
    """reverse(), remembered when every argument is a string or an integer."""
    if not (
        all(type(a) in _PLAIN for a in args) and all(type(v) in _PLAIN for v in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())) if kwargs else (),
        current_app,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
    )
    try:
        return _MEMO[key]
    except KeyError:
        pass
    except TypeError:  # unhashable: cannot happen with str/int, but never fail a page on it
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = url
    return url


class MemoisedURLNode(URLNode):
    """Django's URLNode.render, reversing through memoised_reverse()."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = memoised_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (same syntax, same answers), remembered: see the module."""
    node = django_url(parser, token)
    return MemoisedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
