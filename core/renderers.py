"""The form renderer: Django's, with ``<select>`` written in Python.

Django's select template includes a template for every ``<option>``, and that one another
for its attributes: about 3 million instructions (≈ 0.6 ms) for a select of 20 options, 15 %
of the signatory list with its four. This renderer writes the same markup, character for
character (tests/core/test_renderers.py compares it with Django's templates), for Django's
own select and option templates; any other template, or an option whose label is not text,
is rendered by the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
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


def _attrs(attrs) -> str:
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
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(out)


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and _writable(context["widget"]):
            return render_select(context["widget"])
        return super().render(template_name, context, request)
