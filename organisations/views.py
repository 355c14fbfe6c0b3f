import rules
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.rules import is_official
from core.access import public, signed_in
from core.kept_queries import kept_rows
from core.public_cache import cached_public_page
from core.uploads import detect_type
from organisations.access import for_organisation
from organisations.forms import LOGO_TYPES, InviteRepresentativeForm, OrganisationForm
from organisations.invitations import invitation_token
from organisations.models import Organisation, Representative, RepresentativeInvitation
from organisations.rows import application_items, signature_rows
from organisations.services import (
    InvitationError,
    RegistrationError,
    invitation_for_token,
    invitation_refusal,
    invitation_revoke,
    invitations_for,
    organisation_register,
    organisation_update,
    registration_limit_reached,
    representative_accept,
    representative_invite,
    representative_remove,
    valid_invitations,
)


@signed_in
def start(request):
    """Where a person goes after signing in or confirming the e-mail address (unless a `next`
    says where): an official to the back office; a representative to the organisation (to
    the list when several); someone invited to the invitation; anyone else to a page that
    says what to do next: register an organisation, or be invited to one."""
    user = request.user
    if is_official(user):
        return redirect("backoffice:dashboard")
    organisation_pks = list(
        Representative.objects.filter(user=user).values_list("organisation_id", flat=True)[:2]
    )
    if len(organisation_pks) == 1:
        return redirect("organisations:dashboard", organisation_pk=organisation_pks[0])
    if organisation_pks:
        return redirect("organisations:mine")
    invitations = invitations_for(user)
    if len(invitations) == 1:
        return redirect("organisations:accept_invitation", token=invitation_token(invitations[0]))
    return render(
        request,
        "organisations/start.html",
        {
            "invitations": [
                (invitation, invitation_token(invitation)) for invitation in invitations
            ],
        },
    )


@signed_in
def my_organisations(request):
    representations = Representative.objects.filter(user=request.user).select_related(
        "organisation"
    )
    return render(
        request, "organisations/my_organisations.html", {"representations": representations}
    )


@signed_in
def register(request):
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_register(actor=request.user, form=form)
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is registered. Officials will verify it; you can sign the compact now.")
                % {"name": organisation.name},
            )
            return redirect("organisations:dashboard", organisation_pk=organisation.pk)
    # Said before the form is filled in, not only after.
    limit_reached = None if form.non_field_errors() else registration_limit_reached(request.user)
    return render(
        request, "organisations/register.html", {"form": form, "limit_reached": limit_reached}
    )


@transaction.non_atomic_requests  # reads only (as backoffice.views.dashboard)
@for_organisation()
def dashboard(request, organisation):
    signatures = _with_agreements(organisation, "signatures", "-signed_at")
    applications = _with_agreements(organisation, "written_applications")
    # The version in force: one version is in force at a time, so the one the organisation
    # signed or applied to join when it did; else looked up through the reverse relation
    # (organisations does not import compact).
    agreement = next(
        (
            item.agreement
            for item in (*signatures, *applications)
            if item.agreement.status == "adopted"
        ),
        None,
    )
    if agreement is None:
        agreements = organisation.signatures.model._meta.get_field("agreement").related_model
        agreement = agreements.objects.one_in_force()
    on_agreement = agreement.pk if agreement else None
    may_sign = rules.has_perm("organisations.sign_for_organisation", request.user, organisation)
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": organisation,
            "may_sign": may_sign,
            "may_apply": rules.has_perm("compact.submit_application", request.user, organisation),
            "signatures": signatures,
            "signature_rows": signature_rows(organisation, signatures, may_sign=may_sign),
            "applications": applications,
            "application_items": application_items(organisation, applications),
            # The status panel: the version in force, and the organisation's effective
            # signature on it, or its application awaiting review.
            "agreement": agreement,
            "current_signature": next(
                (s for s in signatures if s.agreement_id == on_agreement and not s.withdrawn_at),
                None,
            ),
            # Signed the version the one in force revised: invited to sign this one too.
            "signed_previous": agreement is not None
            and agreement.previous_id is not None
            and any(
                s.agreement_id == agreement.previous_id and not s.withdrawn_at for s in signatures
            ),
            "pending_application": next(
                (
                    a
                    for a in applications
                    if a.agreement_id == on_agreement and a.status == "pending"
                ),
                None,
            ),
        },
    )


