"""Workflows for organisations and their representatives. Views and tasks call these;
each takes the acting person as ``actor`` and checks the rule it acts under."""

from datetime import timedelta

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.rules import is_official
from core.models import ActionRecord
from organisations.invitations import invitation_pk_from_token
from organisations.models import Organisation, Representative, RepresentativeInvitation
from organisations.rules import (
    forget_representations,
    is_representative,
    remember_representations_among,
    remember_representations_of,
)
from organisations.tasks import send_representative_invitation, send_verification_decision


class InvitationError(Exception):
    """An invitation step that cannot be taken; the message is for the user, and ``field``
    names the form field it concerns (None: the form as a whole)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# Each invitation e-mail is one of these records: what the limits count.
INVITATION_SENT = ("organisations.representative.invited", "organisations.invitation.resent")
# pg_advisory_xact_lock's first key for "invitations to one address" (b"inv@" as an int); the
# second is the address's hashtext.
ADDRESS_LOCK_SPACE = int.from_bytes(b"inv@", "big", signed=True)


class DecisionError(Exception):
    """An official's decision that cannot be recorded; the message is for the official."""


class RegistrationError(Exception):
    """A registration that cannot be saved; the message is for the user."""


def registrations_awaiting_verification(user: User) -> int:
    """How many organisations the user registered are still awaiting verification, or were
    rejected and still hold their organisation number (the action log says who registered
    each, whoever represents it now): each holds a number no one else can register."""
    registered = ActionRecord.objects.filter(
        actor=user,
        action_type="organisations.organisation.registered",
        content_type=ContentType.objects.get_for_model(Organisation),
    )
    holding = Q(verification=Organisation.Verification.UNVERIFIED) | Q(
        verification=Organisation.Verification.REJECTED, organisation_number__isnull=False
    )
    return Organisation.objects.filter(holding, pk__in=registered.values("object_id")).count()


def registration_limit_reached(user: User) -> str | None:
    """Why the user may not register another organisation now, or None if they may."""
    limit = settings.REGISTRATIONS_AWAITING_VERIFICATION_PER_USER
    if registrations_awaiting_verification(user) < limit:
        return None
    return ngettext(
        "You have registered %(count)d organisation awaiting verification (or rejected and "
        "still holding its organisation number), as many as one account may. Register another "
        "when officials have verified it.",
        "You have registered %(count)d organisations awaiting verification (or rejected and "
        "still holding their organisation numbers), as many as one account may. Register "
        "another when officials have verified one of them.",
        limit,
    ) % {"count": limit}


@transaction.atomic
def organisation_register(*, actor: User, form) -> Organisation:
    """Save a registered organisation; its registrant becomes its first representative.
    One account has at most REGISTRATIONS_AWAITING_VERIFICATION_PER_USER registrations
    awaiting verification (RegistrationError)."""
    # One registration at a time per account, so parallel requests count each other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if reason := registration_limit_reached(actor):
        raise RegistrationError(reason)
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
    if not rules.has_perm("organisations.manage_organisation", actor, organisation):
        raise PermissionDenied
    identity_changed = [f for f in ("name", "organisation_number") if f in form.changed_data]
    # An official (not representing it) may correct the name; a representative's change is
    # reviewed again.
    back_to_review = (
        bool(identity_changed)
        and organisation.is_verified
        and is_representative(actor, organisation)
    )
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
    """Invite a colleague: an e-mail with a link. Inviting the same address again sends the
    open invitation again, at most once in 24 hours. Each e-mail is recorded in the action
    log, and the limits of the settings (per user, per organisation, per address) count
    those records."""
    if not rules.has_perm("organisations.manage_organisation", actor, organisation):
        raise PermissionDenied
    if may_sign and not rules.has_perm("organisations.grant_signing", actor, organisation):
        raise InvitationError(_("Only a representative who may sign can let others sign."))
    email = email.strip().lower()
    # One at a time per user, per organisation and per address (whatever its +tag), so
    # parallel requests count each other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _lock_address(address_for_limits(email))
    # Sent again only while it can still be accepted: a revoked, expired or void invitation
    # stays as it is, and the address gets a new one.
    invitation = next(
        (
            candidate
            for candidate in RepresentativeInvitation.objects.open()
            .filter(organisation=organisation, email__iexact=email)
            .select_related("organisation", "invited_by")
            if invitation_void_reason(candidate) is None
        ),
        None,
    )
    if (
        invitation is not None
        and invitation.may_sign
        and not rules.has_perm("organisations.grant_signing", actor, organisation)
    ):
        # Sending it again makes its link valid for two more weeks: as much as sending it.
        raise InvitationError(
            _(
                "%(email)s has an open invitation that lets them sign for the organisation: "
                "only a representative who may sign can send it again."
            )
            % {"email": email},
            field="email",
        )
    _ensure_invitation_may_be_sent(organisation=organisation, email=email, actor=actor)
    if invitation is None:
        invitation = RepresentativeInvitation.objects.create(
            organisation=organisation,
            email=email,
            may_sign=may_sign,
            invited_by=actor,
            sent_at=timezone.now(),
        )
        organisation.log_action(
            "organisations.representative.invited", actor=actor, data={"email": email}
        )
    else:
        invitation.sent_at = timezone.now()  # its new link is valid for as long again
        invitation.save(update_fields=["sent_at"])
        organisation.log_action(
            "organisations.invitation.resent", actor=actor, data={"email": email}
        )
    send_representative_invitation.delay_on_commit(invitation.pk, translation.get_language())
    return invitation


