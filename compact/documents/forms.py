from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    document = forms.FileField(label=_("The PDF to check"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "A PDF the portal issued: the agreement, a certificate of signing or an "
            "application form. At most %(size)s."
        ) % {"size": filesizeformat(settings.PDF_VERIFY_MAX_BYTES)}

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > settings.PDF_VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: no document the portal issues is.")
                % {"size": filesizeformat(settings.PDF_VERIFY_MAX_BYTES)}
            )
        return document
