from modeltranslation.translator import TranslationOptions, register

from organisations.models import ActivityArea


@register(ActivityArea)
class ActivityAreaTranslation(TranslationOptions):
    fields = ("name",)
