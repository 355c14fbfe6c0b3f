"""Workflows for organisations and their representatives. Views and tasks call these."""

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import ActionRecord
from accounts.records import record_action
from organisations.models import Organisation, Representative, RepresentativeInvitation

INVITATION_SALT = "organisations.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks


class InvitationError(Exception):
    pass


@transaction.atomic
def organisation_register(*, user, form) -> Organisation:
    """Save a registered organisation; its registrant becomes its first representative."""
    organisation = form.save()
    Representative.objects.create(
        organisation=organisation, user=user, is_contact_person=True, may_sign=True
    )
    record_action(
        actor=user, action=ActionRecord.Action.ORGANISATION_REGISTERED, subject=organisation
    )
    return organisation


@transaction.atomic
def organisation_update(*, form, by, by_official: bool) -> bool:
    """Save a changed profile. A verified organisation that a representative renames or
    gives another number goes back to officials for review (it leaves the public list until
    verified again), so no one can take another organisation's place. True if it did."""
    organisation = form.instance
    identity_changed = bool({"name", "organisation_number"} & set(form.changed_data))
    back_to_review = identity_changed and organisation.is_verified and not by_official
    if back_to_review:
        organisation.verification = Organisation.Verification.UNVERIFIED
    form.save()
    if identity_changed:
        record_action(
            actor=by,
            action=ActionRecord.Action.ORGANISATION_CHANGED,
            subject=organisation,
            detail=", ".join(
                f"{f}: {form.initial.get(f)} → {form.cleaned_data[f]}"
                for f in ("name", "organisation_number")
                if f in form.changed_data
            ),
        )
    return back_to_review


def invitation_token(invitation: RepresentativeInvitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def representative_invite(*, organisation, email, may_sign, invited_by) -> RepresentativeInvitation:
    """Invite a colleague. Inviting the same address again returns the open invitation."""
    from organisations.tasks import send_representative_invitation

    invitation = RepresentativeInvitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).first()
    if invitation is None:
        invitation = RepresentativeInvitation.objects.create(
            organisation=organisation, email=email, may_sign=may_sign, invited_by=invited_by
        )
        record_action(
            actor=invited_by,
            action=ActionRecord.Action.REPRESENTATIVE_INVITED,
            subject=organisation,
            detail=email,
        )
    send_representative_invitation.delay_on_commit(invitation.pk, translation.get_language())
    return invitation


@transaction.atomic
def representative_accept(*, token: str, user) -> Representative:
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise InvitationError(_("This invitation link is not valid.")) from error
    invitation = (
        RepresentativeInvitation.objects.select_for_update()
        .filter(pk=data.get("invitation"))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            _("This invitation was sent to another e-mail address. Sign in as %(email)s.")
            % {"email": invitation.email}
        )
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used."))
    representation, _created = Representative.objects.get_or_create(
        organisation=invitation.organisation,
        user=user,
        defaults={"may_sign": invitation.may_sign},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_action(
        actor=user, action=ActionRecord.Action.INVITATION_ACCEPTED, subject=invitation.organisation
    )
    return representation


@transaction.atomic
def representative_remove(*, representation: Representative, by, by_may_sign: bool) -> None:
    """Remove a representative. Only someone who may sign can remove someone who may; the
    organisation keeps at least one representative (concurrent removals included)."""
    organisation = Organisation.objects.select_for_update().get(pk=representation.organisation_id)
    if representation.may_sign and not by_may_sign:
        raise InvitationError(_("Only a representative who may sign can remove one who may."))
    if organisation.representatives.count() <= 1:
        raise InvitationError(_("An organisation must keep at least one representative."))
    record_action(
        actor=by,
        action=ActionRecord.Action.REPRESENTATIVE_REMOVED,
        subject=organisation,
        detail=representation.user.email,
    )
    representation.delete()


def organisation_verify(*, organisation: Organisation, official) -> None:
    organisation.verification = Organisation.Verification.VERIFIED
    organisation.verification_note = ""
    organisation.verified_by = official
    organisation.verified_at = timezone.now()
    organisation.save(
        update_fields=["verification", "verification_note", "verified_by", "verified_at"]
    )
    record_action(
        actor=official, action=ActionRecord.Action.ORGANISATION_VERIFIED, subject=organisation
    )


def organisation_reject(*, organisation: Organisation, official, reason: str) -> None:
    organisation.verification = Organisation.Verification.REJECTED
    organisation.verification_note = reason
    organisation.verified_by = official
    organisation.verified_at = timezone.now()
    organisation.save(
        update_fields=["verification", "verification_note", "verified_by", "verified_at"]
    )
    record_action(
        actor=official,
        action=ActionRecord.Action.ORGANISATION_REJECTED,
        subject=organisation,
        detail=reason,
    )
