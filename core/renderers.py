"""The form renderer: Django's, with ``<select>``, ``<textarea>`` and ``<input>`` written in
Python.

Django's select template includes a template for every ``<option>``, and that one another
for its attributes: about 3 million instructions (≈ 0.6 ms) for a select of 20 options, 15 %
of the signatory list with its four. This renderer writes the same markup, character for
character (tests/core/test_renderers.py compares it with Django's templates), for Django's
own select and option templates; any other template, or an option whose label is not text,
is rendered by the templates as before. A textarea and an input cost a template and its
attributes' template each (≈ 0.2 ms): the follow-up's record form has two textareas an entry.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"
# Django's templates that are only {% include "django/forms/widgets/input.html" %}.
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in [
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    ]
}
_AUTOESCAPE = Context(autoescape=True)  # what the templates render with: only read here


def _text(value) -> str:
    """``{{ value }}`` in a template."""
    return render_value_in_context(value, _AUTOESCAPE)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}`` in a template (the filter keeps safe text safe)."""
    if isinstance(value, tuple):
        value = str(value)
    text = "%s" % value  # noqa: UP031 — what the stringformat filter does
    return text if isinstance(value, SafeData) else escape(text)


def render_attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _writable(widget) -> bool:
    return all(
        option["template_name"] == OPTION and isinstance(option["label"], str | Promise)
        for _name, options, _index in widget["optgroups"]
        for option in options
    )


def render_select(widget) -> str:
    """django/forms/widgets/select.html with select_option.html, for a widget's context."""
    out = [f'<select name="{_text(widget["name"])}"{render_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{render_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(out)


def render_textarea(widget) -> str:
    """django/forms/widgets/textarea.html, for a widget's context."""
    value = _text(widget["value"]) if widget["value"] else ""
    attrs = render_attrs(widget["attrs"])
    return f'<textarea name="{_text(widget["name"])}"{attrs}>\n{value}</textarea>'


def render_input(widget) -> str:
    """django/forms/widgets/input.html, for a widget's context."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{render_attrs(widget['attrs'])}>"
    )


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and _writable(context["widget"]):
            return render_select(context["widget"])
        if template_name == TEXTAREA:
            return render_textarea(context["widget"])
        if template_name in INPUTS:
            return render_input(context["widget"])
        return super().render(template_name, context, request)
