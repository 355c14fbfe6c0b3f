"""The portal's FilterSet: django-filter's, with its form class built once per filter set."""

import django_filters


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, building its form class once per class instead of on every
    request (django-filter makes a new Form class from copies of the filters' fields each
    time, which cost more than the rest of a filter form). The class is built from the
    declared filters' fields; each form still gets its own copies of them (Django's forms
    copy their fields, and a model choice field its queryset, per form)."""

    @classmethod
    def _kept_form_class(cls):
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._form_class = form_class
        return form_class

    def get_form_class(self):
        return self._kept_form_class()
