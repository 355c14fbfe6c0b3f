"""Access for an organisation's own representatives (and officials)."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.access import REPRESENTATIVE, _mark, second_factor_redirect
from organisations.models import Organisation, Representative


def representative(view=None, *, may_sign=False, officials=True):
    """The view receives ``organisation`` (from the ``organisation_pk`` URL argument) and
    ``representation`` (the user's Representative row, or None for an official).

    Anyone else is refused (403) and nothing is read or changed."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, organisation_pk, *args, **kwargs):
            organisation = get_object_or_404(Organisation, pk=organisation_pk)
            representation = Representative.objects.filter(
                organisation=organisation, user=request.user
            ).first()
            if representation is None:
                if not (officials and request.user.is_official):
                    raise PermissionDenied
                # An official acting on any organisation: the officials' area's rule.
                if detour := second_factor_redirect(request):
                    return detour
            if may_sign and not (representation and representation.may_sign):
                raise PermissionDenied
            return view(
                request, *args, organisation=organisation, representation=representation, **kwargs
            )

        return _mark(wrapped, REPRESENTATIVE)

    return decorate(view) if view is not None else decorate