def _with_agreements(organisation, related_name, *order_by):
    """``organisation.<related_name>`` with their agreements, as a list: read with a kept
    query (core.kept_queries) whose parameter is the organisation's id, each row's
    organisation the one given, as the related manager would have set it."""
    related = getattr(organisation, related_name)
    field_name = related.field.name

    def build(organisation_pk):
        rows = related.model._default_manager.filter(**{field_name: organisation_pk})
        rows = rows.select_related("agreement")
        return rows.order_by(*order_by) if order_by else rows

    rows = kept_rows(("organisations.dashboard", related_name), build, organisation.pk)
    for row in rows:
        setattr(row, field_name, organisation)
    return rows


@for_organisation()
def edit(request, organisation):
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        if organisation_update(actor=request.user, form=form):
            messages.warning(
                request,
                _(
                    "The details are saved. A new name or organisation number is reviewed by "
                    "officials; until then the organisation is not shown publicly."
                ),
            )
        else:
            messages.success(request, _("The organisation's details are saved."))
        return redirect("organisations:dashboard", organisation_pk=organisation.pk)
    return render(request, "organisations/edit.html", {"form": form, "organisation": organisation})


@for_organisation()
def representatives(request, organisation):
    may_grant_signing = rules.has_perm("organisations.grant_signing", request.user, organisation)
    form = InviteRepresentativeForm(
        request.POST or None, organisation=organisation, may_grant_signing=may_grant_signing
    )
    if request.method == "POST" and form.is_valid():
        try:
            representative_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                may_sign=form.cleaned_data.get("may_sign", False),
                actor=request.user,
            )
        except InvitationError as error:
            form.add_error(error.field, str(error))  # shown with the form; nothing was sent
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisations:representatives", organisation_pk=organisation.pk)
    return render(
        request,
        "organisations/representatives.html",
        {
            "form": form,
            "organisation": organisation,
            "may_grant_signing": may_grant_signing,
            "representatives": organisation.representatives.select_related("user"),
            "invitations": valid_invitations(organisation),
        },
    )


@require_POST
@for_organisation()
def revoke_invitation(request, organisation, invitation_pk):
    invitation = get_object_or_404(
        RepresentativeInvitation, pk=invitation_pk, organisation=organisation
    )
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is revoked: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("organisations:representatives", organisation_pk=organisation.pk)


@require_POST
@for_organisation()
def remove_representative(request, organisation, representative_pk):
    target = get_object_or_404(Representative, pk=representative_pk, organisation=organisation)
    try:
        representative_remove(representation=target, actor=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(user)s no longer represents the organisation.") % {"user": target.user}
        )
    if target.user == request.user:
        return redirect("organisations:mine")
    return redirect("organisations:representatives", organisation_pk=organisation.pk)


@signed_in
def accept_invitation(request, token):
    """The invitation a link names: which organisation, who invited, and a button to accept
    it (or why it cannot be accepted; to someone it was not sent to, only why)."""
    if request.method == "POST":
        try:
            representation = representative_accept(token=token, actor=request.user)
        except InvitationError as error:
            messages.error(request, str(error))
            return redirect("organisations:mine")
        messages.success(
            request,
            _("You now represent %(name)s.") % {"name": representation.organisation.name},
        )
        return redirect("organisations:dashboard", organisation_pk=representation.organisation_id)
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        invitation, refusal = None, str(error)
    else:
        refusal = invitation_refusal(invitation, request.user)
        if invitation.email.lower() != request.user.email.lower():
            # Someone else's link (forwarded, or the wrong account): the refusal says which
            # address to sign in as, but not the organisation or its representative's address.
            invitation = None
    return render(
        request,
        "organisations/accept_invitation.html",
        {"token": token, "invitation": invitation, "refusal": refusal},
    )


@public
@cached_public_page(content_for_everyone=True)
def profile(request, pk):
    """An organisation's public page: public fields only, and its signatures of the compact."""
    organisation = get_object_or_404(
        Organisation.objects.verified().prefetch_related("activity_areas"), pk=pk
    )
    # Through the reverse relation: organisations does not import compact.
    signatures = organisation.signatures.public().select_related("agreement")
    return render(
        request,
        "organisations/profile.html",
        {"organisation": organisation, "signatures": signatures},
    )


@public
def logo(request, pk):
    """A verified organisation's logo, served by the portal itself (no separate media server)
    as the image its bytes show, whatever its name says; anything else is not found."""
    organisation = get_object_or_404(Organisation.objects.verified().exclude(logo=""), pk=pk)
    try:
        file = organisation.logo.open("rb")
    except OSError as error:
        raise Http404("The logo's file is missing.") from error
    kind = detect_type(file)
    if kind is None or kind.mime not in LOGO_TYPES:
        file.close()
        raise Http404("The stored logo is not an image.")
    response = FileResponse(file, content_type=kind.mime, filename=f"logo.{kind.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response
