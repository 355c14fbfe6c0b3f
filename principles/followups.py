"""The yearly follow-up (domain flow 4): officials record, per commitment and plan item, a
status and a short account for the year; representatives of signatory organisations submit
their own accounts of sector and both-party commitments, which officials include or not;
officials publish a complete follow-up, after which it is only ever corrected by dated
notes. Views and tasks call these services; each takes the acting person as ``actor``,
checks the rule it acts under (principles/rules.py) and records the action."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from compact.models import Agreement, Signature
from core.uploads import delete_file_on_commit, detect_type, validate_size
from organisations.models import Organisation
from principles.models import (
    Commitment,
    CommitmentEntry,
    CorrectionNote,
    EntryStatus,
    FollowUp,
    OrganisationAccount,
    Party,
    PlanItem,
    PlanItemEntry,
)
from principles.tasks import queue_follow_up_documents

# What an attachment may be, told by its bytes (core/uploads.py): documents and pictures.
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
ACCOUNT_MAX_CHARS = 4000


class FollowUpError(Exception):
    """A follow-up step that cannot be taken; the message is for the user."""


def _ensure_official(actor) -> None:
    if not rules.has_perm("principles.record_follow_up", actor):
        raise PermissionDenied


def _lock(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=follow_up.pk)


def _ensure_draft(follow_up: FollowUp) -> None:
    if follow_up.is_published:
        raise FollowUpError(
            _("The follow-up of %(year)s is published and is not rewritten; add a correction.")
            % {"year": follow_up.year}
        )


def validate_attachment(upload) -> None:
    """A PDF, PNG or JPEG by its content, within UPLOAD_MAX_BYTES."""
    validate_size(upload, settings.UPLOAD_MAX_BYTES)
    kind = detect_type(upload)
    if kind is None or kind.mime not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("The attachment must be a PDF document or a PNG or JPEG picture."), code="type"
        )


def validate_links(text: str) -> str:
    """One http(s) address a line; returns them, one a line, without blank lines."""
    links = [line.strip() for line in text.splitlines() if line.strip()]
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            check(link)
        except ValidationError as error:
            raise ValidationError(
                _("%(link)s is not a web address (https://…).") % {"link": link}, code="link"
            ) from error
    return "\n".join(links)


# -- creating -------------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(*, actor: User, year: int, agreement: Agreement | None = None) -> FollowUp:
    """A draft follow-up of ``year`` for the version in force (or ``agreement``), with an
    empty entry for each of its commitments and plan items."""
    _ensure_official(actor)
    agreement = agreement or Agreement.objects.in_force().first()
    if agreement is None or not agreement.is_public:
        raise FollowUpError(_("Only a version that has been adopted is followed up."))
    if FollowUp.objects.filter(year=year).exists():
        raise FollowUpError(_("There is already a follow-up of %(year)s.") % {"year": year})
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(agreement=agreement, year=year, created_by=actor)
    except IntegrityError as error:  # created at the same moment by someone else
        raise FollowUpError(
            _("There is already a follow-up of %(year)s.") % {"year": year}
        ) from error
    CommitmentEntry.objects.bulk_create(
        CommitmentEntry(follow_up=follow_up, commitment_id=pk)
        for pk in Commitment.objects.filter(principle__agreement=agreement).values_list(
            "pk", flat=True
        )
    )
    PlanItemEntry.objects.bulk_create(
        PlanItemEntry(follow_up=follow_up, plan_item_id=pk)
        for pk in PlanItem.objects.filter(area__agreement=agreement).values_list("pk", flat=True)
    )
    follow_up.log_action(
        "principles.follow_up.created",
        actor=actor,
        data={"year": year, "version": agreement.version_label},
    )
    return follow_up


# -- recording -----------------------------------------------------------------------------


@dataclass
class EntryChange:
    """What an official records for one entry: its status, account and links, and an
    attachment to store (or ``remove_attachment``)."""

    entry: CommitmentEntry | PlanItemEntry
    status: str
    account: str = ""
    links: str = ""
    attachment: object = None
    remove_attachment: bool = False


def _apply(change: EntryChange, actor, now) -> bool:
    entry = change.entry
    if change.status and change.status not in EntryStatus.values:
        raise FollowUpError(_("Unknown status: %(status)s") % {"status": change.status})
    links = validate_links(change.links)
    account = change.account.strip()
    changed = (entry.status, entry.account, entry.links) != (change.status, account, links)
    old_file = entry.attachment.name if entry.attachment else ""
    entry.status, entry.account, entry.links = change.status, account, links
    if change.attachment is not None:
        validate_attachment(change.attachment)
        entry.attachment.save("attachment", change.attachment, save=False)
        changed = True
    elif change.remove_attachment and old_file:
        entry.attachment = ""
        changed = True
    if not changed:
        return False
    if old_file and entry.attachment.name != old_file:
        delete_file_on_commit(entry.attachment.storage, old_file)
    entry.updated_at, entry.updated_by = now, actor
    entry.save()
    return True


@transaction.atomic
def entries_record(
    *, actor: User, follow_up: FollowUp, changes: list[EntryChange], plan: bool = False
) -> int:
    """Record the changes (all of one follow-up's commitments of a principle, or its plan
    items); returns how many entries changed. All or nothing."""
    _ensure_official(actor)
    follow_up = _lock(follow_up)
    _ensure_draft(follow_up)
    model = PlanItemEntry if plan else CommitmentEntry
    for change in changes:
        if not isinstance(change.entry, model) or change.entry.follow_up_id != follow_up.pk:
            raise FollowUpError(_("An entry of another follow-up was given."))
    now = timezone.now()
    changed = [change.entry.pk for change in changes if _apply(change, actor, now)]
    if changed:
        follow_up.log_action(
            "principles.follow_up.plan_recorded" if plan else "principles.follow_up.recorded",
            actor=actor,
            data={"entries": len(changed)},
        )
    return len(changed)


# -- organisations' accounts -----------------------------------------------------------


def accountable_commitments(follow_up: FollowUp):
    """The commitments an organisation may give its own account of: the sector's and both
    parties'."""
    return follow_up.commitment_entries.filter(
        commitment__party__in=[Party.SECTOR, Party.BOTH]
    ).select_related("commitment", "commitment__principle")