def address_for_limits(email: str) -> str:
    """The address the per-address limit counts: lower-cased and without its +tag, since
    kim+a@example.org and Kim+b@example.org reach the mailbox of kim@example.org."""
    local_part, _at, domain = email.strip().lower().rpartition("@")
    return f"{local_part.split('+', 1)[0]}@{domain}"


def _lock_address(address: str) -> None:
    """Let one transaction at a time invite this address (as address_for_limits gives it),
    until it commits, so that parallel invitations to it count each other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADDRESS_LOCK_SPACE, address]
            )


def _sent_to(records, address: str) -> int:
    """How many of these invitation e-mail records went to the address, by any +tag or
    case of it."""
    domain = address.rpartition("@")[2]
    emails = records.filter(data__email__iendswith=f"@{domain}").values_list(
        "data__email", flat=True
    )
    return sum(1 for email in emails if address_for_limits(email) == address)


def _ensure_invitation_may_be_sent(*, organisation: Organisation, email: str, actor: User):
    """Refuse an invitation e-mail beyond the limits, saying which one."""
    now = timezone.now()
    last_hour, last_day = now - timedelta(hours=1), now - timedelta(days=1)
    sent = ActionRecord.objects.filter(action_type__in=INVITATION_SENT)
    sent_for_organisation = sent.about(organisation)
    if sent_for_organisation.filter(data__email=email, at__gt=last_day).exists():
        raise InvitationError(
            _(
                "An invitation was already sent to %(email)s in the last 24 hours. "
                "It can be sent again tomorrow."
            )
            % {"email": email},
            field="email",
        )
    if (
        _sent_to(sent.filter(at__gt=last_day), address_for_limits(email))
        >= settings.INVITATIONS_PER_ADDRESS_PER_DAY
    ):
        raise InvitationError(
            _("This address has had too many invitations in the last 24 hours. Try tomorrow."),
            field="email",
        )
    limit = settings.INVITATIONS_PER_USER_PER_HOUR
    if sent.filter(actor=actor, at__gt=last_hour).count() >= limit:
        raise InvitationError(
            ngettext(
                "You have sent %(count)d invitation in the last hour, as many as the portal "
                "allows. Try again later.",
                "You have sent %(count)d invitations in the last hour, as many as the portal "
                "allows. Try again later.",
                limit,
            )
            % {"count": limit}
        )
    limit = settings.INVITATIONS_PER_ORGANISATION_PER_DAY
    if sent_for_organisation.filter(at__gt=last_day).count() >= limit:
        raise InvitationError(
            ngettext(
                "%(count)d invitation for this organisation in the last 24 hours is as many "
                "as the portal allows. Try again tomorrow.",
                "%(count)d invitations for this organisation in the last 24 hours are as many "
                "as the portal allows. Try again tomorrow.",
                limit,
            )
            % {"count": limit}
        )


def invitation_void_reason(invitation: RepresentativeInvitation) -> str | None:
    """Why the invitation is void because of its inviter, or None if it is not. Its inviter
    must still manage the organisation (a representative, or an official) and, for an
    invitation that lets its recipient sign, still be allowed to let others sign. The rules
    are asked when this is called (at acceptance), not when the invitation was sent."""
    inviter, organisation = invitation.invited_by, invitation.organisation
    if not rules.has_perm("organisations.manage_organisation", inviter, organisation):
        return _(
            "This invitation is no longer valid: the person who sent it can no longer invite "
            "anyone to the organisation. Ask one of its representatives for a new one."
        )
    if invitation.may_sign and not rules.has_perm(
        "organisations.grant_signing", inviter, organisation
    ):
        return _(
            "This invitation is no longer valid: the person who sent it may no longer let "
            "others sign for the organisation. Ask a representative who may sign for a new one."
        )
    return None


def valid_invitations(organisation: Organisation) -> list[RepresentativeInvitation]:
    """The organisation's invitations that can still be accepted, newest first: open ones
    (neither accepted, revoked nor expired) whose inviter may still invite. The rules are
    asked once per inviter, whose representations are looked up together: the number of
    queries does not grow with the number of invitations."""
    invitations = list(organisation.invitations.open().select_related("invited_by"))
    inviters = {}
    for invitation in invitations:
        invitation.organisation = organisation
        invitation.invited_by = inviters.setdefault(invitation.invited_by_id, invitation.invited_by)
    remember_representations_of(inviters.values(), organisation)
    return [invitation for invitation in invitations if invitation_void_reason(invitation) is None]


@transaction.atomic
def invitation_revoke(
    *, invitation: RepresentativeInvitation, actor: User
) -> RepresentativeInvitation:
    """Revoke an invitation not yet accepted: its link no longer admits anyone. The row stays,
    with who revoked it and when. Revoking an invitation that lets its recipient sign needs
    ``organisations.grant_signing``, as sending one does."""
    # Under the lock that acceptance takes too: revoked or accepted, never both.
    invitation = RepresentativeInvitation.objects.select_for_update().get(pk=invitation.pk)
    organisation = invitation.organisation
    if not rules.has_perm("organisations.manage_organisation", actor, organisation):
        raise PermissionDenied
    if invitation.may_sign and not rules.has_perm(
        "organisations.grant_signing", actor, organisation
    ):
        raise InvitationError(
            _("Only a representative who may sign can revoke an invitation that lets others sign.")
        )
    if invitation.accepted_at:
        raise InvitationError(
            _("%(email)s has already accepted the invitation: it can no longer be revoked.")
            % {"email": invitation.email}
        )
    if invitation.revoked_at:
        raise InvitationError(
            _("The invitation to %(email)s has already been revoked.") % {"email": invitation.email}
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    organisation.log_action(
        "organisations.invitation.revoked",
        actor=actor,
        data={"email": invitation.email, "may_sign": invitation.may_sign},
    )
    return invitation


def invitation_for_token(token: str, *, lock: bool = False) -> RepresentativeInvitation:
    """The invitation a link's token names (locked for the transaction with ``lock``), or
    InvitationError when the token is not valid or has expired."""
    try:
        invitation_pk = invitation_pk_from_token(token)
    except signing.SignatureExpired as error:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise InvitationError(_("This invitation link is not valid.")) from error
    invitations = RepresentativeInvitation.objects.all()
    invitations = (
        invitations.select_for_update()
        if lock
        else invitations.select_related("organisation", "invited_by")
    )
    invitation = invitations.filter(pk=invitation_pk).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    return invitation


def invitation_refusal(invitation: RepresentativeInvitation, user: User) -> str | None:
    """Why ``user`` cannot accept the invitation now, or None if they can: it was sent to
    another address, accepted already, revoked, expired, or its inviter can no longer invite
    to it. Asked when the page is shown and again, under locks, when it is accepted."""
    if invitation.email.lower() != user.email.lower():
        return _("This invitation was sent to another e-mail address. Sign in as %(email)s.") % {
            "email": invitation.email
        }
    if invitation.accepted_at:
        return _("This invitation has already been used.")
    if invitation.revoked_at:
        return _("This invitation has been withdrawn. Ask for a new one if you still need it.")
    if invitation.is_expired:
        return _("This invitation has expired. Ask for a new one.")
    return invitation_void_reason(invitation)


def invitations_for(user: User) -> list[RepresentativeInvitation]:
    """The invitations sent to the user's address that they can accept now, newest first,
    with their organisation and inviter."""
    invitations = list(
        RepresentativeInvitation.objects.open()
        .filter(email__iexact=user.email)
        .select_related("organisation", "invited_by")
    )
    # Each inviter's rights asked once, their representations looked up together: the
    # number of queries does not grow with the number of invitations.
    inviters = {}
    for invitation in invitations:
        invitation.invited_by = inviters.setdefault(invitation.invited_by_id, invitation.invited_by)
    remember_representations_among(
        inviters.values(), {i.organisation_id: i.organisation for i in invitations}.values()
    )
    return [invitation for invitation in invitations if invitation_void_reason(invitation) is None]


@transaction.atomic
def representative_accept(*, token: str, actor: User) -> Representative:
    """Accept an invitation as the user it was sent to. Refused (InvitationError) when it was
    accepted already, revoked, expired, or its inviter can no longer invite to it."""
    invitation = invitation_for_token(token, lock=True)
    # Under the lock that removing a representative takes: the inviter's rights as they are.
    invitation.organisation = Organisation.objects.select_for_update().get(
        pk=invitation.organisation_id
    )
    if reason := invitation_refusal(invitation, actor):
        raise InvitationError(reason)
    representation, _created = Representative.objects.get_or_create(
        organisation=invitation.organisation,
        user=actor,
        defaults={"may_sign": invitation.may_sign},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_representations(actor)
    invitation.organisation.log_action("organisations.invitation.accepted", actor=actor)
    return representation


@transaction.atomic
def representative_remove(*, representation: Representative, actor: User) -> None:
    """Remove a representative. Only someone who may sign (or an official) can remove someone
    who may; the organisation keeps at least one representative (concurrent removals
    included)."""
    organisation = Organisation.objects.select_for_update().get(pk=representation.organisation_id)
    forget_representations(actor)  # the rules read the rows as they are under the lock
    if not rules.has_perm("organisations.manage_organisation", actor, organisation):
        raise PermissionDenied
    if representation.may_sign and not rules.has_perm(
        "organisations.grant_signing", actor, organisation
    ):
        raise InvitationError(_("Only a representative who may sign can remove one who may."))
    if organisation.representatives.count() <= 1:
        raise InvitationError(_("An organisation must keep at least one representative."))
    organisation.log_action(
        "organisations.representative.removed",
        actor=actor,
        data={"email": representation.user.email},
    )
    representation.delete()
    forget_representations(actor)


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
    if verification == Organisation.Verification.VERIFIED and not locked.organisation_number:
        raise DecisionError(
            _(
                "%(name)s has no organisation number: it can be verified when a representative "
                "has entered one."
            )
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
    *,
    organisation: Organisation,
    actor: User,
    seen_version: str | None = None,
    notify: bool = True,
) -> None:
    """Verify the organisation; its representatives are told by e-mail (unless ``notify`` is
    False: a caller that tells them itself, such as an approved written application)."""
    organisation = _decide(
        organisation,
        actor=actor,
        verification=Organisation.Verification.VERIFIED,
        note="",
        seen_version=seen_version,
    )
    organisation.log_action("organisations.organisation.verified", actor=actor)
    if notify:
        _notify_verification(organisation)


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
    _notify_verification(organisation)


def _notify_verification(organisation: Organisation) -> None:
    # To the representatives, whose language the official does not know: the portal's.
    send_verification_decision.delay_on_commit(
        organisation.pk, organisation.verification, settings.LANGUAGE_CODE
    )


@transaction.atomic
def organisation_release_number(*, organisation: Organisation, actor: User) -> str:
    """Free the organisation number that an unverified or rejected registration holds, so
    the organisation it belongs to can register it. The registration stays, without a
    number, and cannot be verified until a representative enters one; the action log keeps
    the released number. A verified organisation keeps its number (DecisionError)."""
    if not is_official(actor):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_verified:
        raise DecisionError(
            _("%(name)s is verified: its organisation number cannot be released.")
            % {"name": organisation.name}
        )
    number = organisation.organisation_number
    if not number:
        raise DecisionError(
            _("%(name)s holds no organisation number.") % {"name": organisation.name}
        )
    organisation.organisation_number = None
    organisation.save(update_fields=["organisation_number", "updated_at"])
    organisation.log_action(
        "organisations.organisation.number_released", actor=actor, data={"number": number}
    )
    return number
