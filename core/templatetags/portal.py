import itertools
import re
import secrets
import weakref
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.forms import widgets
from django.template import engines
from django.template.context import make_context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext_lazy, override
from django.utils.translation import gettext as _

from core.identity import identity
from core.public_cache import CONTENT_KEY_ATTRIBUTE, SHARED_PAGE_ATTRIBUTE
from core.templatetags.portal_builtins import memoised_reverse

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
            url = memoised_reverse(match.view_name, match.args, match.kwargs, None)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


def language_links(request, current: str | None) -> list[dict]:
    """The current page in each language: code, name in that language, url, is current."""
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": _page_in(request, path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def language_nav(context):
    """The language switcher of base.html: the current page in each language. Written here
    rather than in the template: in Django's template language its loop cost about as much
    as the rest of a small page's header."""
    request, current = context["request"], context.get("LANGUAGE_CODE")
    match = request.resolver_match
    key = None
    if (  # kept: the same for every visitor; not for a path carrying a token or a long query
        match is not None
        and match.url_name is not None
        and all(type(value) is int for value in match.kwargs.values())
        and len(request.META.get("QUERY_STRING", "")) <= LANGUAGE_NAV_MAX_QUERY
    ):
        key = (
            current,
            request.get_full_path(),
            match.view_name,
            match.args,
            tuple(match.kwargs.items()),
            get_script_prefix(),
            get_urlconf(),
        )
        if (html := _language_nav_memo.get(key)) is not None:
            return html
    links = language_links(request, current)
    items = format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<li class="nav-item"><span class="nav-link active" aria-current="true" '
                    'lang="{}">{}</span></li>',
                    link["code"],
                    capfirst(link["name"]),
                )
                if link["current"]
                else format_html(
                    '<li class="nav-item"><a class="nav-link" href="{}" hreflang="{}" '
                    'lang="{}">{}</a></li>',
                    link["url"],
                    link["code"],
                    link["code"],
                    capfirst(link["name"]),
                ),
            )
            for link in links
        ),
    )
    html = format_html(
        '<nav aria-label="{}"><ul class="nav language-nav">{}</ul></nav>', _("Language"), items
    )
    if key is not None:
        if len(_language_nav_memo) >= 1000:  # pages × queries × languages: bounded
            _language_nav_memo.clear()
        _language_nav_memo[key] = html
    return html


_language_nav_memo: dict = {}
LANGUAGE_NAV_MAX_QUERY = 200


