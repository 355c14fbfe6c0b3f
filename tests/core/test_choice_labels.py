"""get_FOO_display() gives what Django's gives, translating only the label it returns."""

import pytest
from django.db.models import Model
from django.utils import translation

from compact.models import Signature
from core.models import ChoiceLabels
from organisations.models import Organisation


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("kind", [*Organisation.Kind.values, "no-such-kind", ""])
def test_the_label_django_gives(language, kind):
    organisation = Organisation(kind=kind)
    with translation.override(language):
        ours = organisation.get_kind_display()
        assert ours == Model._get_FIELD_display(organisation, Organisation._meta.get_field("kind"))
        assert isinstance(ours, str)


def test_each_model_with_choices_in_lists():
    with translation.override("en"):
        assert Signature(channel=Signature.Channel.ONLINE).get_channel_display() == str(
            Signature.Channel.ONLINE.label
        )
        assert Organisation(verification="verified").get_verification_display() == "Verified"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_commitments_and_plan_items_too(language):
    """Their parties are shown on every row of a year's follow-up (210 in the benchmark)."""
    from principles.models import Commitment, Party, PlanItem

    with translation.override(language):
        for party in [*Party.values, ""]:
            for instance, field in (
                (Commitment(party=party), "party"),
                (PlanItem(owner=party), "owner"),
            ):
                ours = getattr(instance, f"get_{field}_display")()
                django = Model._get_FIELD_display(instance, type(instance)._meta.get_field(field))
                assert ours == django and isinstance(ours, str)
    assert issubclass(Commitment, ChoiceLabels) and issubclass(PlanItem, ChoiceLabels)
