"""An agreement version's status in the admin: administrators adopt a version there; anyone
else allowed to edit versions edits their text, never which one is in force."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from compact.models import Agreement
from tests.admin_pages import change_form_data
from tests.factories import AgreementFactory, OfficialFactory, UserFactory
from tests.signin import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def test_an_administrator_adopts_a_version_in_the_admin(client):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    sign_in_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True, totp=True))
    change = reverse("admin:compact_agreement_change", args=[draft.pk])

    response = client.post(
        change,
        {**change_form_data(client, change), "status": "adopted", "adopted_on": "2026-11-23"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.adopted_on) == ("adopted", datetime.date(2026, 11, 23))


def test_an_official_allowed_to_edit_versions_cannot_change_their_status(client):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    official = OfficialFactory(is_staff=True, totp=True)
    official.user_permissions.add(Permission.objects.get(codename="change_agreement"))
    sign_in_with_second_factor(client, official)
    change = reverse("admin:compact_agreement_change", args=[draft.pk])

    response = client.post(
        change,
        {
            **change_form_data(client, change),
            "status": "adopted",
            "adopted_on": "2026-11-23",
            "title_sv": "Ny titel",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_sv == "Ny titel"  # the text is theirs to edit
    assert (draft.status, draft.adopted_on) == ("draft", None)
