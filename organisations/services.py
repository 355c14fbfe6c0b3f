"""Workflows for organisations and their representatives. Views and tasks call these."""

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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
    record_action(actor=user, action="organisation registered", subject=organisation)
    return organisation


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
            actor=invited_by, action="representative invited", subject=organisation, detail=email
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
    record_action(actor=user, action="invitation accepted", subject=invitation.organisation)
    return representation


@transaction.atomic
def representative_remove(*, representation: Representative, by) -> None:
    organisation = representation.organisation
    if organisation.representatives.count() <= 1:
        raise InvitationError(_("An organisation must keep at least one representative."))
    record_action(
        actor=by,
        action="representative removed",
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
    record_action(actor=official, action="organisation verified", subject=organisation)


def organisation_reject(*, organisation: Organisation, official, reason: str) -> None:
    organisation.verification = Organisation.Verification.REJECTED
    organisation.verification_note = reason
    organisation.verified_by = official
    organisation.verified_at = timezone.now()
    organisation.save(
        update_fields=["verification", "verification_note", "verified_by", "verified_at"]
    )
    record_action(
        actor=official, action="organisation rejected", subject=organisation, detail=reason
    )
