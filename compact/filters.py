import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from compact.models import Signature
from core.filters import FilterSet
from organisations.models import ActivityArea, Organisation


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class SignatoryFilter(FilterSet):
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
