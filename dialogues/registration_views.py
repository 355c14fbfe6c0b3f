"""Registering for a meeting (from the link in an invitation, or signed in), and one's own
registration page behind the signed link in the confirmation, where it can be cancelled.
Both are public: the links carry the permission, and a bad link gets a clear page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.access import public
from dialogues.models import Meeting, Registration
from dialogues.registration_forms import RegistrationForm
from dialogues.services.registrations import (
    RegistrationError,
    registration_cancel,
    registration_create,
)
from dialogues.tokens import (
    invitation_from_token,
    invitation_token,
    registration_from_token,
    registration_token,
)


def _actor(request):
    return request.user if request.user.is_authenticated else None


@public
@never_cache
def register(request, pk):
    meeting = get_object_or_404(Meeting.objects.public(), pk=pk)
    token = request.GET.get("invitation", "")
    invitation = invitation_from_token(token, meeting) if token else None
    context = {"meeting": meeting, "invitation": invitation}
    if token and invitation is None:
        return render(request, "dialogues/register_bad_link.html", context, status=400)
    if invitation is None and not request.user.is_authenticated:
        return render(request, "dialogues/register_how.html", context)
    if reason := meeting.registration_closed_reason():
        return render(request, "dialogues/register_closed.html", {**context, "reason": reason})
    form = RegistrationForm(request.POST or None, invitation=invitation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_create(
                meeting=meeting,
                actor=_actor(request),
                invitation=invitation,
                language=translation.get_language(),
                **form.service_arguments(),
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            if registration.status == Registration.Status.WAITING:
                messages.info(
                    request,
                    _(
                        "The meeting is full: you are on the waiting list. We sent the details to %(email)s."
                    )
                    % {"email": registration.email},
                )
            else:
                messages.success(
                    request,
                    _("You are registered. We sent a confirmation to %(email)s.")
                    % {"email": registration.email},
                )
            return redirect("dialogues:registration", token=registration_token(registration))
    return render(
        request,
        "dialogues/register.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


def _register_again_url(registration: Registration) -> str | None:
    """Where someone who cancelled (a tap too many on a phone) registers again while
    registration is open: with the invitation they registered from, or signed in."""
    if registration.status != Registration.Status.CANCELLED:
        return None
    if not registration.meeting.registration_open():
        return None
    url = reverse("dialogues:register", args=[registration.meeting_id])
    if registration.invitation is not None:
        return f"{url}?{urlencode({'invitation': invitation_token(registration.invitation)})}"
    return url


@public
@never_cache
def registration_detail(request, token):
    """The person's registration: what they registered, where they stand, and a button to
    cancel it (a POST to the same address); once cancelled, a way to register again while
    registration is open."""
    registration = registration_from_token(token)
    if registration is None or registration.meeting.status == Meeting.Status.DRAFT:
        return render(request, "dialogues/registration_bad_link.html", status=400)
    if request.method == "POST":
        try:
            registration_cancel(registration=registration, actor=_actor(request))
        except RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect("dialogues:registration", token=token)
    meeting = registration.meeting
    return render(
        request,
        "dialogues/registration.html",
        {
            "registration": registration,
            "meeting": meeting,
            "register_again": _register_again_url(registration),
            "waiting_position": registration.place_in_line(),
            "may_cancel": registration.status != Registration.Status.CANCELLED
            and meeting.status == Meeting.Status.PUBLISHED
            and meeting.starts_at > timezone.now(),
        },
    )
