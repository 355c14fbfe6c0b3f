"""Revising the compact (domain flow 5): officials draft version N+1 as a copy of the
version in force, edit the draft, see its differences from N word by word, and adopt it on
a date, which supersedes N and invites N's signatories to sign N+1.

Only a draft is ever edited: every service here locks the draft's row and refuses a version
that is adopted or superseded, so what the public read and what organisations signed is
never rewritten. Each copied principle and commitment remembers its source
(``copied_from``), so the differences say exactly what was added, removed or changed.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import is_official
from compact.models import Agreement
from compact.resigning import resigning_invitations_create
from core.actions import is_registered
from core.models import ActionRecord
from core.public_cache import bump_content_version
from principles.models import Commitment, DevelopmentArea, PlanItem, Principle


class RevisionError(Exception):
    """A revision step that cannot be taken; the message is for the user."""


def _ensure_official(actor: User) -> None:
    if not is_official(actor):
        raise PermissionDenied


def _copy(instance, **overrides):
    """An unsaved copy of the row: every column (each language's translated fields too,
    and any field added later), apart from its primary key and the ``overrides``. Set
    through ``__dict__`` so that django-modeltranslation's descriptors do not map one
    language's value onto another."""
    copy = type(instance)()
    for model_field in instance._meta.concrete_fields:
        if model_field.primary_key:
            continue
        copy.__dict__[model_field.attname] = instance.__dict__[model_field.attname]
    for name, value in overrides.items():
        copy.__dict__[name] = value
    return copy


def next_version_label(label: str) -> str:
    """The label after ``label``: its last number plus one ("1" → "2", "2022:1" → "2022:2"),
    or the label with " (2)" after it."""
    match = re.search(r"(\d+)(?!.*\d)", label)
    if not match:
        return f"{label} (2)"
    return label[: match.start()] + str(int(match.group(1)) + 1) + label[match.end() :]


# Drafting ------------------------------------------------------------------------------


@transaction.atomic
def agreement_draft_revision(*, agreement: Agreement, actor: User) -> Agreement:
    """A draft of the next version: the version in force copied whole (title, preamble,
    public parties, principles with their commitments, development areas with their plan
    items; positions kept), in one transaction. One draft at a time per version (a database
    constraint)."""
    _ensure_official(actor)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.ADOPTED:
        raise RevisionError(_("Only the version in force can be revised."))
    if Agreement.objects.drafts().filter(previous=agreement).exists():
        raise RevisionError(_("A draft of the next version already exists."))
    draft = _copy(
        agreement,
        status=Agreement.Status.DRAFT,
        version_label=next_version_label(agreement.version_label),
        adopted_on=None,
        review_due=None,
        superseded_on=None,
        previous_id=agreement.pk,
    )
    draft.created_at = None
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as error:
        raise RevisionError(_("A draft of the next version already exists.")) from error
    draft.public_parties.set(agreement.public_parties.all())

    principles = list(agreement.principles.order_by("position", "pk"))
    copies = Principle.objects.bulk_create(
        [_copy(p, agreement_id=draft.pk, copied_from_id=p.pk) for p in principles]
    )
    new_principle = {p.pk: c.pk for p, c in zip(principles, copies, strict=True)}
    Commitment.objects.bulk_create(
        [
            _copy(c, principle_id=new_principle[c.principle_id], copied_from_id=c.pk)
            for c in Commitment.objects.filter(principle__agreement=agreement).order_by(
                "principle", "position", "pk"
            )
        ]
    )
    areas = list(DevelopmentArea.objects.filter(agreement=agreement).order_by("position", "pk"))
    area_copies = DevelopmentArea.objects.bulk_create(
        [_copy(a, agreement_id=draft.pk) for a in areas]
    )
    new_area = {a.pk: c.pk for a, c in zip(areas, area_copies, strict=True)}
    PlanItem.objects.bulk_create(
        [
            _copy(item, area_id=new_area[item.area_id])
            for item in PlanItem.objects.filter(area__agreement=agreement).order_by(
                "area", "position", "pk"
            )
        ]
    )
    _log(draft, "compact.agreement.drafted", actor, {"from": agreement.version_label})
    return draft


def _log(agreement: Agreement, action_type: str, actor: User, data: dict | None = None):
    """The action log's record about the version (types in compact/actions.py)."""
    if not is_registered(action_type):
        raise ValueError(f"Unregistered action type {action_type!r}: register it first.")
    ActionRecord.objects.create(
        actor=actor, action_type=action_type, subject=agreement, data=data or {}
    )


# Editing the draft ---------------------------------------------------------------------


