import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import SignatureFactory, UserFactory, build_compact

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_add_page_opens_for_an_administrator(client):
    build_compact()
    administrator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    opened = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, info
        request = response.wsgi_request
        if model_admin.has_add_permission(request):
            assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
        opened.append(info)
    assert ("principles", "commitment") in opened
    assert ("compact", "signature") in opened


def test_signatures_cannot_be_rewritten_or_deleted_in_the_admin(client):
    build_compact()
    signature = SignatureFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:compact_signature_delete", args=[signature.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert type(signature).objects.filter(pk=signature.pk).exists()
    change = reverse("admin:compact_signature_change", args=[signature.pk])
    client.post(change, {"signer_name": "Someone else"})
    signature.refresh_from_db()
    assert signature.signer_name != "Someone else"
