"""Meetings in the officials' area: the list (upcoming and past, with registrations), a
meeting's page, and creating, editing, publishing, cancelling and copying one. The work is
done by dialogues.services.meetings; a value it refuses is shown next to its field."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from backoffice.views import PER_PAGE, decision
from core.access import official
from dialogues.forms import CancelForm, MeetingForm, copy_initial
from dialogues.models import Meeting
from dialogues.services.meetings import (
    TIME_AND_PLACE,
    MeetingError,
    cancel_refusal,
    meeting_cancel,
    meeting_copy,
    meeting_create,
    meeting_publish,
    meeting_update,
)


def _meetings():
    return Meeting.objects.with_counts().prefetch_related("public_parties")


def _meeting(pk):
    return get_object_or_404(_meetings(), pk=pk)


def _refused(form, error: ValidationError) -> None:
    """Put the service's refusal next to the fields it names (the rest at the top)."""
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


@official
def meeting_list(request):
    meetings = _meetings()
    past = Paginator(meetings.past(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/meetings/list.html",
        {"section": "meetings", "upcoming": list(meetings.upcoming()), "page_obj": past},
    )


@official
def meeting_detail(request, pk):
    meeting = _meeting(pk)
    return render(
        request,
        "backoffice/meetings/detail.html",
        {"section": "meetings", "meeting": meeting, "history": meeting.history()},
    )


def _form_page(request, form, *, title, meeting=None, source=None, status=200):
    return render(
        request,
        "backoffice/meetings/form.html",
        {"section": "meetings", "form": form, "title": title, "meeting": meeting, "source": source},
        status=status,
    )


@official
def meeting_create_view(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("The meeting is saved as a draft. Publish it when it is ready.")
            )
            return redirect("backoffice:meeting", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("New meeting"),
        status=400 if request.method == "POST" else 200,
    )


@official
def meeting_edit_view(request, pk):
    meeting = _meeting(pk)
    if meeting.status == Meeting.Status.CANCELLED:
        messages.info(
            request, _("A cancelled meeting cannot be changed. Copy it to plan a new one.")
        )
        return redirect("backoffice:meeting", pk=meeting.pk)
    # Those registered are told of a new time or place of a meeting still to come (asked
    # before the form, which puts the new values on the instance).
    to_come = meeting.status == Meeting.Status.PUBLISHED and not meeting.has_ended
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            changed = meeting_update(meeting=meeting, actor=request.user, **form.service_fields())
        except ValidationError as error:
            _refused(form, error)
        except MeetingError as error:
            messages.error(request, str(error))
            return redirect("backoffice:meeting", pk=meeting.pk)
        else:
            if not changed:
                messages.info(request, _("Nothing was changed."))
            elif to_come and _is_news(changed):
                messages.success(
                    request,
                    _(
                        "The meeting is saved. Everyone registered is told of the new time or place."
                    ),
                )
            else:
                messages.success(request, _("The meeting is saved."))
            return redirect("backoffice:meeting", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Edit the meeting"),
        meeting=meeting,
        status=400 if request.method == "POST" else 200,
    )


def _is_news(changed):
    return any(name in TIME_AND_PLACE for name in changed)


@official
def meeting_copy_view(request, pk):
    source = _meeting(pk)
    form = MeetingForm(request.POST or None, initial=copy_initial(source))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_copy(meeting=source, actor=request.user, **form.service_fields())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The copy is saved as a draft."))
            return redirect("backoffice:meeting", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Copy the meeting"),
        source=source,
        status=400 if request.method == "POST" else 200,
    )


@official
@decision("backoffice:meeting")
def meeting_publish_view(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        meeting_publish(meeting=meeting, actor=request.user)
    except MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The meeting is published."))
    return redirect("backoffice:meeting", pk=meeting.pk)


@official
def meeting_cancel_view(request, pk):
    meeting = _meeting(pk)
    if refusal := cancel_refusal(meeting):
        messages.info(request, refusal)
        return redirect("backoffice:meeting", pk=meeting.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_cancel(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _refused(form, error)
        except MeetingError as error:
            messages.error(request, str(error))
            return redirect("backoffice:meeting", pk=meeting.pk)
        else:
            messages.success(
                request, _("The meeting is cancelled. Everyone registered is told why.")
            )
            return redirect("backoffice:meeting", pk=meeting.pk)
    return render(
        request,
        "backoffice/meetings/cancel.html",
        {"section": "meetings", "meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )
