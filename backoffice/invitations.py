"""Invitations to a meeting in the officials' area: choose the recipients, see how many
(a preview), send; then watch the progress (live, by htmx polling) and send the failed ones
again. The work is done by dialogues.services.invitations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRefresh

from backoffice.views import PER_PAGE, decision
from core.access import official
from dialogues.invitation_forms import InviteForm
from dialogues.models import Invitation, Meeting
from dialogues.services.invitations import (
    InvitationError,
    invitation_progress,
    invitations_closed_reason,
    invitations_count,
    invitations_create,
    invitations_resend_failed,
)


def _invite_page(request, meeting, form, *, count=None, status=200):
    return render(
        request,
        "backoffice/meetings/invite.html",
        {
            "section": "meetings",
            "meeting": meeting,
            "form": form,
            "closed": invitations_closed_reason(meeting),
            "count": count,
            "fingerprint": form.fingerprint() if count else "",
            "invited": meeting.invitations.count(),
        },
        status=status,
    )


@official
def meeting_invite(request, pk):
    """GET: the form. POST: the count (a preview: how many, of whom, invited before);
    ``send`` with the count's fingerprint: the invitations. A choice changed after it was
    counted is counted again, not sent."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if request.method != "POST":
        return _invite_page(request, meeting, InviteForm(meeting=meeting))
    form = InviteForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invite_page(request, meeting, form, status=400)
    choice = {"organisations": form.organisations(), "emails": form.cleaned_data["emails"]}
    try:
        if request.POST.get("send") != form.fingerprint():
            count = invitations_count(meeting=meeting, **choice)
            if "send" in request.POST:
                messages.warning(
                    request, _("The choice changed after it was counted. Check the new count.")
                )
            return _invite_page(request, meeting, form, count=count)
        count = invitations_create(
            meeting=meeting,
            language=form.cleaned_data["language"],
            actor=request.user,
            **choice,
        )
    except InvitationError as error:
        form.add_error(None, str(error))
        return _invite_page(request, meeting, form, status=400)
    if count.new:
        messages.success(
            request,
            ngettext(
                "%(count)d invitation is being sent.",
                "%(count)d invitations are being sent.",
                count.new,
            )
            % {"count": count.new},
        )
    if count.already_invited:
        messages.info(
            request,
            ngettext(
                "%(count)d address had been invited already and is not e-mailed again.",
                "%(count)d addresses had been invited already and are not e-mailed again.",
                count.already_invited,
            )
            % {"count": count.already_invited},
        )
    return redirect("backoffice:meeting_invitations", pk=meeting.pk)


@official
def meeting_invitations(request, pk):
    """The progress: sent, failed, waiting; polled every 2 s while anything is waiting.
    When the sending is over, the poll reloads the page (the failed ones, the button)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    progress = invitation_progress(meeting)
    context = {"section": "meetings", "meeting": meeting, "progress": progress}
    if request.htmx:
        if not progress.in_progress:
            return HttpResponseClientRefresh()
        return render(request, "backoffice/meetings/_invitation_progress.html", context)
    failed = Invitation.objects.filter(meeting=meeting, status=Invitation.Status.FAILED).order_by(
        "email"
    )
    waiting = (
        Invitation.objects.filter(meeting=meeting, status=Invitation.Status.PENDING)
        .exclude(last_error="")
        .order_by("email")[:PER_PAGE]
    )
    context["failed"] = Paginator(
        failed.only("email", "last_error", "attempts"), PER_PAGE
    ).get_page(request.GET.get("page"))
    context["retrying"] = list(waiting.only("email", "last_error", "attempts"))
    return render(request, "backoffice/meetings/invitations.html", context)


@official
@decision("backoffice:meeting_invitations")
def meeting_invitations_resend(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        count = invitations_resend_failed(meeting=meeting, actor=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d failed invitation is being sent again.",
                    "%(count)d failed invitations are being sent again.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("No invitation had failed."))
    return redirect("backoffice:meeting_invitations", pk=meeting.pk)
