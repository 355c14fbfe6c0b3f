import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compact.models import Agreement, Signature
from core.filters import FilterSet
from organisations.models import Organisation


class OrganisationFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name or organisation number"), method="search")
    verification = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Organisation.Verification.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = Organisation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(organisation_number__contains=value))


class SignatureFilter(FilterSet):
    # The versions' labels only (str(): title and version), not their preambles.
    agreement = django_filters.ModelChoiceFilter(
        queryset=Agreement.objects.only("pk", "title", "version_label")
    )
    q = django_filters.CharFilter(
        label=_("Organisation"), field_name="organisation__name", lookup_expr="icontains"
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Signature.Channel.choices, empty_label=_("All channels")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("effective", _("Effective")), ("withdrawn", _("Withdrawn"))],
        method="filter_state",
        empty_label=_("All"),
    )

    class Meta:
        model = Signature
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(withdrawn_at__isnull=(value == "effective"))