def _lock_draft(agreement_pk: int) -> Agreement:
    """The draft, its row locked for the edit; anything else is refused."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise RevisionError(
            _("Version %(version)s is adopted: it is never changed. Draft a new version.")
            % {"version": agreement.version_label}
        )
    return agreement


def _set_fields(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=[f.name for f in instance._meta.fields if f.name not in values])


AGREEMENT_FIELDS = ("version_label", "title_sv", "title_en", "preamble_sv", "preamble_en")
PRINCIPLE_FIELDS = ("title_sv", "title_en", "description_sv", "description_en")
COMMITMENT_FIELDS = ("party", "text_sv", "text_en")


def _only(values: dict, allowed) -> dict:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    return values


@transaction.atomic
def draft_update(*, draft: Agreement, actor: User, values: dict) -> Agreement:
    """The draft's version label, title and preamble."""
    _ensure_official(actor)
    draft = _lock_draft(draft.pk)
    _set_fields(draft, _only(values, AGREEMENT_FIELDS))
    draft.save()
    _log(draft, "compact.agreement.draft_edited", actor, {"fields": sorted(values)})
    return draft


@transaction.atomic
def principle_save(
    *, draft: Agreement, actor: User, values: dict, principle: Principle | None = None
) -> Principle:
    """Add a principle to the draft (last), or change one of its principles."""
    _ensure_official(actor)
    draft = _lock_draft(draft.pk)
    if principle is None:
        last = draft.principles.aggregate(last=Max("position"))["last"]
        principle = Principle(agreement=draft, position=0 if last is None else last + 1)
    elif principle.agreement_id != draft.pk:
        raise RevisionError(_("The principle is not part of this draft."))
    _set_fields(principle, _only(values, PRINCIPLE_FIELDS))
    principle.save()
    _log(draft, "compact.agreement.draft_edited", actor, {"principle": principle.pk})
    return principle


@transaction.atomic
def principle_delete(*, principle: Principle, actor: User) -> None:
    _ensure_official(actor)
    draft = _lock_draft(principle.agreement_id)
    _log(draft, "compact.agreement.draft_edited", actor, {"removed_principle": principle.title})
    principle.delete()


@transaction.atomic
def commitment_save(
    *, principle: Principle, actor: User, values: dict, commitment: Commitment | None = None
) -> Commitment:
    """Add a commitment to a principle of the draft (last), or change one."""
    _ensure_official(actor)
    draft = _lock_draft(principle.agreement_id)
    if commitment is None:
        last = principle.commitments.aggregate(last=Max("position"))["last"]
        commitment = Commitment(principle=principle, position=0 if last is None else last + 1)
    elif commitment.principle_id != principle.pk:
        raise RevisionError(_("The commitment is not part of this principle."))
    _set_fields(commitment, _only(values, COMMITMENT_FIELDS))
    commitment.save()
    _log(draft, "compact.agreement.draft_edited", actor, {"commitment": commitment.pk})
    return commitment


@transaction.atomic
def commitment_delete(*, commitment: Commitment, actor: User) -> None:
    _ensure_official(actor)
    draft = _lock_draft(commitment.principle.agreement_id)
    _log(draft, "compact.agreement.draft_edited", actor, {"removed_commitment": commitment.pk})
    commitment.delete()


