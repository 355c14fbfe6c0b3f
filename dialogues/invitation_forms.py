"""The official's choice of whom to invite to a meeting: organisations (signatories or every
verified organisation, narrowed by kind and area of activity) and pasted addresses."""

import hashlib
import json

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogues.services.invitations import (
    MAX_PASTED_ADDRESSES,
    Audience,
    invitable_organisations,
    malformed_addresses_message,
    parse_addresses,
    too_many_addresses_message,
)
from organisations.models import ActivityArea, Organisation


class InviteForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("Organisations"),
        choices=Audience.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Each organisation is invited at its contact person's e-mail address."
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Only these kinds of organisation"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every kind."),
    )
    areas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only these areas of activity"),
        queryset=ActivityArea.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "None ticked: every area. Ticked: organisations working in any of them."
        ),
    )
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"), choices=settings.LANGUAGES, initial="sv"
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["language"].initial = meeting.language
        self.fields["emails"].help_text = _(
            "Also or instead: addresses to invite, one a line (or separated by commas or "
            "semicolons), at most %(max)s."
        ) % {"max": formats.number_format(MAX_PASTED_ADDRESSES, force_grouping=True)}

    def clean_emails(self) -> list[str]:
        parsed = parse_addresses(self.cleaned_data["emails"])
        if parsed.invalid:
            raise forms.ValidationError(malformed_addresses_message(parsed.invalid))
        if len(parsed.valid) > MAX_PASTED_ADDRESSES:
            raise forms.ValidationError(too_many_addresses_message(len(parsed.valid)))
        return parsed.valid

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if not audience and (data.get("kinds") or data.get("areas")):
            self.add_error(
                "audience",
                _("Choose the organisations that the kinds and areas narrow down."),
            )
        elif not audience and "emails" in data and not data["emails"]:
            self.add_error(None, _("Choose organisations, paste e-mail addresses, or both."))
        return data

    def fingerprint(self) -> str:
        """The choice in short: the preview carries it, and a send whose choice differs
        from what was counted is counted again first."""
        data = self.cleaned_data
        choice = [
            data["audience"],
            sorted(data["kinds"]),
            sorted(area.pk for area in data["areas"]),
            data["emails"],
            data["language"],
        ]
        return hashlib.sha256(json.dumps(choice).encode()).hexdigest()[:32]

    def organisations(self):
        return invitable_organisations(
            audience=self.cleaned_data["audience"],
            kinds=self.cleaned_data["kinds"],
            areas=self.cleaned_data["areas"],
        )