@register.simple_tag(takes_context=True)
def account_nav(context):
    """The account menu of base.html (inside a ``{% per_visitor %}``): for a signed-in
    person the officials' area (officials), their organisations, their address and Sign out
    (with the CSRF token); otherwise Sign in and Sign up. Written here rather than in the
    template: it is what a page kept for everyone renders for each visitor."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return format_html(
            '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>'
            '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
            memoised_reverse("account_login", (), {}, None),
            _("Sign in"),
            memoised_reverse("account_signup", (), {}, None),
            _("Sign up"),
        )
    officials = ""
    if user.has_perm("accounts.official"):
        officials = format_html(
            '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
            memoised_reverse("backoffice:dashboard", (), {}, None),
            _("Officials' area"),
        )
    csrf_token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
        if csrf_token and csrf_token != "NOTPROVIDED"  # noqa: S105 — Django's marker, not a secret
        else ""
    )
    return format_html(
        '{}<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>'
        '<li class="nav-item"><a class="nav-link text-break" href="{}">{}</a></li>'
        '<li class="nav-item"><form method="post" action="{}">{}'
        '<button type="submit" class="btn btn-link nav-link">{}</button></form></li>',
        officials,
        memoised_reverse("organisations:mine", (), {}, None),
        _("My organisations"),
        memoised_reverse("account_email", (), {}, None),
        user.email,
        memoised_reverse("account_logout", (), {}, None),
        csrf,
        _("Sign out"),
    )


_kept_includes: dict = {}


def _forget_kept_includes(**kwargs):
    _kept_includes.clear()
    _language_nav_memo.clear()
    _filter_fields_memo.clear()


setting_changed.connect(_forget_kept_includes, dispatch_uid="core.portal.kept_includes")


@register.simple_tag
def kept_include(template_name, **values):
    """``{% kept_include "_footer.html" %}``: a part of the page that depends on nothing but
    the language and the settings (the portal's identity), rendered once per language and
    process, then kept (settings changed in a test forget it; with DEBUG, as under
    ``make run``, it is rendered every time, so that an edited template shows). Its template
    sees ``identity`` and ``LANGUAGE_CODE``, nothing of the page's context but the few plain
    values given to it (``{% kept_include "backoffice/_nav.html" section=section %}``: kept
    once per value too)."""
    for name, value in values.items():
        if value is not None and not isinstance(value, str | int):  # str: also a literal
            raise template.TemplateSyntaxError(
                f"kept_include {template_name}: {name} is a {type(value).__name__}; a kept part "
                "takes only plain values (strings, numbers), of which there are a few."
            )
    key = (
        template_name,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        tuple(sorted((name, str(value)) for name, value in values.items())),
    )
    html = _kept_includes.get(key)
    if html is None:
        html = mark_safe(  # noqa: S308 — a template's autoescaped output
            engines["django"]
            .get_template(template_name)
            .render({"identity": identity(), "LANGUAGE_CODE": get_language(), **values})
        )
        if not settings.DEBUG:
            if len(_kept_includes) > 100:  # a few templates × languages; bounded regardless
                _kept_includes.clear()
            _kept_includes[key] = html
    return html


# The main navigation: (URL name, its arguments, label, the views it is the section of).
# A link is marked active on its section's pages; aria-current="page" on the page itself,
# "true" on the section's other pages.
_MAIN_NAV = (
    ("principles:list", (), gettext_lazy("Principles"), {"principles:list", "principles:detail"}),
    ("principles:party", ("municipality",), gettext_lazy("Commitments"), {"principles:party"}),
    (
        "principles:development_areas",
        (),
        gettext_lazy("Development areas"),
        {"principles:development_areas"},
    ),
    (
        "compact:signatories",
        (),
        gettext_lazy("Signatories"),
        {"compact:signatories", "organisations:profile"},
    ),
    ("dialogues:list", (), gettext_lazy("Meetings"), "dialogues"),  # the whole namespace
    ("core:join", (), gettext_lazy("How to join"), {"core:join"}),
)
_main_nav_memo: dict = {}


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main navigation of base.html, the current section marked. The same few answers
    for every page (kept per language, view, namespace and which link, if any, is this
    page), written here rather than in the template, where its conditions cost more than
    the rest of a small page's header."""
    request = context["request"]
    match = request.resolver_match
    here = match.view_name if match else None
    namespace = match.namespace if match else None
    links = [
        (memoised_reverse(name, args, {}, None), label, section)
        for name, args, label, section in _MAIN_NAV
    ]
    urls = tuple(url for url, _label, _section in links)
    key = (get_language(), here, namespace, request.path if request.path in urls else None, urls)
    if (html := _main_nav_memo.get(key)) is not None:
        return html
    items = []
    for url, label, section in links:
        in_section = namespace == section if isinstance(section, str) else here in section
        if url == request.path:
            current = mark_safe(' aria-current="page"')  # noqa: S308 — a literal
        elif in_section:
            current = mark_safe(' aria-current="true"')  # noqa: S308 — a literal
        else:
            current = ""
        items.append(
            format_html(
                '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>',
                " active" if in_section else "",
                url,
                current,
                label,
            )
        )
    html = format_html(
        '<ul class="navbar-nav ms-lg-auto main-nav">{}</ul>',
        mark_safe("".join(items)),  # noqa: S308 — format_html's output
    )
    if len(_main_nav_memo) > 1000:  # a few dozen keys in practice; bounded regardless
        _main_nav_memo.clear()
    _main_nav_memo[key] = html
    return html


# Widgets that crispy-bootstrap5 lays out with more than a label and the input (radios, several
# inputs); checks and files are laid out here as crispy does.
_LAID_OUT_BY_CRISPY = (
    widgets.RadioSelect,
    widgets.CheckboxSelectMultiple,
    widgets.MultiWidget,
)


@register.simple_tag
def form_field(field):
    """``{{ field|as_crispy_field }}`` for a text, number, select, check or file field, built
    here: the same markup as crispy-bootstrap5's field.html (label, the input with Bootstrap's
    classes, errors, help text) without rendering its nested templates, which cost more than
    the input itself (the signatory list's six filters took a quarter of the page's CPU time;
    a file field's templates took a third of the follow-up's record form). Any other field,
    and a file field showing its current file, is handed to crispy. Help text is escaped here
    (crispy marks it safe; ours is plain text)."""
    widget = field.field.widget
    if field.is_hidden:
        return field.as_widget()
    if (
        isinstance(widget, _LAID_OUT_BY_CRISPY)
        or field.use_fieldset
        or (isinstance(widget, widgets.ClearableFileInput) and widget.is_initial(field.value()))
    ):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    required = field.field.required
    asterisk = format_html('<span class="{}">*</span>', "asteriskField") if required else ""
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            getattr(field.errors, "field_id", None) or field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
            ),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
    if isinstance(widget, widgets.CheckboxInput):
        return _check_field(field, widget, asterisk, errors, help_text)
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            asterisk,
        )
    wrapper = " ".join(filter(None, ["mb-3", field.css_classes()]))
    if isinstance(widget, widgets.FileInput):
        return _file_field(field, wrapper, label, errors, help_text)
    classes = [
        widget.attrs.get("class", ""),
        type(widget).__name__.lower(),
        "form-select" if isinstance(widget, widgets.Select) else "form-control",
        "is-invalid" if field.errors else "",
    ]
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}{}</div>',
        field.auto_id,
        wrapper,
        label,
        field.as_widget(attrs={"class": " ".join(filter(None, classes))}),
        errors,
        help_text,
    )


