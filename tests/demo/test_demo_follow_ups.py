"""The demo's follow-ups (demo/data/follow-ups.yaml): last year's published, with a
correction and an included organisation's account, this year's a draft; loaded twice with
the same result. And the plan items' owner, status and dates from the compact's YAML."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from principles.loading import CompactDataError, load_compact
from principles.models import (
    CorrectionNote,
    FollowUp,
    OrganisationAccount,
    PlanItem,
    PlanItemStatus,
)
from tests.demo.test_load_compact import COMPACT_2024, small_compact

pytestmark = pytest.mark.django_db


def with_plan():
    return small_compact(
        development_areas=[
            {
                "title": {"sv": "Samverkan", "en": "Cooperation"},
                "aim": {"sv": "Vi vill samverka.", "en": "We want to cooperate."},
                "plan_items": [{"sv": "Ordna möten.", "en": "Hold meetings."}],
            }
        ]
    )


def follow_up_counts():
    return {
        "follow_ups": list(FollowUp.objects.order_by("year").values_list("year", "status")),
        "accounts": OrganisationAccount.objects.count(),
        "corrections": CorrectionNote.objects.count(),
    }


def test_the_demo_has_last_years_follow_up_published_and_this_years_a_draft(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    first = follow_up_counts()
    call_command("load_demo", stdout=StringIO())

    year = timezone.localdate().year
    assert follow_up_counts() == first
    assert first["follow_ups"] == [(year - 1, "published"), (year, "draft")]
    published = FollowUp.objects.get(year=year - 1)
    assert not published.commitment_entries.filter(status="").exists()
    assert not published.plan_item_entries.filter(status="").exists()
    assert published.corrections.count() == 1
    assert OrganisationAccount.objects.filter(
        entry__follow_up=published, decision="included"
    ).exists()
    draft = FollowUp.objects.get(year=year)
    assert draft.commitment_entries.exclude(status="").count() == 10
    assert (
        OrganisationAccount.objects.filter(entry__follow_up=draft, decision="pending").count() == 1
    )


def test_the_plan_items_have_an_owner_a_status_and_dates():
    data = yaml.safe_load(COMPACT_2024.read_text(encoding="utf-8"))
    load_compact(data, status="adopted")

    items = PlanItem.objects.order_by("area__position", "position")
    assert items.count() == 22
    assert set(items.values_list("status", flat=True)) <= set(PlanItemStatus.values)
    assert items.filter(status="ongoing").exists() and items.filter(status="completed").exists()
    assert all(item.starts_on and item.ends_on >= item.starts_on for item in items)
    assert items.filter(owner="sector").exists()


def test_a_plan_items_status_is_set_once_and_its_dates_follow_the_file():
    data = with_plan()
    item = data["development_areas"][0]["plan_items"][0]
    item.update(owner="municipality", status="planned", starts_on="2025-01-01")
    load_compact(data)
    PlanItem.objects.update(status="completed")  # decided since, in the admin

    item.update(status="cancelled", starts_on="2025-02-01")
    load_compact(data)

    loaded = PlanItem.objects.get(position=1, area__position=1)
    assert loaded.status == "completed"
    assert str(loaded.starts_on) == "2025-02-01"
    assert loaded.owner == "municipality"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"owner": "nobody"}, "unknown party"),
        ({"status": "someday"}, "unknown status"),
        ({"starts_on": "soon"}, "expected a date"),
        ({"starts_on": "2026-01-01", "ends_on": "2025-01-01"}, "ends_on is before starts_on"),
    ],
)
def test_a_bad_plan_item_is_refused_with_where(change, message):
    data = with_plan()
    data["development_areas"][0]["plan_items"][0].update(change)

    with pytest.raises(CompactDataError, match=message):
        load_compact(data)
    assert not PlanItem.objects.exists()
