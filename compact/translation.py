from modeltranslation.translator import TranslationOptions, register

from compact.models import Agreement


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "preamble")
