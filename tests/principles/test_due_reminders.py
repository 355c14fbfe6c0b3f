"""Due dates of the version in force (domain fact 1): shown on the home page and the
officials' dashboard, and e-mailed to the officials ahead of time, once per due date."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from compact.models import add_years
from core.models import ActionRecord
from principles.models import DueReminder
from principles.reminders import due_reminders
from principles.tasks import send_due_date_reminders
from tests.factories import OfficialFactory, UserFactory
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials(db):
    return [OfficialFactory(), OfficialFactory()]


def test_the_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["due-date-reminders"]
    assert entry["task"] == "principles.tasks.send_due_date_reminders"
    assert entry["schedule"] == 24 * 60 * 60.0


def test_a_follow_up_due_within_the_days_is_reminded_of_once(
    compact, officials, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DUE_REMINDER_DAYS = 30
    UserFactory()  # not an official: not reminded
    due = compact.next_follow_up
    today = due - datetime.timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        created = due_reminders(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        again = due_reminders(today=today + datetime.timedelta(days=1))

    assert [(r.kind, r.due_on) for r in created] == [("follow_up", due)]
    assert again == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in officials)
    message = mailoutbox[0]
    assert "uppföljning" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert reverse("backoffice:follow_ups") in message.body
    assert DueReminder.objects.get().recipients == 2
    assert ActionRecord.objects.filter(action_type="principles.follow_up.reminded").count() == 1


def test_nothing_is_sent_before_the_days_ahead(compact, officials, mailoutbox, settings):
    settings.DUE_REMINDER_DAYS = 30
    today = compact.next_follow_up - datetime.timedelta(days=31)

    assert due_reminders(today=today) == []
    assert not DueReminder.objects.exists()


def test_the_revision_is_reminded_of_too(
    compact, officials, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DUE_REMINDER_DAYS = 10
    today = compact.review_due - datetime.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        created = due_reminders(today=today)

    assert DueReminder.Kind.REVISION in [r.kind for r in created]
    revision_mail = [m for m in mailoutbox if "revider" in m.subject]
    assert len(revision_mail) == 2


def test_the_task_runs_the_reminders(
    compact, officials, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DUE_REMINDER_DAYS = 400  # the next follow-up is within a year, whatever today is
    with django_capture_on_commit_callbacks(execute=True):
        send_due_date_reminders.apply()
    assert DueReminder.objects.filter(kind="follow_up").count() == 1
    assert len([m for m in mailoutbox if "uppföljning" in m.subject]) == 2


def test_home_page_and_dashboard_show_the_due_dates(client, compact):
    official = OfficialFactory(totp=True)
    with translation.override("en"):
        home = client.get(reverse("compact:home")).content.decode()
        sign_in_with_second_factor(client, official)
        dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
        follow_up = date_format(compact.next_follow_up, "DATE_FORMAT")
        revision = date_format(compact.review_due, "DATE_FORMAT")
    assert compact.review_due == add_years(compact.adopted_on, 4)
    for html in (home, dashboard):
        assert "Next follow-up" in html and follow_up in html
        assert "Due for revision" in html and revision in html
    assert 'href="/en/follow-ups/"' in home
    assert 'href="/en/backoffice/follow-ups/"' in dashboard
