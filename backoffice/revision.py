"""The officials' pages for revising the compact: draft version N+1 from the version in
force, edit its text (title, preamble, principles and their commitments: add, change,
remove, reorder), see the differences from N, and adopt it on a date. The work is done by
principles/revision.py, which refuses to change any version but a draft."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compact.models import Agreement, ResigningInvitation
from core.access import official
from principles.models import Commitment, Principle
from principles.revision import (
    AGREEMENT_FIELDS,
    COMMITMENT_FIELDS,
    PRINCIPLE_FIELDS,
    RevisionError,
    agreement_adopt,
    agreement_differences,
    agreement_draft_revision,
    commitment_delete,
    commitment_save,
    draft_update,
    item_move,
    principle_delete,
    principle_save,
)

SECTION = "versions"


class DraftForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS


class PrincipleForm(forms.ModelForm):
    class Meta:
        model = Principle
        fields = PRINCIPLE_FIELDS


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = COMMITMENT_FIELDS


for _form in (DraftForm, PrincipleForm, CommitmentForm):
    for _name in _form.Meta.fields:
        # Swedish is required; English may follow later (pages fall back to Swedish).
        if _name.endswith("_en"):
            _form.base_fields[_name].required = False
        elif _name.endswith("_sv") and not _name.startswith(("description", "preamble")):
            _form.base_fields[_name].required = True


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label=gettext_lazy("Adopted on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The date the municipality and the sector adopted the version."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitations to sign again"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that the version in force is superseded, and that every "
            "organisation that signed it is e-mailed an invitation to sign the new one."
        )
    )


def _cleaned(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


def _service_error(form, error) -> None:
    if isinstance(error, ValidationError):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, str(error))


# The versions ---------------------------------------------------------------------------


@official
def versions(request):
    """Every version: the one in force (draft its revision), drafts, and the invitations
    to sign again that each adopted revision sent."""
    agreements = list(
        Agreement.objects.order_by("-created_at").annotate(
            invited=Count("resigning_invitations"),
            invitations_sent=Count(
                "resigning_invitations",
                filter=Q(resigning_invitations__status=ResigningInvitation.Status.SENT),
            ),
            invitations_failed=Count(
                "resigning_invitations",
                filter=Q(resigning_invitations__status=ResigningInvitation.Status.FAILED),
            ),
        )
    )
    in_force = next((a for a in agreements if a.status == Agreement.Status.ADOPTED), None)
    has_draft = in_force is not None and any(
        a.status == Agreement.Status.DRAFT and a.previous_id == in_force.pk for a in agreements
    )
    return render(
        request,
        "backoffice/revision/versions.html",
        {
            "section": SECTION,
            "agreements": agreements,
            "in_force": in_force,
            "may_draft": in_force is not None and not has_draft,
        },
    )


@official
def draft_create(request):
    if request.method != "POST":
        return redirect("backoffice:versions")
    try:
        draft = agreement_draft_revision(
            agreement=Agreement.objects.current_or_404(), actor=request.user
        )
    except RevisionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:versions")
    messages.success(
        request,
        _("Version %(version)s is drafted as a copy of the version in force. Edit it below.")
        % {"version": draft.version_label},
    )
    return redirect("backoffice:draft", pk=draft.pk)


def _draft(pk) -> Agreement:
    return get_object_or_404(Agreement.objects.drafts(), pk=pk)


@official
def draft_detail(request, pk):
    """The draft's title and preamble (a form), its principles and commitments (each with
    its own edit, remove and move buttons) and the adoption."""
    draft = _draft(pk)
    form = DraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            draft_update(draft=draft, actor=request.user, values=_cleaned(form))
        except (RevisionError, ValidationError) as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("backoffice:draft", pk=draft.pk)
    return _draft_page(request, draft, form=form, adopt_form=AdoptForm())


def _draft_page(request, draft, *, form, adopt_form):
    principles = draft.principles.order_by("position", "pk").prefetch_related("commitments")
    return render(
        request,
        "backoffice/revision/draft.html",
        {
            "section": SECTION,
            "draft": draft,
            "form": form,
            "adopt_form": adopt_form,
            "principles": principles,
        },
        status=400 if form.errors or adopt_form.errors else 200,
    )


@official
def draft_differences(request, pk):
    draft = _draft(pk)
    return render(
        request,
        "backoffice/revision/differences.html",
        {"section": SECTION, "draft": draft, "differences": agreement_differences(draft)},
    )


@official
def draft_adopt(request, pk):
    draft = _draft(pk)
    if request.method != "POST":
        return redirect("backoffice:draft", pk=draft.pk)
    adopt_form = AdoptForm(request.POST)
    if adopt_form.is_valid():
        try:
            agreement_adopt(
                draft=draft,
                adopted_on=adopt_form.cleaned_data["adopted_on"],
                actor=request.user,
                language=adopt_form.cleaned_data["language"],
            )
        except RevisionError as error:
            adopt_form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s is adopted and in force. The organisations that "
                    "signed the version before are being invited to sign it."
                )
                % {"version": draft.version_label},
            )
            return redirect("backoffice:versions")
    return _draft_page(request, draft, form=DraftForm(instance=draft), adopt_form=adopt_form)


# Principles and commitments of a draft -------------------------------------------------


def _edit_page(request, draft, form, title, back):
    return render(
        request,
        "backoffice/revision/item_form.html",
        {"section": SECTION, "draft": draft, "form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


@official
def principle_edit(request, pk, principle_pk=None):
    draft = _draft(pk)
    principle = (
        get_object_or_404(Principle, pk=principle_pk, agreement=draft) if principle_pk else None
    )
    form = PrincipleForm(request.POST or None, instance=principle)
    if request.method == "POST" and form.is_valid():
        try:
            principle_save(
                draft=draft, actor=request.user, values=_cleaned(form), principle=principle
            )
        except (RevisionError, ValidationError) as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The principle is saved."))
            return redirect("backoffice:draft", pk=draft.pk)
    title = _("Change the principle") if principle else _("Add a principle")
    return _edit_page(request, draft, form, title, back=draft)


@official
def commitment_edit(request, pk, principle_pk, commitment_pk=None):
    draft = _draft(pk)
    principle = get_object_or_404(Principle, pk=principle_pk, agreement=draft)
    commitment = (
        get_object_or_404(Commitment, pk=commitment_pk, principle=principle)
        if commitment_pk
        else None
    )
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            commitment_save(
                principle=principle,
                actor=request.user,
                values=_cleaned(form),
                commitment=commitment,
            )
        except (RevisionError, ValidationError) as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The commitment is saved."))
            return redirect("backoffice:draft", pk=draft.pk)
    title = (
        _("Change a commitment under “%(principle)s”")
        if commitment
        else _("Add a commitment under “%(principle)s”")
    ) % {"principle": principle.title}
    return _edit_page(request, draft, form, title, back=draft)


@official
def item_change(request, pk, kind, item_pk, action):
    """Remove a principle or a commitment of the draft, or move it up or down (POST)."""
    draft = _draft(pk)
    if kind not in ("principle", "commitment") or action not in ("up", "down", "delete"):
        raise Http404("No such change.")
    if request.method != "POST":
        return redirect("backoffice:draft", pk=draft.pk)
    if kind == "principle":
        item = get_object_or_404(Principle, pk=item_pk, agreement=draft)
    else:
        item = get_object_or_404(
            Commitment.objects.select_related("principle"), pk=item_pk, principle__agreement=draft
        )
    try:
        if action == "delete":
            if kind == "principle":
                principle_delete(principle=item, actor=request.user)
            else:
                commitment_delete(commitment=item, actor=request.user)
            messages.success(request, _("Removed from the draft."))
        else:
            item_move(item=item, actor=request.user, up=action == "up")
    except RevisionError as error:
        messages.error(request, str(error))
    anchor = f"#{kind}-{item_pk}" if action != "delete" else ""
    return redirect(_draft_url(draft) + anchor)


def _draft_url(draft) -> str:
    return reverse("backoffice:draft", args=[draft.pk])
