import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compact.models import Signature
from organisations.models import ActivityArea, Organisation


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class SignatoryFilter(django_filters.FilterSet):
    """The public signatory list's search, filters and order. The CSV uses the same."""

    q = django_filters.CharFilter(
        label=_("Search by name"), field_name="organisation__name", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        field_name="organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label=_("All kinds"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area of activity"),
        field_name="organisation__activity_areas",
        queryset=ActivityArea.objects.all(),
        to_field_name="slug",
        empty_label=_("All areas"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("How they signed"),
        choices=Signature.Channel.choices,
        empty_label=_("All channels"),
    )
    year = YearFilter(
        label=_("Year signed"),
        field_name="signed_at",
        lookup_expr="year",
        min_value=1990,
        max_value=2100,
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("organisation__name", "name"), ("signed_at", "date")),
        field_labels={
            "organisation__name": _("Name, A to Z"),
            "-name": _("Name, Z to A"),
            "signed_at": _("Date signed, oldest first"),
            "-date": _("Date signed, newest first"),
        },
        empty_label=None,
    )

    class Meta:
        model = Signature
        fields = []


class OfficialOrganisationFilter(django_filters.FilterSet):
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


class OfficialSignatureFilter(django_filters.FilterSet):
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
        fields = ["agreement"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(withdrawn_at__isnull=(value == "effective"))
