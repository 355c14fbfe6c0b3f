"""Workflows for organisations and their representatives. Views and tasks call these;
each takes the acting person as ``actor`` and checks the rule it acts under."""

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import is_official
from organisations.invitations import invitation_pk_from_token
from organisations.models import Organisation, Representative, RepresentativeInvitation
from organisations.tasks import send_representative_invitation


class InvitationError(Exception):
    pass


class DecisionError(Exception):
    """An official's decision that cannot be recorded; the message is for the official."""


@transaction.atomic
def organisation_register(*, actor: User, form) -> Organisation:
    """Save a registered organisation; its registrant becomes its first representative."""
    organisation = form.save()
    Representative.objects.create(
        organisation=organisation, user=actor, is_contact_person=True, may_sign=True
    )
    organisation.log_action("organisations.organisation.registered", actor=actor)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, form) -> bool:
    """Save a changed profile. A verified organisation that a representative renames or
    gives another number goes back to officials for review (it leaves the public list until
    verified again), so no one can take another organisation's place. True if it did."""
    organisation = form.instance
    if not actor.has_perm("organisations.manage_organisation", organisation):
        raise PermissionDenied
    identity_changed = [f for f in ("name", "organisation_number") if f in form.changed_data]
    back_to_review = bool(identity_changed) and organisation.is_verified and not is_official(actor)
    if back_to_review:
        organisation.verification = Organisation.Verification.UNVERIFIED
    form.save()
    if identity_changed:
        organisation.log_action(
            "organisations.organisation.changed",
            actor=actor,
            data={f: [form.initial.get(f), form.cleaned_data[f]] for f in identity_changed},
        )
    return back_to_review


@transaction.atomic
def representative_invite(
    *, organisation: Organisation, email: str, may_sign: bool, actor: User
) -> RepresentativeInvitation:
    """Invite a colleague. Inviting the same address again returns the open invitation."""
    if not actor.has_perm("organisations.manage_organisation", organisation):
        raise PermissionDenied
    if may_sign and not actor.has_perm("organisations.grant_signing", organisation):
        raise InvitationError(_("Only a representative who may sign can let others sign."))
    invitation = RepresentativeInvitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).first()
    if invitation is None:
        invitation = RepresentativeInvitation.objects.create(
            organisation=organisation, email=email, may_sign=may_sign, invited_by=actor
        )
        organisation.log_action(
            "organisations.representative.invited", actor=actor, data={"email": email}
        )
    send_representative_invitation.delay_on_commit(invitation.pk, translation.get_language())
    return invitation


@transaction.atomic
def representative_accept(*, token: str, actor: User) -> Representative:
    try:
        invitation_pk = invitation_pk_from_token(token)
    except signing.SignatureExpired as error:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise InvitationError(_("This invitation link is not valid.")) from error
    invitation = (
        RepresentativeInvitation.objects.select_for_update().filter(pk=invitation_pk).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.email.lower() != actor.email.lower():
        raise InvitationError(
            _("This invitation was sent to another e-mail address. Sign in as %(email)s.")
            % {"email": invitation.email}
        )
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used."))
    representation, _created = Representative.objects.get_or_create(
        organisation=invitation.organisation,
        user=actor,
        defaults={"may_sign": invitation.may_sign},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    invitation.organisation.log_action("organisations.invitation.accepted", actor=actor)
    return representation


@transaction.atomic
def representative_remove(*, representation: Representative, actor: User) -> None:
    """Remove a representative. Only someone who may sign (or an official) can remove someone
    who may; the organisation keeps at least one representative (concurrent removals
    included)."""
    organisation = Organisation.objects.select_for_update().get(pk=representation.organisation_id)
    if not actor.has_perm("organisations.manage_organisation", organisation):
        raise PermissionDenied
    if representation.may_sign and not actor.has_perm("organisations.grant_signing", organisation):
        raise InvitationError(_("Only a representative who may sign can remove one who may."))
    if organisation.representatives.count() <= 1:
        raise InvitationError(_("An organisation must keep at least one representative."))
    organisation.log_action(
        "organisations.representative.removed",
        actor=actor,
        data={"email": representation.user.email},
    )
    representation.delete()


def review_version(organisation: Organisation) -> str:
    """What an official saw: any change to the organisation since gives another version."""
    return organisation.updated_at.isoformat()


def _decide(
    organisation: Organisation,
    *,
    actor: User,
    verification: str,
    note: str,
    seen_version: str | None,
) -> Organisation:
    """Record an official's decision on the organisation as the official saw it: with
    ``seen_version``, refused if the organisation changed after the page was opened."""
    if not is_official(actor):
        raise PermissionDenied
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if seen_version is not None and review_version(locked) != seen_version:
        raise DecisionError(
            _("%(name)s was changed after you opened it. Review it again, then decide.")
            % {"name": locked.name}
        )
    locked.verification = verification
    locked.verification_note = note
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.save(
        update_fields=[
            "verification",
            "verification_note",
            "verified_by",
            "verified_at",
            "updated_at",  # a decision is a change: a page opened before it is out of date
        ]
    )
    return locked


@transaction.atomic
def organisation_verify(
    *, organisation: Organisation, actor: User, seen_version: str | None = None
) -> None:
    organisation = _decide(
        organisation,
        actor=actor,
        verification=Organisation.Verification.VERIFIED,
        note="",
        seen_version=seen_version,
    )
    organisation.log_action("organisations.organisation.verified", actor=actor)


@transaction.atomic
def organisation_reject(
    *, organisation: Organisation, actor: User, reason: str, seen_version: str | None = None
) -> None:
    organisation = _decide(
        organisation,
        actor=actor,
        verification=Organisation.Verification.REJECTED,
        note=reason,
        seen_version=seen_version,
    )
    organisation.log_action(
        "organisations.organisation.rejected", actor=actor, data={"reason": reason}
    )
