from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import ActionRecord
from core.uploads import detect_type, validate_size
from core.validators import plain_email_address
from organisations.models import Organisation, Representative
from organisations.numbers import normalise_organisation_number

LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}


def number_released_from(organisation: Organisation, number: str) -> bool:
    """Whether officials released this organisation number from this registration (the
    action log keeps each released number)."""
    return (
        ActionRecord.objects.about(organisation)
        .filter(action_type="organisations.organisation.number_released", data__number=number)
        .exists()
    )


def validate_logo(upload):
    """A logo is a PNG, JPEG or WebP image (by content, not by name) within the size limit."""
    validate_size(upload, settings.LOGO_MAX_BYTES)
    kind = detect_type(upload)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."), code="type")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "organisation_number",
            "kind",
            "activity_areas",
            "description",
            "website",
            "postal_town",
            "contact_name",
            "contact_email",
            "contact_phone",
            "public_email",
            "publish_email",
            "logo",
        ]
        widgets = {
            "activity_areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "contact_email": _("Shown only to officials and your organisation's representatives."),
            "contact_phone": _("Shown only to officials and your organisation's representatives."),
        }

    def clean_organisation_number(self):
        number = normalise_organisation_number(self.cleaned_data["organisation_number"])
        taken = Organisation.objects.filter(organisation_number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("An organisation with this organisation number is already registered."),
                code="unique",
            )
        if self.instance.pk and number_released_from(self.instance, number):
            # Officials freed it for the organisation it belongs to: the registration that
            # held it does not take it back.
            raise ValidationError(
                _(
                    "Officials released this number from the registration; contact them if "
                    "it belongs to your organisation."
                ),
                code="released",
            )
        return number

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            validate_logo(logo)
        return logo


class InviteRepresentativeForm(forms.Form):
    email = forms.EmailField(
        label=_("The colleague's e-mail address"), validators=[plain_email_address]
    )
    may_sign = forms.BooleanField(
        label=_("May sign the compact for the organisation"), required=False
    )

    def __init__(self, *args, organisation, may_grant_signing, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not may_grant_signing:
            # Only someone who may sign can let others sign.
            del self.fields["may_sign"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Representative.objects.filter(
            organisation=self.organisation, user__email__iexact=email
        ).exists():
            raise ValidationError(_("This person already represents the organisation."))
        return email
