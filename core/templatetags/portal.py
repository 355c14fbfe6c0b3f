import itertools
import re
from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.forms import widgets
from django.template import engines
from django.template.context import make_context
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, override

from core.public_cache import CONTENT_KEY_ATTRIBUTE, SHARED_PAGE_ATTRIBUTE

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
_KEPT = "portal_kept_page"  # on the request while fill_shared_page() fills a kept page
_HOLE = re.compile("\x00hole:(\\d+)\x00")
_hole_ids = itertools.count()


class PublicContentNode(template.Node):
    """See public_content()."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.holes = {hole.hole_id: hole for hole in nodelist.get_nodes_by_type(PerVisitorNode)}

    def render(self, context):
        request = context.get("request")
        kept = getattr(request, _KEPT, None)
        if kept is not None:  # fill_shared_page()
            html = self.fill(kept, context)
            if html is None:
                raise _NotThisTemplate
            return html
        if getattr(request, CONTENT_KEY_ATTRIBUTE, None) is None:
            return self.nodelist.render(context)
        filled = {}
        context.render_context[_HOLES] = (self.holes, filled)
        try:
            shared = str(self.nodelist.render(context))
        finally:
            del context.render_context[_HOLES]
        # Kept by core.public_cache if the view answers 200.
        setattr(request, SHARED_PAGE_ATTRIBUTE, (self.origin.template_name, shared))
        return self.fill(shared, context, filled)

    def fill(self, shared, context, filled=None):
        """The shared page with each visitor's part rendered in; None if it names a part
        this template does not have (it was kept from another compilation of it)."""
        filled = {} if filled is None else filled
        parts = _HOLE.split(shared)  # text, hole id, text, hole id, …, text
        for i in range(1, len(parts), 2):
            hole_id = int(parts[i])
            if hole_id not in filled:
                if hole_id not in self.holes:
                    return None
                filled[hole_id] = self.holes[hole_id].nodelist.render(context)
            parts[i] = filled[hole_id]
        return mark_safe("".join(parts))  # noqa: S308 — the templates' own output


class _NotThisTemplate(Exception):
    pass


def fill_shared_page(shared, request):
    """A page kept by core.public_cache for everyone, with this visitor's parts rendered in
    (with the context processors' variables: the user, the CSRF token, the messages…):
    the template that kept it is rendered with the kept page in place of what is inside
    ``{% public_content %}``. None when it cannot be (not the template that kept it)."""
    template_name, html = shared
    backend = engines["django"]
    compiled = backend.get_template(template_name).template
    context = make_context({}, request, autoescape=backend.engine.autoescape)
    setattr(request, _KEPT, html)
    try:
        return compiled.render(context)
    except _NotThisTemplate:
        return None
    finally:
        delattr(request, _KEPT)


class PerVisitorNode(template.Node):
    """See per_visitor()."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.hole_id = next(_hole_ids)

    def render(self, context):
        html = self.nodelist.render(context)
        sharing = context.render_context.get(_HOLES)
        if sharing is None:
            return html
        holes, filled = sharing
        if self.hole_id not in holes:
            raise template.TemplateSyntaxError(
                "{% per_visitor %} belongs in the template that has {% public_content %}."
            )
        filled[self.hole_id] = html
        return f"\x00hole:{self.hole_id}\x00"


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
