"""Access to an organisation's own pages: the view's permission is a rule of
``organisations/rules.py`` (or ``compact/rules.py``) checked against the organisation."""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from core.access import REPRESENTATIVE, mark_policy, second_factor_redirect
from core.kept_queries import kept_rows
from organisations.models import Organisation, Representative
from organisations.rules import is_representative, remember_representations


def organisation_for(user, organisation_pk) -> Organisation:
    """The organisation (404 if there is none), with the user's representation of it read
    in the same query and remembered for the request's rules: a representative's pages
    read both on every request."""
    remember_representations(user)
    if user.is_authenticated:
        organisation_pk = int(organisation_pk)
        representations = kept_rows(
            "organisations.representation",
            lambda organisation_pk, user_pk: (
                Representative.objects.select_related("organisation")
                .filter(organisation_id=organisation_pk, user_id=user_pk)
                .order_by()[:1]
            ),  # one at most (unique together)
            organisation_pk,
            user.pk,
        )
        if representations:
            representation = representations[0]
            user._representations[representation.organisation_id] = representation
            return representation.organisation
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if user.is_authenticated:
        user._representations[organisation.pk] = None
    return organisation


def for_organisation(permission: str = "organisations.manage_organisation"):
    """The view receives ``organisation`` (from the ``organisation_pk`` URL argument) when the
    user holds ``permission`` on it. Anyone else is refused (403) and nothing is read or
    changed. An official acting on an organisation they do not represent must have used
    the second factor in this session, as in the back office."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, organisation_pk, *args, **kwargs):
            organisation = organisation_for(request.user, organisation_pk)
            if not rules.has_perm(permission, request.user, organisation):
                raise PermissionDenied
            official_acting = not is_representative(request.user, organisation)
            if official_acting and (detour := second_factor_redirect(request)):
                return detour
            return view(request, *args, organisation=organisation, **kwargs)

        return mark_policy(wrapped, REPRESENTATIVE)

    return decorate
