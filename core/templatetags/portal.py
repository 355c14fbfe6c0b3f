from urllib.parse import urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.forms import widgets
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.html import format_html, format_html_join
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


# Widgets that crispy-bootstrap5 lays out differently (checks, radios, files, several inputs).
_LAID_OUT_BY_CRISPY = (
    widgets.CheckboxInput,
    widgets.RadioSelect,
    widgets.CheckboxSelectMultiple,
    widgets.FileInput,
    widgets.MultiWidget,
)


@register.simple_tag
def form_field(field):
    """``{{ field|as_crispy_field }}`` for a text, number or select field, built here: the same
    markup as crispy-bootstrap5's field.html (label, the input with Bootstrap's classes, errors,
    help text) without rendering its nested templates, which cost more than the input itself
    (the signatory list's six filters took a quarter of the page's CPU time). Any other field
    is handed to crispy. Help text is escaped here (crispy marks it safe; ours is plain text)."""
    widget = field.field.widget
    if field.is_hidden:
        return field.as_widget()
    if isinstance(widget, _LAID_OUT_BY_CRISPY) or field.use_fieldset:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            format_html('<span class="{}">*</span>', "asteriskField") if required else "",
        )
    classes = [
        widget.attrs.get("class", ""),
        type(widget).__name__.lower(),
        "form-select" if isinstance(widget, widgets.Select) else "form-control",
        "is-invalid" if field.errors else "",
    ]
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
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}{}</div>',
        field.auto_id,
        " ".join(filter(None, ["mb-3", field.css_classes()])),
        label,
        field.as_widget(attrs={"class": " ".join(filter(None, classes))}),
        errors,
        help_text,
    )
