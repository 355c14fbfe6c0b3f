"""The Officials group reads the admin and writes nothing in it: after the migrations it holds
accounts.official and the view permission of each of our models, nothing else of ours."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import OFFICIALS_GROUP

BEFORE = [("accounts", "0004_one_line_text_fields")]
OUR_APPS = ["core", "accounts", "organisations", "compact", "principles"]
# The data version's one row (core/data_version.py): kept by triggers, read by no one.
NOT_IN_THE_ADMIN = {("core", "dataversion")}


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def our_models():
    from django.apps import apps

    return {
        (model._meta.app_label, model._meta.model_name)
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
    } - NOT_IN_THE_ADMIN


@pytest.mark.django_db(transaction=True)
def test_the_officials_group_may_view_our_models_and_change_none():
    migrate(BEFORE)
    try:
        group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
        # As the demo left it: every permission of the domain apps.
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["organisations", "compact", "principles"]
            )
        )
        group.permissions.add(Permission.objects.get(codename="official"))
        # A new database has no view permissions yet when the migrations run.
        Permission.objects.filter(codename="view_planitem").delete()

        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        held = set(
            Group.objects.get(name=OFFICIALS_GROUP).permissions.values_list(
                "content_type__app_label", "codename"
            )
        )
        assert held == {("accounts", "official")} | {
            (app_label, f"view_{model_name}") for app_label, model_name in our_models()
        }
        assert Permission.objects.get(codename="view_planitem").name == "Can view plan item"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
