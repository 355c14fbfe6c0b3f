from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from compact.forms import validate_pdf
from compact.models import Agreement, Signature
from core.validators import no_control_characters, plain_email_address
from dialogues.registration_forms import MAX_PARTICIPANTS
from organisations.models import Organisation


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[no_control_characters])
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[plain_email_address],
        help_text=_("For the minutes and the next invitation."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, validators=[no_control_characters]
    )
    participants = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=MAX_PARTICIPANTS, initial=1
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        if organisation.organisation_number:
            return f"{organisation.name} ({organisation.organisation_number})"
        return organisation.name


class ForumSignatureForm(forms.Form):
    """An organisation that signed on paper at the forum, among those registered in the
    portal that have not signed the version in force."""

    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "Organisations registered in the portal that have not signed the version in force. "
            "One that is not registered yet registers first; then record its paper here."
        ),
    )
    signer_name = forms.CharField(
        label=_("Signed by (as on the paper)"),
        max_length=200,
        validators=[no_control_characters],
    )
    signer_role = forms.CharField(
        label=_("Role or title (as on the paper)"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("For example chair, secretary or general manager."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        signed = Signature.objects.effective().filter(agreement__status=Agreement.Status.ADOPTED)
        self.fields["organisation"].queryset = (
            Organisation.objects.exclude(verification=Organisation.Verification.REJECTED)
            .exclude(pk__in=signed.values("organisation"))
            .only("pk", "name", "organisation_number")
            .order_by("name")
        )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Shown on the meeting's public page."),
    )
    document = forms.FileField(
        label=_("The minutes as PDF (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        validators=[validate_pdf],
    )
    remove_document = forms.BooleanField(label=_("Remove the published PDF"), required=False)

    def __init__(self, *args, has_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "A PDF document of at most %(limit)s. It replaces the one published before."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        if not has_document:
            del self.fields["remove_document"]
