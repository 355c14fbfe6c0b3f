"""Signing the compact: online, by written application, and withdrawing. Views and tasks
call these; they keep fact 3 and 4 of the domain true (history kept, one effective
signature per organisation and version, enforced by the database). Each takes the acting
person as ``actor`` and checks the rule (``compact/rules.py``) it acts under."""

import datetime

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import is_official
from compact.models import Agreement, Signature, WrittenApplication
from compact.tasks import send_application_decision, send_signature_receipt
from organisations.models import Organisation
from organisations.services import DecisionError, organisation_verify


class SigningError(Exception):
    """A signing step that cannot be taken; the message is for the user."""


def _lock_organisation(organisation: Organisation) -> Organisation:
    # Serialises concurrent signing for one organisation: the second waits here,
    # then sees the first one's signature.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _ensure_may_join(organisation, agreement):
    if organisation.verification == Organisation.Verification.REJECTED:
        raise SigningError(
            _(
                "Officials have not accepted %(organisation)s as a civil-society organisation: %(reason)s"
            )
            % {"organisation": organisation.name, "reason": organisation.verification_note}
        )
    _ensure_not_signed(organisation, agreement)


def _ensure_not_signed(organisation, agreement):
    if (
        Signature.objects.effective()
        .filter(organisation=organisation, agreement=agreement)
        .exists()
    ):
        raise SigningError(
            _("%(organisation)s has already signed this version of the compact.")
            % {"organisation": organisation.name}
        )


def _create_signature(**fields) -> Signature:
    try:
        with transaction.atomic():
            return Signature.objects.create(**fields)
    except IntegrityError as error:  # the database's constraint, the last line of defence
        raise SigningError(_("The organisation has already signed this version.")) from error


@transaction.atomic
def signature_sign_online(
    *,
    organisation: Organisation,
    agreement: Agreement,
    actor: User,
    signer_name: str,
    signer_role: str,
    authority: str,
    board_decision_on=None,
) -> Signature:
    if not rules.has_perm("organisations.sign_for_organisation", actor, organisation):
        raise PermissionDenied
    if agreement.status != Agreement.Status.ADOPTED:
        raise SigningError(_("Only the version in force can be signed."))
    organisation = _lock_organisation(organisation)
    _ensure_may_join(organisation, agreement)
    signature = _create_signature(
        organisation=organisation,
        agreement=agreement,
        channel=Signature.Channel.ONLINE,
        signer_name=signer_name,
        signer_role=signer_role,
        authority=authority,
        board_decision_on=board_decision_on
        if authority == Signature.Authority.BOARD_DECISION
        else None,
        signed_by=actor,
    )
    signature.log_action("compact.signature.signed_online", actor=actor)
    send_signature_receipt.delay_on_commit(signature.pk, translation.get_language())
    return signature


def _paper_signing_time(signed_on: datetime.date | None) -> datetime.datetime:
    """When a paper (signed at a forum, or a written application) counts as signed: now if
    it is recorded on the day, otherwise noon (Europe/Stockholm) on the day it was signed.
    Never in the future."""
    today = timezone.localdate()
    if signed_on is None or signed_on == today:
        return timezone.now()
    if signed_on > today:
        raise SigningError(_("The date of signing cannot be in the future."))
    return timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12)))


@transaction.atomic
def signature_sign_at_forum(
    *,
    organisation: Organisation,
    agreement: Agreement,
    actor: User,
    signer_name: str,
    signer_role: str,
    signed_on: datetime.date | None = None,
) -> Signature:
    """An official records a signature made on paper at a dialogue forum (channel "forum"),
    with the signer's name and role as on the paper. The same checks as online signing: the
    version in force, an organisation officials have not rejected, one effective signature
    per organisation and version. Which forum is recorded by the caller (dialogues links the
    signature to its meeting in the same transaction)."""
    if not is_official(actor):
        raise PermissionDenied
    if agreement.status != Agreement.Status.ADOPTED:
        raise SigningError(_("Only the version in force can be signed."))
    signed_at = _paper_signing_time(signed_on)
    organisation = _lock_organisation(organisation)
    _ensure_may_join(organisation, agreement)
    signature = _create_signature(
        organisation=organisation,
        agreement=agreement,
        channel=Signature.Channel.FORUM,
        signer_name=signer_name,
        signer_role=signer_role,
        signed_at=signed_at,
    )
    signature.log_action(
        "compact.signature.signed_at_forum",
        actor=actor,
        data={"signer": signer_name, "role": signer_role},
    )
    # To the organisation's representatives, whose language the official does not know.
    send_signature_receipt.delay_on_commit(signature.pk, settings.LANGUAGE_CODE)
    return signature


