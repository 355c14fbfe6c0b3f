from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from compact.models import PublicParty
from dialogues.models import Meeting
from dialogues.services.meetings import FIELDS, meeting_problems

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker; the value is a time in Europe/Stockholm."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class MeetingForm(forms.ModelForm):
    """A meeting's content and dates. Each bad value is answered next to its field; the
    service asks the same questions again with the meeting locked, before saving."""

    public_parties = forms.ModelMultipleChoiceField(
        label=_("Hosted by"),
        queryset=PublicParty.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or several public parties."),
        error_messages={"required": _("Choose at least one host.")},
    )

    class Meta:
        model = Meeting
        fields = [*FIELDS, "public_parties"]  # the template places each one
        labels = {
            "title_sv": _("Title in Swedish"),
            "title_en": _("Title in English"),
            "description_sv": _("Description in Swedish"),
            "description_en": _("Description in English"),
            "agenda_sv": _("Agenda in Swedish"),
            "agenda_en": _("Agenda in English"),
            "language": _("Language of the meeting"),
        }
        help_texts = {
            "title_en": _("Leave empty to show the Swedish title in English too."),
            "agenda_sv": _("One item a line."),
            "address": _("Street address, postal code and town."),
            "online_link": _("For example a link to a video meeting."),
            "starts_at": _("Date and time in Swedish time."),
            "registration_deadline": _(
                "The last moment to register, at the latest when the meeting starts."
            ),
        }
        widgets = {
            "description_sv": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "agenda_sv": forms.Textarea(attrs={"rows": 4}),
            "agenda_en": forms.Textarea(attrs={"rows": 4}),
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "registration_deadline": DateTimeLocalInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_sv"].required = True
        self.fields["title_sv"].error_messages["required"] = _(
            "Give the meeting a title in Swedish."
        )
        link = self.fields["online_link"]
        link.validators = [
            validator for validator in link.validators if not isinstance(validator, URLValidator)
        ] + [URLValidator(schemes=["http", "https"])]
        self.fields["capacity"].widget.attrs["min"] = 1
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        registered = self.instance.registered_count() if self.instance.pk else 0
        problems = meeting_problems(
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            registration_deadline=data.get("registration_deadline"),
            capacity=data.get("capacity"),
            registered=registered,
        )
        if (
            not (data.get("place") or "").strip()
            and not data.get("online_link")
            and "online_link" not in self.errors
        ):
            problems["place"] = _("Give a place, a link to join online, or both.")
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def service_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in FIELDS if name in data},
            "public_parties": list(data["public_parties"]),
        }


def copy_initial(meeting: Meeting) -> dict:
    """A form's starting values for a copy: everything but the dates."""
    initial = {
        name: getattr(meeting, name)
        for name in FIELDS
        if name not in ("starts_at", "ends_at", "registration_deadline")
    }
    initial["public_parties"] = list(meeting.public_parties.all())
    return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the meeting's public page and in the e-mail to everyone registered."),
        error_messages={"required": _("Say why the meeting is cancelled.")},
    )
