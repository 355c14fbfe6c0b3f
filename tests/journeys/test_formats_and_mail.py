"""Issue 8, items 10, 13 and 14: every e-mail has a text and an HTML part in the portal's
look; English pages give day-month-year dates and 24-hour times; a select's empty choice
is a label in the page's language; `make run PORT=…` and the links in e-mails follow it."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import formats, translation

from core.mail import render_templated_mail
from tests.factories import OfficialFactory, WrittenApplicationFactory
from tests.signin import sign_in_with_second_factor

ROOT = Path(__file__).resolve().parent.parent.parent
MOMENT = datetime.datetime(2026, 11, 3, 14, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


# Item 13 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "3 November 2026",
                "14:30",
                "3 November 2026, 14:30",
                "3 Nov 2026",
                "3 Nov 2026, 14:30",
            ],
        ),
        (
            "sv",
            ["3 november 2026", "14:30", "3 november 2026 14:30", "2026-11-03", "2026-11-03 14:30"],
        ),
    ],
)
def test_dates_and_times_are_day_month_year_and_24_hour(language, expected):
    template = engines["django"].from_string(
        '{{ m|date:"DATE_FORMAT" }}|{{ m|time:"TIME_FORMAT" }}|{{ m|date:"DATETIME_FORMAT" }}|'
        '{{ m|date:"SHORT_DATE_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with translation.override(language):
        assert template.render({"m": MOMENT}).split("|") == expected
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_english_forms_read_dates_day_first_never_month_first():
    from django import forms

    field = forms.DateField()
    with translation.override("en"):
        assert field.clean("03/11/2026") == datetime.date(2026, 11, 3)
        assert field.clean("2026-11-03") == datetime.date(2026, 11, 3)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "label"), [("sv", "Välj …"), ("en", "Choose …")])
def test_a_selects_empty_choice_is_a_label_in_the_pages_language(client, language, label):
    # The officials' signature list filters by version (django-filter's own choice), the
    # admin's forms by Django's (BLANK_CHOICE_LABEL).
    official = OfficialFactory(totp=True)
    sign_in_with_second_factor(client, official)
    with translation.override(language):
        content = client.get(reverse("backoffice:signatures")).content.decode()
    assert f'<option value="" selected>{label}</option>' in content
    assert "---------" not in content
    assert "Select an option" not in content


def test_django_and_django_filter_share_the_label():
    from django.conf import settings
    from django.db.models import fields

    with translation.override("sv"):
        assert str(fields.BLANK_CHOICE_LABEL) == "Välj …"
        assert str(settings.FILTERS_EMPTY_CHOICE_LABEL) == "Välj …"


# Item 10: every message has an HTML part ------------------------------------------------


def test_every_html_mail_template_is_in_the_portals_look():
    for path in sorted((ROOT / "templates" / "email").glob("*_body.html")):
        assert path.read_text().startswith('{% extends "email/base.html" %}'), path.name


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_text_mail_gets_an_html_part_in_its_language(compact, settings, language):
    settings.SITE_URL = "https://samverkan.example.se"
    application = WrittenApplicationFactory(
        status="rejected", rejection_reason="Saknar <underskrift> & datum"
    )
    message = render_templated_mail(
        to=["a@example.org"],
        template="application_decision",
        context={"application": application},
        language=language,
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert f"<title>{message.subject}</title>" in html
    assert "Saknar &lt;underskrift&gt; &amp; datum" in html  # escaped, not markup
    link = f"https://samverkan.example.se/{language}/organisations/{application.organisation_id}/manage/"
    assert link in message.body
    assert f'<a href="{link}"' in html
    assert "samverkan.example.se</a>" in html  # the footer names the portal's address


# Item 14 -------------------------------------------------------------------------------


def run_python(code, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env}
    environment.pop("SITE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_local_portals_links_follow_its_port():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    assert run_python(code, PORT="8001") == "http://127.0.0.1:8001"
    assert run_python(code) == "http://127.0.0.1:8000"


def test_make_run_serves_on_the_port_it_is_given():
    commands = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "PORT=8001 DJANGO_SETTINGS_MODULE=config.settings.local" in commands
    assert "runserver 127.0.0.1:8001" in commands


@pytest.mark.django_db
def test_swedish_form_pages_show_none_of_djangos_english(client, compact):
    from tests.factories import RepresentativeFactory

    rep = RepresentativeFactory(organisation__logo="logos/a.png")
    client.force_login(rep.user)
    pk = rep.organisation.pk
    with translation.override("sv"):
        pages = [
            reverse("organisations:register"),
            reverse("organisations:edit", args=[pk]),
            reverse("organisations:representatives", args=[pk]),
            reverse("compact:sign", args=[pk]),
            reverse("compact:apply", args=[pk]),
            reverse("compact:signatories"),
        ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        content = response.content.decode()
        for english in ("---------", "Select an option", "Choose …", "Currently:", "Change:"):
            assert english not in content, (page, english)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_allauths_other_mail_has_an_html_part_and_the_portals_name(
    client, mailoutbox, settings, language
):
    from tests.factories import UserFactory

    settings.SITE_NAME = "Exempelstads överenskommelse"
    user = UserFactory()
    with translation.override(language):
        client.post(reverse("account_reset_password"), {"email": user.email})
    message = mailoutbox[-1]
    greeting = {"sv": "Hej från", "en": "Hello from"}[language]
    assert message.body.startswith(f"{greeting} Exempelstads överenskommelse!")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    if language == "sv":
        assert "epost" not in message.body.lower().replace("e-post", "")