def _listed_signatories(follow_up: FollowUp):
    """The organisations the public sees as signatories of the follow-up's version."""
    return (
        Signature.objects.listed().filter(agreement=follow_up.agreement_id).values("organisation")
    )


def _included_accounts(follow_up: FollowUp):
    return OrganisationAccount.objects.filter(
        entry__follow_up=follow_up, decision=OrganisationAccount.Decision.INCLUDED
    )


def may_submit_accounts(organisation: Organisation, follow_up: FollowUp) -> bool:
    """Only a signatory the public sees on the follow-up's version (a verified organisation
    with an effective signature: its account is published under its name), while the
    follow-up is a draft."""
    return (
        not follow_up.is_published
        and organisation.signatures.listed().filter(agreement=follow_up.agreement_id).exists()
    )


@transaction.atomic
def account_submit(
    *, actor: User, organisation: Organisation, entry: CommitmentEntry, text: str
) -> OrganisationAccount:
    """The organisation's account of one commitment; submitted again, it replaces the text
    and awaits a new decision."""
    if not rules.has_perm("principles.submit_account", actor, organisation):
        raise PermissionDenied
    follow_up = _lock(entry.follow_up)
    _ensure_draft(follow_up)
    if not may_submit_accounts(organisation, follow_up):
        raise FollowUpError(
            _("Only organisations that have signed this version give their own accounts.")
        )
    if entry.commitment.party not in (Party.SECTOR, Party.BOTH):
        raise FollowUpError(
            _("Organisations give accounts of the sector's and both parties' commitments only.")
        )
    text = text.strip()
    if not text:
        raise FollowUpError(_("Write what the organisation did."))
    if len(text) > ACCOUNT_MAX_CHARS:
        raise FollowUpError(
            _("An account is at most %(limit)s characters.") % {"limit": ACCOUNT_MAX_CHARS}
        )
    account, _created = OrganisationAccount.objects.update_or_create(
        entry=entry,
        organisation=organisation,
        defaults={
            "text": text,
            "submitted_by": actor,
            "submitted_at": timezone.now(),
            "decision": OrganisationAccount.Decision.PENDING,
            "decided_by": None,
            "decided_at": None,
        },
    )
    account.log_action("principles.account.submitted", actor=actor, data={"year": follow_up.year})
    return account