@transaction.atomic
def item_move(*, item: Principle | Commitment, actor: User, up: bool) -> None:
    """Move a principle, or a commitment within its principle, one place up or down."""
    _ensure_official(actor)
    if isinstance(item, Principle):
        draft = _lock_draft(item.agreement_id)
        siblings = list(draft.principles.order_by("position", "pk"))
    else:
        draft = _lock_draft(item.principle.agreement_id)
        siblings = list(item.principle.commitments.order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            type(sibling).objects.filter(pk=sibling.pk).update(position=position)
    _log(
        draft,
        "compact.agreement.draft_edited",
        actor,
        {"moved": f"{type(item).__name__}:{item.pk}"},
    )


# The differences -----------------------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Segment:
    kind: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """``new`` against ``old``, word by word (white space kept as it is)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    segments: list[Segment] = []

    def add(kind, tokens):
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1].text += text
        else:
            segments.append(Segment(kind, text))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return segments


@dataclass
class CommitmentChange:
    state: str  # "added", "removed", "changed", "unchanged"
    party: str
    party_label: str
    text: list[Segment]
    old_party_label: str = ""


@dataclass
class PrincipleChange:
    state: str
    title: list[Segment]
    description: list[Segment]
    commitments: list[CommitmentChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.state != "unchanged" or any(c.state != "unchanged" for c in self.commitments)


@dataclass
class Differences:
    new: Agreement
    old: Agreement | None
    principles: list[PrincipleChange]

    @property
    def counts(self) -> dict:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for principle in self.principles:
            for item in [principle, *principle.commitments]:
                if item.state in counts:
                    counts[item.state] += 1
        return counts


def _same(text: str) -> list[Segment]:
    return [Segment("equal", text)] if text else []


def _all(kind: str, text: str) -> list[Segment]:
    return [Segment(kind, text)] if text else []


def _commitment_change(new: Commitment | None, old: Commitment | None) -> CommitmentChange:
    if old is None:
        return CommitmentChange(
            "added", new.party, new.get_party_display(), _all("insert", new.text)
        )
    if new is None:
        return CommitmentChange(
            "removed", old.party, old.get_party_display(), _all("delete", old.text)
        )
    changed = new.text != old.text or new.party != old.party
    return CommitmentChange(
        "changed" if changed else "unchanged",
        new.party,
        new.get_party_display(),
        word_diff(old.text, new.text) if changed else _same(new.text),
        old_party_label=old.get_party_display() if new.party != old.party else "",
    )


def agreement_differences(agreement: Agreement) -> Differences:
    """The version's principles and commitments against the version it revises: each
    added, removed, changed (word by word) or unchanged, in the new version's order, the
    removed ones where they were. Four queries, whatever the size."""
    old_agreement = agreement.previous
    new_principles = list(
        agreement.principles.order_by("position", "pk").prefetch_related("commitments")
    )
    old_principles = (
        list(old_agreement.principles.order_by("position", "pk").prefetch_related("commitments"))
        if old_agreement
        else []
    )
    old_by_pk = {p.pk: p for p in old_principles}
    old_commitments = {c.pk: c for p in old_principles for c in p.commitments.all()}
    kept_principles = {p.copied_from_id for p in new_principles}
    kept_commitments = {
        c.copied_from_id for p in new_principles for c in p.commitments.all() if c.copied_from_id
    }
    result = []
    for principle in new_principles:
        old = old_by_pk.get(principle.copied_from_id)
        commitments = []
        for commitment in principle.commitments.all():
            commitments.append(
                _commitment_change(commitment, old_commitments.get(commitment.copied_from_id))
            )
        if old is not None:
            commitments.extend(
                _commitment_change(None, c)
                for c in old.commitments.all()
                if c.pk not in kept_commitments
            )
            changed = principle.title != old.title or principle.description != old.description
            result.append(
                PrincipleChange(
                    "changed" if changed else "unchanged",
                    word_diff(old.title, principle.title) if changed else _same(principle.title),
                    word_diff(old.description, principle.description)
                    if changed
                    else _same(principle.description),
                    commitments,
                )
            )
        else:
            result.append(
                PrincipleChange(
                    "added",
                    _all("insert", principle.title),
                    _all("insert", principle.description),
                    commitments,
                )
            )
    for old in old_principles:
        if old.pk not in kept_principles:
            result.append(
                PrincipleChange(
                    "removed",
                    _all("delete", old.title),
                    _all("delete", old.description),
                    [
                        _commitment_change(None, c)
                        for c in old.commitments.all()
                        if c.pk not in kept_commitments
                    ],
                )
            )
    return Differences(new=agreement, old=old_agreement, principles=result)


# Adopting ------------------------------------------------------------------------------


@transaction.atomic
def agreement_adopt(
    *, draft: Agreement, adopted_on: datetime.date, actor: User, language: str = ""
) -> Agreement:
    """Adopt the draft on ``adopted_on``: the version it revises is superseded on that day,
    the draft comes into force (one version in force: a database constraint, kept at every
    step), the public pages are refreshed and the sealed PDFs issued, and every
    organisation with an effective signature on the superseded version gets one invitation
    to sign the new one (rows now, e-mails once this commits)."""
    _ensure_official(actor)
    draft = _lock_draft(draft.pk)
    previous = (
        Agreement.objects.select_for_update().get(pk=draft.previous_id)
        if draft.previous_id
        else None
    )
    if previous is not None and previous.status != Agreement.Status.ADOPTED:
        raise RevisionError(
            _("Version %(version)s is no longer in force: draft again from the one that is.")
            % {"version": previous.version_label}
        )
    if previous is None and Agreement.objects.in_force().exists():
        raise RevisionError(_("Another version is in force: draft from it."))
    if not draft.principles.exists():
        raise RevisionError(_("The draft has no principles: a version needs at least one."))
    if previous is not None and previous.adopted_on and adopted_on < previous.adopted_on:
        raise RevisionError(
            _("A version cannot be adopted before the one it replaces (%(date)s).")
            % {"date": previous.adopted_on.isoformat()}
        )
    if previous is not None:
        previous.status = Agreement.Status.SUPERSEDED
        previous.superseded_on = adopted_on
        previous.save(update_fields=["status", "superseded_on"])
        _log(previous, "compact.agreement.superseded", actor, {"by": draft.version_label})
    draft.status = Agreement.Status.ADOPTED
    draft.adopted_on = adopted_on
    draft.review_due = None  # four years after adoption (Agreement.save)
    draft.save()
    invited = resigning_invitations_create(agreement=draft, language=language) if previous else 0
    _log(
        draft,
        "compact.agreement.adopted",
        actor,
        {"adopted_on": adopted_on.isoformat(), "invited": invited},
    )
    bump_content_version()
    transaction.on_commit(bump_content_version)
    return draft