_filter_fields_memo: dict = {}
FILTER_FIELDS_KEPT = 500


@register.simple_tag
def filter_fields(filterset):
    """``{% for field in filterset.form %}<div>{% form_field field %}</div>{% endfor %}`` for
    a django-filter FilterSet (core.filters.FilterSet, whose form class is built once per
    language), kept per form class, language, prefix, whether it was given data, what each
    field was given and each model field's choices: a filter form renders from nothing else
    (its errors come from the same values and choices; the test settings render it anew and
    compare). The key is read from the form class's fields, so a kept form is not built
    here (its copies of the fields cost more than the key; a bound one the view has built to
    filter). Rendered, the signature list's four filters cost a fifth of its page; the
    model choices in the key are kept under the data version (core.filters)."""
    form_class = filterset.get_form_class()
    prefix = filterset.form_prefix
    fields = form_class.base_fields
    data = filterset.data if filterset.is_bound else {}
    try:
        key = (
            form_class,
            get_language(),
            prefix,
            filterset.is_bound,
            tuple(
                _hashable(
                    field.widget.value_from_datadict(
                        data, {}, f"{prefix}-{name}" if prefix else name
                    )
                )
                for name, field in fields.items()
            ),
            tuple(
                tuple((str(value), str(label)) for value, label in field.choices)
                for field in fields.values()
                if hasattr(field, "queryset")
            ),
        )
        html = _filter_fields_memo.get(key)
    except TypeError:  # a value that is nothing to key by
        key = html = None
    if html is None or settings.KEPT_QUERIES_CHECK:
        rendered = format_html_join(
            "", "<div>{}</div>", ((form_field(each),) for each in filterset.form)
        )
        if html is not None and html != rendered:  # the test settings' check
            raise template.TemplateSyntaxError(
                f"filter_fields: {type(filterset).__name__} rendered otherwise than kept: it "
                "depends on something its key does not name."
            )
        html = rendered
        if key is not None and not settings.DEBUG:
            if len(_filter_fields_memo) >= FILTER_FIELDS_KEPT:  # bounded
                _filter_fields_memo.clear()
            _filter_fields_memo[key] = html
    return html


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    hash(value)  # TypeError for anything else unhashable
    return value


def _check_field(field, widget, asterisk, errors, help_text):
    """crispy-bootstrap5's field.html for a checkbox: the input before its label."""
    classes = [
        widget.attrs.get("class", ""),
        type(widget).__name__.lower(),
        "form-check-input",
        "is-invalid" if field.errors else "",
    ]
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="{}">{}'
        '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
        field.auto_id,
        " ".join(filter(None, ["form-check", field.css_classes()])),
        field.as_widget(attrs={"class": " ".join(filter(None, classes))}),
        field.id_for_label,
        " requiredField" if field.field.required else "",
        field.label,
        asterisk,
        errors,
        help_text,
    )


def _file_field(field, wrapper, label, errors, help_text):
    """crispy-bootstrap5's field.html with layout/field_file.html, without a current file
    (its attributes are the widget's, as crispy writes them: a disabled field's once)."""
    from core.renderers import render_attrs

    data = field.subwidgets[0].data
    attrs = {name: value for name, value in data["attrs"].items() if name != "class"}
    classes = ["form-control", data["attrs"].get("class", ""), "is-invalid" if field.errors else ""]
    return format_html(
        '<div id="div_{}" class="{}">{}<div{}><input type="{}" name="{}" class="{}"{}>{}{}</div>'
        "</div>",
        field.auto_id,
        wrapper,
        label,
        mark_safe(' class="is-invalid"') if field.errors else "",
        data["type"],
        data["name"],
        " ".join(filter(None, classes)),
        mark_safe(render_attrs(attrs)),  # noqa: S308 — each name and value escaped there
        errors,
        help_text,
    )


