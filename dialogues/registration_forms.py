from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import no_control_characters, plain_email_address
from organisations.models import Organisation

MAX_PARTICIPANTS = 20


class RegistrationForm(forms.Form):
    """Who comes: for which organisation, a name and an address, how many people, and what
    they need. The organisation is the invitation's when it names one, one of the user's
    when a representative is signed in, and otherwise typed (or left empty)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("One of the organisations you represent."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
        help_text=_("The organisation you come for, if any."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, validators=[no_control_characters])
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[plain_email_address],
        help_text=_("The confirmation and any news about the meeting go here."),
    )
    participants = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=MAX_PARTICIPANTS,
        initial=1,
        help_text=_("You included."),
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a hearing loop, step-free access, or food allergies."),
    )

    def __init__(self, *args, invitation=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invited_organisation = invitation.organisation if invitation else None
        represented = (
            Organisation.objects.filter(representatives__user=user).order_by("name")
            if user is not None and user.is_authenticated
            else Organisation.objects.none()
        )
        if self.invited_organisation is not None or not represented.exists():
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = represented
        if self.invited_organisation is not None or "organisation" in self.fields:
            del self.fields["organisation_name"]
        if invitation is not None:
            self.fields["email"].initial = invitation.email
        elif user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
        if user is not None and user.is_authenticated:
            self.fields["name"].initial = user.full_name

    def service_arguments(self) -> dict:
        """What registration_create takes from the form."""
        data = self.cleaned_data
        organisation = self.invited_organisation or data.get("organisation")
        return {
            "organisation": organisation,
            "organisation_name": "" if organisation else data.get("organisation_name", ""),
            "name": data["name"],
            "email": data["email"],
            "participants": data["participants"],
            "needs": data["needs"],
        }
