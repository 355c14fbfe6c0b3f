"""After the meeting, in the officials' area: the registrations (with needs, numbers and
the waiting list), attendance marked in one go, walk-ins, organisations that signed the
compact on site at a dialogue forum, and the minutes. dialogues.services.attendance does
the work and records each action."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.views import decision
from core.access import official
from dialogues.attendance_forms import ForumSignatureForm, MinutesForm, WalkInForm
from dialogues.models import Meeting, Registration
from dialogues.services.attendance import (
    AttendanceError,
    attendance_mark,
    meeting_signature_record,
    minutes_publish,
    walk_in_add,
)


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.with_counts(), pk=pk)


def _refused(form, error: AttendanceError) -> None:
    form.add_error(error.field if error.field in form.fields else NON_FIELD_ERRORS, str(error))


def _page(request, template, meeting, **context):
    status = context.pop("status", 200)
    started = meeting.starts_at <= timezone.now()
    return render(
        request,
        f"backoffice/meetings/{template}",
        {
            "section": "meetings",
            "meeting": meeting,
            # Attendance, walk-ins, signatures and minutes: a published meeting that began.
            "after_start": started and meeting.status == Meeting.Status.PUBLISHED,
            "is_forum": meeting.kind == Meeting.Kind.DIALOGUE_FORUM,
            **context,
        },
        status=status,
    )


@official
def meeting_registrations(request, pk):
    """Everyone registered, waiting or cancelled, with what they need; attendance
    checkboxes once the meeting has started."""
    meeting = _meeting(pk)
    registrations = list(Registration.objects.filter(meeting=meeting).order_by("created_at", "pk"))
    by_status = {status: [] for status in Registration.Status.values}
    for registration in registrations:
        by_status[registration.status].append(registration)
    totals = Registration.objects.filter(meeting=meeting).aggregate(
        attended=Sum("participants", filter=Q(status="registered", attended=True), default=0),
        walk_ins=Count("pk", filter=Q(walk_in=True, status="registered")),
        needs=Count("pk", filter=~Q(needs="") & ~Q(status="cancelled")),
    )
    return _page(
        request,
        "attendance.html",
        meeting,
        registered=by_status[Registration.Status.REGISTERED],
        waiting=by_status[Registration.Status.WAITING],
        cancelled=by_status[Registration.Status.CANCELLED],
        totals=totals,
        signatures=meeting.signatures.select_related(
            "signature__organisation", "signature__agreement"
        ).order_by("signature__signed_at"),
    )


@official
@decision("backoffice:meeting_registrations")
def meeting_attendance(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        attended = {int(value) for value in request.POST.getlist("attended")}
    except ValueError:
        messages.error(request, _("The list was not understood: mark attendance again."))
        return redirect("backoffice:meeting_registrations", pk=meeting.pk)
    try:
        changed = attendance_mark(meeting=meeting, attended=attended, actor=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Attendance is saved (%(changed)s changed).") % {"changed": changed},
        )
    return redirect("backoffice:meeting_registrations", pk=meeting.pk)


@official
def meeting_walk_in(request, pk):
    meeting = _meeting(pk)
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = walk_in_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except AttendanceError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is added as attended.") % {"name": registration.name},
            )
            return redirect("backoffice:meeting_registrations", pk=meeting.pk)
    return _page(
        request,
        "attendance_walk_in.html",
        meeting,
        form=form,
        status=400 if form.errors else 200,
    )


@official
def meeting_signature(request, pk):
    meeting = _meeting(pk)
    form = ForumSignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = meeting_signature_record(
                meeting=meeting, actor=request.user, **form.cleaned_data
            )
        except AttendanceError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s has signed the compact at the forum. Its representatives get a receipt."
                )
                % {"name": link.signature.organisation.name},
            )
            return redirect("backoffice:meeting_registrations", pk=meeting.pk)
    return _page(
        request,
        "attendance_signature.html",
        meeting,
        form=form,
        status=400 if form.errors else 200,
    )


@official
def meeting_minutes(request, pk):
    meeting = _meeting(pk)
    has_document = bool(meeting.minutes_document)
    form = MinutesForm(
        request.POST or None,
        request.FILES or None,
        has_document=has_document,
        initial={"minutes": meeting.minutes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes_publish(
                meeting=meeting,
                actor=request.user,
                text=form.cleaned_data["minutes"],
                document=form.cleaned_data["document"],
                remove_document=form.cleaned_data.get("remove_document", False),
            )
        except AttendanceError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The minutes are published on the meeting's page."))
            return redirect("backoffice:meeting_registrations", pk=meeting.pk)
    return _page(
        request,
        "attendance_minutes.html",
        meeting,
        form=form,
        has_document=has_document,
        status=400 if form.errors else 200,
    )