_HOLES = "portal.public_content.holes"  # in the render context while a page is shared
# A visitor's part's place in a kept page: its id between NULs, with a secret of the process
# so that no text on the page (a search term echoed back) can pass for one.
_HOLE_SECRET = secrets.token_hex(8)
_HOLE = re.compile(f"\x00hole:{_HOLE_SECRET}:(\\d+)\x00")
_hole_ids = itertools.count()
# Every {% per_visitor %} compiled in this process, by its id: base.html's and those of the
# templates that extend it (a kept page names its parts by these ids; it is kept in the
# process's memory only).
_holes: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class PublicContentNode(template.Node):
    """See public_content()."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if getattr(request, CONTENT_KEY_ATTRIBUTE, None) is None:
            return self.nodelist.render(context)
        filled = {}
        context.render_context[_HOLES] = filled
        try:
            shared = str(self.nodelist.render(context))
        finally:
            del context.render_context[_HOLES]
        parts = _HOLE.split(shared)  # text, hole id, text, hole id, …, text
        page = mark_safe(  # noqa: S308 — the templates' own output
            "".join(filled[int(part)] if i % 2 else part for i, part in enumerate(parts))
        )
        # Kept by core.public_cache (keep_shared_page) if the view answers 200.
        setattr(request, SHARED_PAGE_ATTRIBUTE, (self.origin.template_name, parts, page))
        return page


def keep_shared_page(shared, response):
    """What core.public_cache keeps of a page rendered for everyone: the template's name
    and the page as bytes between the visitor's parts (their ids in this process), the text
    around ``{% public_content %}`` taken from the response. None if the response is not
    that page (streamed, or changed after the template rendered it)."""
    if getattr(response, "streaming", False):
        return None
    template_name, parts, page = shared
    charset = response.charset
    content = response.content
    page = page.encode(charset)
    start = content.find(page)
    if start < 0:
        return None
    kept = [int(part) if i % 2 else part.encode(charset) for i, part in enumerate(parts)]
    kept[0] = content[:start] + kept[0]
    kept[-1] += content[start + len(page) :]
    return _HOLE_SECRET, charset, template_name, tuple(kept)


def fill_shared_page(kept, request) -> bytes | None:
    """A page kept by core.public_cache for everyone, with this visitor's parts rendered in
    (with the context processors' variables: the user, the CSRF token, the messages…),
    without rendering the rest of the page again. None when it cannot be: kept by another
    process (or another compilation of a template), whose parts this one does not know."""
    secret, charset, template_name, parts = kept
    if secret != _HOLE_SECRET:
        return None
    holes = {part: _holes.get(part) for part in parts if type(part) is int}
    if None in holes.values():
        return None
    backend = engines["django"]
    compiled = backend.get_template(template_name).template
    context = make_context({}, request, autoescape=backend.engine.autoescape)
    with context.render_context.push_state(compiled), context.bind_template(compiled):
        return b"".join(
            str(holes[part].nodelist.render(context)).encode(charset) if type(part) is int else part
            for part in parts
        )


class PerVisitorNode(template.Node):
    """See per_visitor()."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.hole_id = next(_hole_ids)
        _holes[self.hole_id] = self

    def render(self, context):
        html = self.nodelist.render(context)
        filled = context.render_context.get(_HOLES)
        if filled is None:
            return html
        if filled.setdefault(self.hole_id, html) != html:
            # In a loop, or with a variable of the view's: a kept page would show one
            # rendering in every place, and its visitors' parts see only the context
            # processors' variables.
            raise template.TemplateSyntaxError(
                "A {% per_visitor %} part rendered differently twice in one page: it belongs "
                "outside loops, and may use only the context processors' variables."
            )
        return f"\x00hole:{_HOLE_SECRET}:{self.hole_id}\x00"


@register.tag
def public_content(parser, token):
    """``{% public_content %}…{% endpublic_content %}`` around the page (base.html), with the
    parts that are the visitor's own in ``{% per_visitor %}…{% endper_visitor %}`` (the
    account menu with its CSRF token, the messages).

    On a page whose view is ``cached_public_page(content_for_everyone=True)`` the page
    around those parts is the same for every visitor: core/public_cache.py keeps it,
    keyed by the content version, the language and the path, and the next visitor gets it
    with only their own parts rendered, in a context of the context processors' variables
    alone (the user, perms, csrf_token, messages, request…: not the view's, nor those of a
    ``{% with %}`` or ``{% for %}`` around them). On any other page everything is rendered
    as usual. Anything that differs from visitor to visitor (the
    user, permissions, a CSRF token, a CSP nonce, messages) belongs in a ``per_visitor``."""
    nodelist = parser.parse(("endpublic_content",))
    parser.delete_first_token()
    return PublicContentNode(nodelist)


@register.tag
def per_visitor(parser, token):
    """``{% per_visitor %}…{% endper_visitor %}``: rendered for each visitor, also inside a
    shared page (see public_content)."""
    nodelist = parser.parse(("endper_visitor",))
    parser.delete_first_token()
    return PerVisitorNode(nodelist)
