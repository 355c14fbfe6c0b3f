"""Table rows built in Python for the long lists (the officials' lists, the representative's
dashboard): the same markup their templates gave, without the template engine's work per row.

Through Django's template engine a row cost ~100 µs: a lookup per variable, a node per
{% translate %}, a reverse() per {% url %}, ~13 µs per |date. Here a row is one call of html()
(which escapes every value as the template did), with what does not change from row to row
worked out once per list: the translations, the choice labels, the URL around the primary
key, the date format in the page's language. A list that needs no model method reads
its columns with .values(): building 50 model instances (and their related ones) cost more
than the rows.

The page's template keeps its structure (headings, the table's caption and header, the
filter form); the view passes the rows of <tbody> (or of a list) as one safe string.
"""

import functools
import html as html_module
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_AP
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

# A primary key no row has: reverse() once with it, then put each row's key in its place.
_MARK = 918273645918273645918273645  # longer than any bigint: inside no other argument


def url_for_each(viewname: str, *args) -> Callable[[int], str]:
    """``pk -> reverse(viewname, args=[*args, pk])`` for URLs whose last part is an integer
    primary key, reversed once for the whole list."""
    before, mark, after = reverse(viewname, args=[*args, _MARK]).rpartition(str(_MARK))
    if not mark or str(_MARK) in before:
        raise ValueError(f"{viewname} does not end in an integer argument")
    return lambda pk: f"{before}{int(pk)}{after}"


def date_formatter(format_name: str) -> Callable[[date | datetime | None], str]:
    """What ``{{ value|date:format_name }}`` gives in the active language, for a date or an
    aware datetime (shown in the current time zone, looked up once for the list), and "" for
    None."""
    format_value = _formatter(get_format(format_name), get_language())
    return functools.partial(format_value, zone=timezone.get_current_timezone())


# Django's format characters (django.utils.dateformat) that are plain numbers or month names;
# a format with any other character is given to django.utils.dateformat as it is.
_NUMBERS = {
    "d": lambda value: f"{value.day:02d}",
    "j": lambda value: str(value.day),
    "m": lambda value: f"{value.month:02d}",
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "y": lambda value: f"{(value.year % 100):02d}",
    "H": lambda value: f"{value.hour:02d}",
    "G": lambda value: str(value.hour),
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
}
_MONTH_NAMES = {
    "F": lambda month: str(MONTHS[month]),
    "M": lambda month: str(MONTHS_3[month]).title(),
    "b": lambda month: str(MONTHS_3[month]),
    "N": lambda month: str(MONTHS_AP[month]),
}
_TIME_CHARACTERS = set("aAefgGhHiOPsTuZ")


@functools.cache
def _formatter(format_string: str, language: str) -> Callable:
    """The format compiled once per format and language (month names in that language)."""
    pieces = []  # a str is literal text, a callable takes the value
    has_time = False
    for i, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if not i % 2:
            if piece:
                pieces.append(dateformat.re_escaped.sub(r"\1", piece))
        elif piece in _NUMBERS:
            pieces.append(_NUMBERS[piece])
        elif piece in _MONTH_NAMES:
            names = {month: _MONTH_NAMES[piece](month) for month in range(1, 13)}
            pieces.append(lambda value, names=names: names[value.month])
        else:
            return functools.partial(_django_format, format_string=format_string)
        has_time = has_time or piece in _TIME_CHARACTERS

    def format_value(value, zone=None):
        if value is None or value == "":
            return ""
        if isinstance(value, datetime):
            if value.utcoffset() is not None:  # aware: as timezone.localtime() shows it
                value = value.astimezone(zone or timezone.get_current_timezone())
        elif has_time:  # a date has no hours: Django's error
            return dateformat.format(value, format_string)
        return "".join(piece if type(piece) is str else piece(value) for piece in pieces)

    return format_value


def _django_format(value, *, format_string, zone=None):
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    try:
        return dateformat.format(value, format_string)
    except AttributeError:
        return ""


def escaped(value) -> str:
    """What django.utils.html.conditional_escape gives, without its wrappers: a value with
    __html__ (safe strings, format_html's) as it is, any other escaped as text. Text and
    whole numbers, most of a row's values, are told apart first (an integer's digits need
    no escaping)."""
    kind = type(value)
    if kind is str:
        return html_module.escape(value)
    if kind is SafeString:
        return value
    if kind is int:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_module.escape(str(value))


def html(format_string: str, *values) -> SafeString:
    """``format_html(format_string, *values)`` for a third of its cost: the same escaping."""
    return SafeString(format_string.format(*map(escaped, values)))


def blocktranslated(message: str, **values) -> SafeString:
    """``{% blocktranslate with name=value %}…{{ name }}…{% endblocktranslate %}``: the
    translation as it is, the values escaped. Callers mark the message for makemessages
    with ``gettext_noop("…")``, which it extracts (a call of this function it does not)."""
    escaped_values = {name: escaped(value) for name, value in values.items()}
    try:
        text = gettext(message) % escaped_values  # trusted, as blocktranslate trusts it
    except (KeyError, ValueError, TypeError):  # a translation naming other placeholders
        text = message % escaped_values  # as blocktranslate: the message untranslated
    return mark_safe(text)  # noqa: S308


def join(rows: Iterable) -> SafeString:
    """Rows (from html()) as one safe string; anything not marked safe is escaped."""
    return mark_safe("".join(map(escaped, rows)))  # noqa: S308 — escaped


def labels(choices) -> dict:
    """A field's choice labels in the active language, escaped once for the list's rows, for
    ``labels.get(value, value)`` in place of ``get_FOO_display()`` on each row."""
    return {value: escaped_once(label) for value, label in choices}


def escaped_once(text) -> SafeString:
    """Text (a translation, a label) escaped once for a whole list rather than in each row."""
    return SafeString(escaped(str(text)))