@transaction.atomic
def account_decide(*, actor: User, account: OrganisationAccount, include: bool):
    """Officials include an organisation's account in the follow-up, or leave it out."""
    _ensure_official(actor)
    _ensure_draft(_lock(account.entry.follow_up))
    account = OrganisationAccount.objects.select_for_update().get(pk=account.pk)
    if include and not may_submit_accounts(account.organisation, account.entry.follow_up):
        raise FollowUpError(
            _(
                "%(name)s is not among the signatories shown now: its account cannot be "
                "included unless it is verified again."
            )
            % {"name": account.organisation.name}
        )
    account.decision = (
        OrganisationAccount.Decision.INCLUDED if include else OrganisationAccount.Decision.EXCLUDED
    )
    account.decided_by, account.decided_at = actor, timezone.now()
    account.save(update_fields=["decision", "decided_by", "decided_at"])
    account.log_action(
        "principles.account.included" if include else "principles.account.excluded", actor=actor
    )
    return account


# -- publishing and correcting ---------------------------------------------------------


def missing(follow_up: FollowUp) -> dict[str, int]:
    """What keeps the follow-up from being published: entries without a status, and
    organisations' accounts awaiting a decision."""
    return {
        "commitments": follow_up.commitment_entries.filter(status="").count(),
        "plan_items": follow_up.plan_item_entries.filter(status="").count(),
        "accounts": OrganisationAccount.objects.filter(
            entry__follow_up=follow_up, decision=OrganisationAccount.Decision.PENDING
        ).count(),
    }


@transaction.atomic
def follow_up_publish(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Publish a complete follow-up: every commitment and plan item has a status and every
    organisation's account a decision. From then on it is public and not rewritten."""
    _ensure_official(actor)
    follow_up = _lock(follow_up)
    _ensure_draft(follow_up)
    left = missing(follow_up)
    if any(left.values()):
        raise FollowUpError(
            _(
                "The follow-up is not complete: %(commitments)s commitments and "
                "%(plan_items)s plan items have no status, %(accounts)s organisations' "
                "accounts await a decision."
            )
            % left
        )
    not_listed = sorted(
        set(
            _included_accounts(follow_up)
            .exclude(organisation__in=_listed_signatories(follow_up))
            .values_list("organisation__name", flat=True)
        )
    )
    if not_listed:
        # Published under its name, an account would show an organisation that the list of
        # signatories does not show now.
        raise FollowUpError(
            _(
                "These organisations are not among the signatories shown now (rejected, "
                "awaiting verification again, or their signature withdrawn): %(names)s. "
                "Verify them again, or leave out their accounts, before publishing."
            )
            % {"names": ", ".join(not_listed)}
        )
    follow_up.status = FollowUp.Status.PUBLISHED
    follow_up.published_at, follow_up.published_by = timezone.now(), actor
    follow_up.save(update_fields=["status", "published_at", "published_by"])
    follow_up.log_action(
        "principles.follow_up.published", actor=actor, data=status_counts(follow_up)
    )
    queue_follow_up_documents(follow_up.pk)  # its sealed PDF, on commit
    return follow_up


@transaction.atomic
def correction_add(
    *, actor: User, follow_up: FollowUp, text: str, commitment: Commitment | None = None
) -> CorrectionNote:
    """A dated note correcting a published follow-up (a draft is simply changed)."""
    _ensure_official(actor)
    follow_up = _lock(follow_up)
    if not follow_up.is_published:
        raise FollowUpError(_("A draft is changed directly; corrections are for published ones."))
    text = text.strip()
    if not text:
        raise FollowUpError(_("Write the correction."))
    if commitment is not None and commitment.principle.agreement_id != follow_up.agreement_id:
        raise FollowUpError(_("The commitment is not in the follow-up's version."))
    note = CorrectionNote.objects.create(
        follow_up=follow_up, commitment=commitment, text=text, added_by=actor
    )
    follow_up.log_action(
        "principles.follow_up.corrected",
        actor=actor,
        data={"note": note.pk, "commitment": commitment.pk if commitment else None},
    )
    queue_follow_up_documents(follow_up.pk)  # a new edition of its PDF, on commit
    return note


# -- reading ---------------------------------------------------------------------------


def status_counts(follow_up: FollowUp) -> dict[str, int]:
    """How many commitments have each status, in one query."""
    counts = Counter(follow_up.commitment_entries.values_list("status", flat=True))
    return {status: counts.get(status, 0) for status in EntryStatus.values}
