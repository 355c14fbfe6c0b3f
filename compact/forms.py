import io

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compact.models import Signature
from core.uploads import validate_size
from core.validators import no_control_characters


def validate_pdf(upload):
    """A real PDF (checked by its content, not its name) within the size limit."""
    from pypdf import PdfReader

    validate_size(upload, settings.UPLOAD_MAX_BYTES)
    content = upload.read()
    upload.seek(0)
    if not content.startswith(b"%PDF-"):
        raise ValidationError(_("The file is not a PDF document."), code="type")
    try:
        pages = len(PdfReader(io.BytesIO(content)).pages)
    except Exception as error:  # noqa: BLE001 - any failure to parse is the same answer
        raise ValidationError(_("The PDF document cannot be read."), code="unreadable") from error
    if pages == 0:
        raise ValidationError(_("The PDF document has no pages."), code="empty")


class SignForm(forms.Form):
    signer_name = forms.CharField(
        label=_("Your full name"), max_length=200, validators=[no_control_characters]
    )
    signer_role = forms.CharField(
        label=_("Your role or title in the organisation"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("For example chair, secretary or general manager."),
    )
    authority = forms.ChoiceField(
        label=_("Your authority to sign"),
        choices=Signature.Authority.choices,
        widget=forms.RadioSelect,
    )
    board_decision_on = forms.DateField(
        label=_("Date of the board decision"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required when the board has decided that you may sign."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm that I am authorised to sign, and I sign the compact on behalf of the organisation."
        ),
        error_messages={"required": _("You must confirm that you are authorised to sign.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("authority") == Signature.Authority.BOARD_DECISION and not data.get(
            "board_decision_on"
        ):
            self.add_error("board_decision_on", _("Give the date of the board decision."))
        return data


def not_in_the_future(day):
    if day > timezone.localdate():
        raise ValidationError(_("The date of signing cannot be in the future."), code="future")


class ApplicationForm(forms.Form):
    document = forms.FileField(
        label=_("The signed application (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        validators=[validate_pdf],
    )
    signatory_name = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("The name of the person who signed the application, as on the paper."),
    )
    signatory_role = forms.CharField(
        label=_("Their role or title in the organisation"),
        max_length=200,
        validators=[no_control_characters],
        help_text=_("For example chair, secretary or general manager."),
    )
    signed_on = forms.DateField(
        label=_("Date signed"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[not_in_the_future],
    )
    message = forms.CharField(
        label=_("Message to the officials"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the language of this request, not the one active when the module loaded.
        self.fields["document"].help_text = _("A PDF document of at most %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }


class SignatoryForm(forms.Form):
    """The official's approval of a written application: who signed the paper and when, as
    the representative gave it (corrected if the paper says otherwise)."""

    signer_name = forms.CharField(
        label=_("Signed by"), max_length=200, validators=[no_control_characters]
    )
    signer_role = forms.CharField(
        label=_("Role or title"), max_length=200, validators=[no_control_characters]
    )
    signed_on = forms.DateField(
        label=_("Date signed"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[not_in_the_future],
    )

    @classmethod
    def for_application(cls, application, data=None):
        initial = {
            "signer_name": application.signatory_name,
            "signer_role": application.signatory_role,
            "signed_on": application.signed_on,
        }
        return cls(data, initial=initial, prefix="signatory")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
