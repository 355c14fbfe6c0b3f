"""The portal's FilterSet: django-filter's, with its form class built once per language."""

import functools

import django_filters
from django import forms
from django.utils.translation import get_language
from django_filters.fields import ModelChoiceIterator

from core.data_version import data_version, kept_by_data_version
from core.kept_queries import kept_rows


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A filter's model choices read with one plain query, kept under the data version
    (core/data_version.py: read again after any write). Django reads them through
    ``QuerySet.iterator()``, on PostgreSQL a server-side cursor: DECLARE, FETCH and CLOSE,
    and outside a transaction a cursor WITH HOLD (1 ms more than the query for the two
    versions of the signature list's filter). A filter's options are few, and the kept
    instances are shared: not to be changed."""

    def __init__(self, field, *, kept_as):
        super().__init__(field)
        self.kept_as = kept_as  # the filter's kept query's key (FilterSet.get_form_class)

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        queryset = self.queryset
        for obj in kept_by_data_version(
            self.kept_as,
            data_version(queryset.db),
            lambda: kept_rows(self.kept_as, queryset.all),
            using=queryset.db,
        ):
            yield self.choice(obj)


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, building its form class once per class and language instead
    of on every request (django-filter makes a new Form class from copies of the filters'
    fields each time, which cost more than the rest of a filter form). Per language: a
    filter made from a model field (``Meta.fields``) has its label translated when its field
    is made. Each form still gets its own copies of the fields (Django's forms copy them, and
    a model choice field its queryset, per form). Not for a filter whose field depends on the
    request (a queryset given as a callable of it): its first request's would be kept. Its
    model choices are read with ListedModelChoiceIterator, by a query kept per filter
    (core.kept_queries): a form that narrows a field's queryset per request must not be
    built on this class. The choices are kept under the data version too
    (core/data_version.py): read again after any write."""

    def get_form_class(self):
        cls = type(self)
        form_classes = cls.__dict__.get("_form_classes")
        if form_classes is None:
            form_classes = cls._form_classes = {}
        language = get_language()
        form_class = form_classes.get(language)
        if form_class is None:
            form_class = super().get_form_class()
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    field.iterator = functools.partial(
                        ListedModelChoiceIterator,
                        kept_as=(f"{cls.__module__}.{cls.__qualname__}", name),
                    )
                    field.widget.choices = field.choices  # as the field's own setter does
            form_classes[language] = form_class
        return form_class
