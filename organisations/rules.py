"""Who may do what for an organisation: one rule per permission, used by views
(``organisations/access.py``), templates (through their view) and services alike.

Check them with ``rules.has_perm(name, user, organisation)``, not ``user.has_perm``:
Django answers every permission with yes for a superuser before any rule is asked, and an
administrator does not sign for organisations they do not represent."""

import rules

from accounts.rules import is_official
from organisations.models import Representative


def representation_of(user, organisation) -> Representative | None:
    """The user's Representative row for the organisation, or None. Within a request the
    page's rules ask once: ``remember_representations`` keeps the answer on request.user."""
    if not user.is_authenticated or organisation is None:
        return None
    remembered = getattr(user, "_representations", None)
    if remembered is not None and organisation.pk in remembered:
        return remembered[organisation.pk]
    representation = Representative.objects.filter(organisation=organisation, user=user).first()
    if remembered is not None:
        remembered[organisation.pk] = representation
    return representation


def forget_representations(user) -> None:
    """After a service changed who represents what."""
    user.__dict__.pop("_representations", None)


def remember_representations(user) -> None:
    """For one request: look each organisation's representation up once."""
    if user.is_authenticated and not hasattr(user, "_representations"):
        user._representations = {}


def remember_representations_of(users, organisation) -> None:
    """For rules asked about many users and one organisation (the inviters of its
    invitations): their representations are looked up together, in one query."""
    users = [user for user in users if user.is_authenticated]
    if not users or organisation is None:
        return
    found = {
        representation.user_id: representation
        for representation in Representative.objects.filter(
            organisation=organisation, user__in=users
        )
    }
    for user in users:
        remember_representations(user)
        user._representations[organisation.pk] = found.get(user.pk)


def remember_representations_among(users, organisations) -> None:
    """remember_representations_of for several organisations (the invitations waiting for one
    person): every user's representation of each, looked up in one query."""
    users = [user for user in users if user.is_authenticated]
    organisations = [organisation for organisation in organisations if organisation is not None]
    if not users or not organisations:
        return
    found = {
        (representation.user_id, representation.organisation_id): representation
        for representation in Representative.objects.filter(
            organisation__in=organisations, user__in=users
        )
    }
    for user in users:
        remember_representations(user)
        for organisation in organisations:
            user._representations[organisation.pk] = found.get((user.pk, organisation.pk))


@rules.predicate
def is_representative(user, organisation) -> bool:
    return representation_of(user, organisation) is not None


@rules.predicate
def is_signer(user, organisation) -> bool:
    """A representative who may sign for the organisation."""
    representation = representation_of(user, organisation)
    return representation is not None and representation.may_sign


# See and edit the organisation's details, its representatives and its documents.
rules.add_perm("organisations.manage_organisation", is_representative | is_official)
# Sign the compact for the organisation, online, and withdraw its signature.
rules.add_perm("organisations.sign_for_organisation", is_signer)
# Let others sign, and remove a representative who may sign: a signer, or an official acting
# on an organisation they do not represent (in the back office, with the second factor).
rules.add_perm("organisations.grant_signing", is_signer | (is_official & ~is_representative))
