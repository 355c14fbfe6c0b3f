from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from principles.followups import ACCOUNT_MAX_CHARS, validate_attachment, validate_links
from principles.models import EntryStatus


class EntryForm(forms.Form):
    """One commitment's (or plan item's) record in a follow-up; the page holds one per
    entry, each with its own prefix."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Not recorded yet")), *EntryStatus.choices],
        required=False,
    )
    account = forms.CharField(
        label=pgettext_lazy("follow-up", "Account"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ACCOUNT_MAX_CHARS,
        help_text=_("What was done in the year, briefly."),
    )
    links = forms.CharField(
        label=_("Links"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Web addresses that tell more, one a line."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF document or a PNG or JPEG picture."),
        validators=[validate_attachment],
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False)

    def clean_links(self):
        return validate_links(self.cleaned_data["links"])

    @classmethod
    def for_entry(cls, entry, data=None, files=None):
        return cls(
            data,
            files,
            prefix=f"entry-{entry.pk}",
            initial={"status": entry.status, "account": entry.account, "links": entry.links},
        )


class FollowUpCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=ACCOUNT_MAX_CHARS,
    )
    commitment = forms.TypedChoiceField(
        label=_("Commitment it corrects"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, commitments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = [
            ("", _("The follow-up as a whole")),
            *((c.pk, c.text[:100]) for c in commitments),
        ]


class AccountForm(forms.Form):
    text = forms.CharField(
        label=_("Your organisation's account"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=ACCOUNT_MAX_CHARS,
    )