@transaction.atomic
def application_submit(
    *,
    organisation: Organisation,
    agreement: Agreement,
    actor: User,
    document,
    signatory_name: str,
    signatory_role: str,
    signed_on: datetime.date,
    message: str = "",
) -> WrittenApplication:
    """Submit a signed application (a PDF) with who signed it and when, as on the paper."""
    if not rules.has_perm("compact.submit_application", actor, organisation):
        raise PermissionDenied
    if agreement.status != Agreement.Status.ADOPTED:
        raise SigningError(_("Only the version in force can be joined."))
    _ensure_signatory(signatory_name, signatory_role, signed_on)
    organisation = _lock_organisation(organisation)
    _ensure_may_join(organisation, agreement)
    if organisation.written_applications.filter(
        agreement=agreement, status=WrittenApplication.Status.PENDING
    ).exists():
        raise SigningError(_("An application from the organisation is already awaiting review."))
    application = WrittenApplication.objects.create(
        organisation=organisation,
        agreement=agreement,
        document=document,
        message=message,
        submitted_by=actor,
        signatory_name=signatory_name,
        signatory_role=signatory_role,
        signed_on=signed_on,
    )
    application.log_action(
        "compact.application.submitted",
        actor=actor,
        data={"signer": signatory_name, "role": signatory_role, "signed_on": signed_on.isoformat()},
    )
    return application


def _ensure_signatory(name: str, role: str, signed_on: datetime.date | None) -> None:
    if not (name and role and signed_on):
        raise SigningError(_("Give who signed the application, their role, and the date signed."))
    if signed_on > timezone.localdate():
        raise SigningError(_("The date of signing cannot be in the future."))


def _lock_pending(application) -> WrittenApplication:
    application = (
        WrittenApplication.objects.select_for_update()
        .select_related("organisation", "agreement")
        .get(pk=application.pk)
    )
    if application.status != WrittenApplication.Status.PENDING:
        raise SigningError(_("This application has already been decided."))
    return application


@transaction.atomic
def application_approve(
    *,
    application: WrittenApplication,
    actor: User,
    signer_name: str,
    signer_role: str,
    signed_on: datetime.date,
) -> Signature:
    """Approve a written application: the organisation signs through it. The signature
    records the signatory of the paper (name, role, date signed) as the official confirmed
    it, by default as the representative gave it on upload; the application keeps what the
    representative gave, and the action log both."""
    if not is_official(actor):
        raise PermissionDenied
    _ensure_signatory(signer_name, signer_role, signed_on)
    application = _lock_pending(application)
    if application.agreement.status != Agreement.Status.ADOPTED:
        raise SigningError(
            _("The application is for a version that is no longer in force: ask for a new one.")
        )
    organisation = _lock_organisation(application.organisation)
    _ensure_not_signed(organisation, application.agreement)
    if not organisation.is_verified:
        # Reviewing the application is reviewing the organisation: it becomes public now
        # (the decision's e-mail says so; no second one).
        try:
            organisation_verify(organisation=organisation, actor=actor, notify=False)
        except DecisionError as error:  # e.g. its number was released
            raise SigningError(str(error)) from error
    application.status = WrittenApplication.Status.APPROVED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    signature = _create_signature(
        organisation=application.organisation,
        agreement=application.agreement,
        channel=Signature.Channel.WRITTEN_APPLICATION,
        signer_name=signer_name,
        signer_role=signer_role,
        signed_at=_paper_signing_time(signed_on),
        signed_by=application.submitted_by,
        application=application,
        approved_by=actor,
    )
    application.log_action(
        "compact.application.approved",
        actor=actor,
        data={"signer": signer_name, "role": signer_role, "signed_on": signed_on.isoformat()},
    )
    _notify_decision(application)
    return signature


@transaction.atomic
def application_reject(*, application: WrittenApplication, actor: User, reason: str) -> None:
    if not is_official(actor):
        raise PermissionDenied
    application = _lock_pending(application)
    application.status = WrittenApplication.Status.REJECTED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.rejection_reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    application.log_action("compact.application.rejected", actor=actor, data={"reason": reason})
    _notify_decision(application)


def _notify_decision(application):
    send_application_decision.delay_on_commit(application.pk, translation.get_language())


@transaction.atomic
def signature_withdraw(*, signature: Signature, actor: User, reason: str) -> Signature:
    """Withdraw a signature. The row stays, with the date, the reason and who withdrew it."""
    if not rules.has_perm("compact.withdraw_signature", actor, signature):
        raise PermissionDenied
    signature = (
        Signature.objects.select_for_update().select_related("agreement").get(pk=signature.pk)
    )
    if signature.withdrawn_at:
        raise SigningError(_("This signature has already been withdrawn."))
    if not Signature.may_be_withdrawn(signature.withdrawn_at, signature.agreement.status):
        # The version's list of signatories is history, as the sealed PDFs issued of it.
        raise SigningError(
            _("This signature is on a version no longer in force: it stays as history.")
        )
    signature.withdrawn_at = timezone.now()
    signature.withdrawal_reason = reason
    signature.withdrawn_by = actor
    signature.save(update_fields=["withdrawn_at", "withdrawal_reason", "withdrawn_by"])
    signature.log_action("compact.signature.withdrawn", actor=actor, data={"reason": reason})
    return signature
