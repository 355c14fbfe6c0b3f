"""core/rows.py gives what the template engine gave: the same escaping, dates, translations
and URLs."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core import rows
from core.rows import blocktranslated, date_formatter, html, join, labels, url_for_each
from organisations.models import Organisation

UTC = datetime.UTC
VALUES = [
    "<script>alert('x')</script> & \"quoted\"",
    mark_safe("<b>safe</b>"),
    format_html("<i>{}</i>", "<"),
    gettext_lazy("Effective"),
    42,
    None,
    "",
]

# Dates and times around the edges: midnight in Stockholm but not in UTC, both changes of
# summer time, every month (for the month names), a single-digit day.
MOMENTS = [
    datetime.datetime(2026, 11, 23, 23, 30, tzinfo=UTC),
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime.datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
    datetime.datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime.datetime(2026, 6, 1, 8, 5, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm")),
    *(datetime.datetime(2027, month, 3, 12, 0, tzinfo=UTC) for month in range(1, 13)),
]
DAYS = [datetime.date(2026, month, 9) for month in range(1, 13)] + [datetime.date(999, 1, 1)]


def template_date(value, format_name):
    return Template("{{ value|date:format_name }}").render(
        Context({"value": value, "format_name": format_name})
    )


def test_html_escapes_as_format_html():
    for value in VALUES:
        assert html("<td>{}</td>", value) == format_html("<td>{}</td>", value)
    assert isinstance(html("<td>{}</td>", "x"), SafeString)


def test_html_of_several_values_escapes_each():
    assert html('<a href="{}">{}</a>', "/?a=1&b=2", "<Förening>") == (
        '<a href="/?a=1&amp;b=2">&lt;Förening&gt;</a>'
    )


def test_join_keeps_safe_rows_and_escapes_the_rest():
    assert join([html("<tr>{}</tr>", "<"), "<tr>"]) == "<tr>&lt;</tr>&lt;tr&gt;"
    assert isinstance(join([]), SafeString)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "format_name", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT"]
)
def test_date_format_of_a_datetime_is_the_date_filters(language, format_name):
    with translation.override(language):
        format_value = date_formatter(format_name)
        for moment in MOMENTS:
            assert format_value(moment) == template_date(moment, format_name)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("format_name", ["SHORT_DATE_FORMAT", "DATE_FORMAT"])
def test_date_format_of_a_date_is_the_date_filters(language, format_name):
    with translation.override(language):
        format_value = date_formatter(format_name)
        for day in DAYS:
            assert format_value(day) == template_date(day, format_name)


def test_date_format_of_nothing_is_empty():
    assert date_formatter("DATE_FORMAT")(None) == ""
    assert date_formatter("DATE_FORMAT")("") == ""


def test_date_format_follows_the_language():
    moment = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with translation.override("sv"):
        assert date_formatter("DATE_FORMAT")(moment) == "23 november 2026"
    with translation.override("en"):
        assert date_formatter("DATE_FORMAT")(moment) == "23 November 2026"


@pytest.mark.parametrize(
    "format_string", [r"l j F Y \a\t H:i", "D, N jS", "P", r"\Y Y-m-d G:s b M n y"]
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_any_format_string_is_formatted_as_django_does(format_string, language):
    with translation.override(language):
        format_value = rows._formatter(format_string, language)
        for moment in MOMENTS:
            local = timezone.localtime(moment)
            assert format_value(moment) == dateformat.format(local, format_string)


def test_blocktranslated_is_blocktranslate():
    template = Template(
        "{% load i18n %}{% blocktranslate with number=number date=date %}"
        "{{ number }}, registered {{ date }}{% endblocktranslate %}"
    )
    for language in ("sv", "en"):
        with translation.override(language):
            expected = template.render(Context({"number": "<802>", "date": "1 maj"}))
            assert (
                blocktranslated("%(number)s, registered %(date)s", number="<802>", date="1 maj")
                == expected
            )
            assert "&lt;802&gt;" in expected


def test_url_for_each_is_reverse():
    with translation.override("sv"):
        organisation_url = url_for_each("backoffice:organisation")
        for pk in (1, 7, 918273645, 10**12):
            assert organisation_url(pk) == reverse("backoffice:organisation", args=[pk])


def test_url_for_each_after_another_argument_of_any_digits():
    """An organisation's key holding the digits of an old, shorter marker (a 500 before)."""
    for organisation_pk in (1918273645, 918273645, 10**18):
        certificate_url = url_for_each("compact:certificate_pdf", organisation_pk)
        assert certificate_url(5) == reverse("compact:certificate_pdf", args=[organisation_pk, 5])


def test_url_for_each_needs_an_argument_at_the_end():
    with pytest.raises(NoReverseMatch):
        url_for_each("backoffice:signatures")


def test_labels_are_get_foo_display():
    with translation.override("sv"):
        kinds = labels(Organisation.Kind.choices)
        for kind in Organisation.Kind:
            assert kinds[kind.value] == Organisation(kind=kind.value).get_kind_display()


def test_every_blocktranslated_message_is_marked_for_makemessages():
    """makemessages extracts gettext_noop("…"), not a call of blocktranslated(): a message
    given as a bare string would drop out of the catalogue at the next run (English on
    Swedish pages)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    calls = 0
    for path in root.glob("*/*.py"):
        if path.parts[-2] in {"tests", ".venv", "bench"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "blocktranslated":
                calls += 1
                message = node.args[0]
                assert isinstance(message, ast.Call) and message.func.id == "gettext_noop", (
                    f"{path}:{node.lineno}"
                )
    assert calls >= 6


@pytest.mark.parametrize(
    "message",
    [
        "Published %(date)s",
        "%(number)s, registered %(date)s",
        "Withdrawn %(date)s",
        "Certificate of signing, version %(version)s (PDF)",
        "Withdraw the signature on version %(version)s",
    ],
)
def test_the_rows_messages_are_swedish(message):
    with translation.override("sv"):
        assert str(blocktranslated(message, date="1", number="2", version="3")) != (
            message % {"date": "1", "number": "2", "version": "3"}
        )


def test_a_translation_naming_other_placeholders_falls_back_to_the_message(monkeypatch):
    monkeypatch.setattr("core.rows.gettext", lambda message: "Publicerad %(datum)s")
    assert blocktranslated("Published %(date)s", date="<b>") == "Published &lt;b&gt;"


def test_labels_are_escaped_once_for_the_rows():
    from core.rows import escaped_once

    kept = labels([("a", "Ja & nej <b>")])
    assert kept["a"] == "Ja &amp; nej &lt;b&gt;"
    assert isinstance(kept["a"], SafeString)
    assert html("<td>{}</td>", kept["a"]) == "<td>Ja &amp; nej &lt;b&gt;</td>"  # not twice
    assert escaped_once("<i>") == "&lt;i&gt;"
